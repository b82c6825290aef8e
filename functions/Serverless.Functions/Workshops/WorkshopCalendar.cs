using System.Globalization;
using System.Text;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Localization;
using Calendar = Ical.Net.Calendar;

namespace Serverless.Functions.Workshops;

/// <summary>
/// The calendar entry sent with a confirmation: one VEVENT whose UID is stable for the person and
/// the session (so a change updates the same entry and a cancellation removes it), start and end
/// as local times with the session's TZID and its VTIMEZONE, the online link as URL and LOCATION.
/// </summary>
public static class WorkshopCalendar
{
    public const string ContentType = "text/calendar; charset=utf-8";

    public static string Uid(string seriesId, string sessionId, string personId) => $"{seriesId}.{sessionId}.{personId}@workshops.innovation-network";

    public static string Build(SeriesEntity series, SessionEntity session, string personId, string language, int sequence, bool cancelled, DateTimeOffset now)
    {
        var calendar = new Calendar
        {
            ProductId = "-//Innovation Network//Workshops//EN",
            Method = cancelled ? "CANCEL" : "PUBLISH",
        };
        calendar.AddTimeZone(session.TimeZone);

        var title = Languages.TextIn(session.TitleMap, language);
        var seriesTitle = Languages.TextIn(series.TitleMap, language);
        var description = Languages.TextIn(session.DescriptionMap, language);
        var calendarEvent = new CalendarEvent
        {
            Uid = Uid(series.Id, session.Id, personId),
            Summary = string.IsNullOrEmpty(seriesTitle) || seriesTitle == title ? title : $"{title} — {seriesTitle}",
            Description = string.IsNullOrEmpty(session.OnlineUrl) ? description : $"{description}\n\n{session.OnlineUrl}".Trim(),
            DtStart = new CalDateTime(ParseLocal(session.StartLocal), session.TimeZone, true),
            DtEnd = new CalDateTime(ParseLocal(session.EndLocal), session.TimeZone, true),
            DtStamp = new CalDateTime(now.UtcDateTime, "UTC", true),
            Sequence = sequence,
            Status = cancelled ? "CANCELLED" : "CONFIRMED",
            Location = session.Venue ?? session.OnlineUrl,
        };
        if (session.OnlineUrl is { Length: > 0 } url)
        {
            calendarEvent.Url = new Uri(url);
        }

        calendar.Events.Add(calendarEvent);
        return new CalendarSerializer().SerializeToString(calendar) ?? "";
    }

    public static EmailAttachment Attachment(string ics, string fileName = "workshop.ics") =>
        new(fileName, ContentType, Encoding.UTF8.GetBytes(ics));

    private static DateTime ParseLocal(string local) =>
        DateTime.SpecifyKind(DateTime.ParseExact(local, WorkshopValidation.LocalTimeFormat, CultureInfo.InvariantCulture), DateTimeKind.Unspecified);
}

using System.Diagnostics;
using System.Text.Json;
using Ical.Net.CalendarComponents;
using Serverless.Functions.Workshops;
using Serverless.Testing;
using IcalCalendar = Ical.Net.Calendar;

namespace Serverless.Functions.Tests.Workshops;

public sealed class WorkshopCalendarTests
{
    private static (SeriesEntity Series, SessionEntity Session) Sample()
    {
        var series = new SeriesEntity { RowKey = "innovation-model-codesign", Titles = """{"en":"Co-design of the Innovation Development Model","el":"Συν-σχεδιασμός Μοντέλου Ανάπτυξης Καινοτομίας"}""" };
        var session = new SessionEntity
        {
            RowKey = SessionEntity.Prefix + "workshop-1",
            SeriesId = series.Id,
            Titles = """{"en":"First co-design workshop, <b>online</b>","el":"Πρώτο εργαστήριο"}""",
            Descriptions = """{"en":"Innovation as an improvement mechanism; the model's steps, decisions and applications."}""",
            StartLocal = "2031-07-13T10:00",
            EndLocal = "2031-07-13T12:00",
            TimeZone = "Europe/Athens",
            StartUtc = new DateTimeOffset(2031, 7, 13, 7, 0, 0, TimeSpan.Zero),
            EndUtc = new DateTimeOffset(2031, 7, 13, 9, 0, 0, TimeSpan.Zero),
            OnlineUrl = "https://meet.example.org/codesign-1",
        };
        return (series, session);
    }

    [Fact]
    public void Build_Session_ParsesWithIcalNetWithStableUidTzidAndUrl()
    {
        var (series, session) = Sample();

        var ics = WorkshopCalendar.Build(series, session, "person-1", "el", 2, cancelled: false, DateTimeOffset.UtcNow);
        var again = WorkshopCalendar.Build(series, session, "person-1", "el", 3, cancelled: true, DateTimeOffset.UtcNow);
        var parsed = IcalCalendar.Load(ics)!;
        var e = parsed.Events.Single();

        Assert.Equal(WorkshopCalendar.Uid(series.Id, session.Id, "person-1"), e.Uid);
        Assert.Equal(e.Uid, IcalCalendar.Load(again)!.Events.Single().Uid);
        Assert.Equal("Europe/Athens", e.DtStart!.TzId);
        Assert.Equal(new DateTime(2031, 7, 13, 10, 0, 0), e.DtStart.Value);
        Assert.Equal(new DateTime(2031, 7, 13, 7, 0, 0, DateTimeKind.Utc), e.DtStart.AsUtc);
        Assert.Equal(new DateTime(2031, 7, 13, 9, 0, 0, DateTimeKind.Utc), e.DtEnd!.AsUtc);
        Assert.Equal(new Uri("https://meet.example.org/codesign-1"), e.Url);
        Assert.Equal("https://meet.example.org/codesign-1", e.Location);
        Assert.StartsWith("Πρώτο εργαστήριο", e.Summary, StringComparison.Ordinal);
        Assert.Single(parsed.TimeZones);
        Assert.Contains("METHOD:CANCEL", again, StringComparison.Ordinal);
        Assert.Contains("STATUS:CANCELLED", again, StringComparison.Ordinal);
        Assert.IsType<CalendarEvent>(e);
    }

    [Fact]
    public async Task Build_Session_ParsesWithIcalJs()
    {
        var (series, session) = Sample();
        var ics = WorkshopCalendar.Build(series, session, "person-1", "en", 1, cancelled: false, DateTimeOffset.UtcNow);
        var file = Path.Combine(Path.GetTempPath(), $"workshop-{Guid.NewGuid():N}.ics");
        await File.WriteAllTextAsync(file, ics);
        var script = """
            const ICAL = require(process.argv[1]);
            const text = require('fs').readFileSync(process.argv[2], 'utf8');
            const comp = new ICAL.Component(ICAL.parse(text));
            for (const tz of comp.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
            const e = new ICAL.Event(comp.getFirstSubcomponent('vevent'));
            console.log(JSON.stringify({ uid: e.uid, start: e.startDate.toJSDate().toISOString(), end: e.endDate.toJSDate().toISOString(), tzid: e.startDate.zone.tzid, url: comp.getFirstSubcomponent('vevent').getFirstPropertyValue('url'), summary: e.summary }));
            """;
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-e", script, Path.Combine(RepositoryPaths.NodeModules, "ical.js", "dist", "ical.es5.cjs"), file })
        {
            start.ArgumentList.Add(arg);
        }

        using var node = Process.Start(start)!;
        var output = await node.StandardOutput.ReadToEndAsync();
        var error = await node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        File.Delete(file);

        Assert.True(node.ExitCode == 0, error);
        var parsed = JsonDocument.Parse(output).RootElement;
        Assert.Equal(WorkshopCalendar.Uid(series.Id, session.Id, "person-1"), parsed.GetProperty("uid").GetString());
        Assert.Equal("2031-07-13T07:00:00.000Z", parsed.GetProperty("start").GetString());
        Assert.Equal("2031-07-13T09:00:00.000Z", parsed.GetProperty("end").GetString());
        Assert.Equal("Europe/Athens", parsed.GetProperty("tzid").GetString());
        Assert.Equal("https://meet.example.org/codesign-1", parsed.GetProperty("url").GetString());
        Assert.Equal("First co-design workshop, <b>online</b> — Co-design of the Innovation Development Model", parsed.GetProperty("summary").GetString());
    }
}

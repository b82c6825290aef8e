namespace Serverless.Functions.Workshops;

// The API's contracts, separate from the table entities and joined to them by the To* methods.

public sealed record QuestionRequest(string? Id, Dictionary<string, string>? Labels, int? MaxLength, bool? Required);

public sealed record SeriesRequest(string? Id, Dictionary<string, string>? Titles, Dictionary<string, string>? Descriptions, List<QuestionRequest>? Questions);

public sealed record SessionRequest(
    string? Id,
    Dictionary<string, string>? Titles,
    Dictionary<string, string>? Descriptions,
    string? Start,
    string? End,
    string? TimeZone,
    string? OnlineUrl,
    string? Venue,
    int? Capacity,
    bool? Waitlist,
    DateTimeOffset? RegistrationDeadline);

public sealed record Seats(int Capacity, int Taken, int Confirmed, int Offered, int Waitlisted);

public sealed record Session(
    string Id,
    string SeriesId,
    IReadOnlyDictionary<string, string> Titles,
    IReadOnlyDictionary<string, string> Descriptions,
    string Start,
    string End,
    string TimeZone,
    DateTimeOffset StartUtc,
    DateTimeOffset EndUtc,
    string? OnlineUrl,
    string? Venue,
    int Capacity,
    bool Waitlist,
    DateTimeOffset RegistrationDeadline,
    Seats Seats,
    string ETag);

public sealed record Series(
    string Id,
    IReadOnlyDictionary<string, string> Titles,
    IReadOnlyDictionary<string, string> Descriptions,
    IReadOnlyList<Question> Questions,
    IReadOnlyList<Session> Sessions,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string ETag);

public sealed record Registration(
    string PersonId,
    string Name,
    string Email,
    string? OrganisationId,
    string SessionId,
    string Status,
    int? WaitlistPosition,
    IReadOnlyDictionary<string, string> Answers,
    DateTimeOffset ConsentGivenAt,
    DateTimeOffset? OfferExpiresAt,
    bool? Attended,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record AttendanceRequest(bool? Attended);

public sealed record RegisterRequest(string? SessionId, Dictionary<string, string?>? Answers, bool? Consent);

public sealed record ChangeRequest(string? SessionId, Dictionary<string, string?>? Answers);

public sealed record SurveyRequest(Dictionary<string, int>? Ratings, string? Comment);

public sealed record CampaignRequest(
    string? SeriesId,
    string? Name,
    List<string>? OrganisationIds,
    List<string>? PersonIds,
    string? EmailsCsv,
    DateTimeOffset? Deadline,
    double? ReminderDaysBefore);

public sealed record CampaignCounts(int Total, int Pending, int Sent, int Registered, int Declined, int Expired, int Bounced);

public sealed record Campaign(
    string Id,
    string SeriesId,
    string Name,
    DateTimeOffset Deadline,
    double ReminderDaysBefore,
    int Total,
    string InstanceId,
    string RuntimeStatus,
    CampaignCounts Counts,
    object? CustomStatus,
    DateTimeOffset CreatedAt);

public sealed record Invitation(string PersonId, string Name, string Email, string Status, DateTimeOffset? SentAt, DateTimeOffset? RemindedAt, DateTimeOffset? AnsweredAt, string? Error);

public sealed record RatingSummary(string Question, int Count, double Average, IReadOnlyList<int> Distribution);

public sealed record FeedbackSummary(string? SessionId, int Responses, IReadOnlyList<RatingSummary> Ratings, IReadOnlyList<string> Comments);

public sealed record FeedbackResults(string SeriesId, FeedbackSummary Series, IReadOnlyList<FeedbackSummary> Sessions);

/// <summary>What the invitation page shows: the series, its sessions and the person's registration, in the person's language.</summary>
public sealed record InvitationPage(
    string SeriesId,
    string Language,
    IReadOnlyDictionary<string, string> Titles,
    IReadOnlyDictionary<string, string> Descriptions,
    IReadOnlyList<Question> Questions,
    IReadOnlyList<PublicSession> Sessions,
    PublicPerson Person,
    string InvitationStatus,
    DateTimeOffset? InvitationDeadline,
    PublicRegistration? Registration,
    string ConsentTextVersion);

public sealed record PublicPerson(string Name, string Email, string? Organisation);

public sealed record PublicSession(
    string Id,
    IReadOnlyDictionary<string, string> Titles,
    IReadOnlyDictionary<string, string> Descriptions,
    string Start,
    string End,
    string TimeZone,
    DateTimeOffset StartUtc,
    DateTimeOffset EndUtc,
    string? OnlineUrl,
    string? Venue,
    bool Waitlist,
    DateTimeOffset RegistrationDeadline,
    bool Open,
    int SeatsLeft);

public sealed record PublicRegistration(string SessionId, string Status, int? WaitlistPosition, IReadOnlyDictionary<string, string> Answers, DateTimeOffset? OfferExpiresAt);

public sealed record SurveyPage(string SeriesId, string SessionId, IReadOnlyDictionary<string, string> SeriesTitles, IReadOnlyDictionary<string, string> SessionTitles, string Start, string TimeZone, IReadOnlyList<string> Questions, bool Submitted, string Language);

internal static class WorkshopMapping
{
    /// <summary>The audit log's record type for registrations; <see cref="AuditId"/> names the row.</summary>
    public const string RegistrationRecordType = "workshop-registration";

    public static string AuditId(this RegistrationEntity r) => r.SeriesId + "/" + r.PersonId;

    public static Seats SeatsOf(SeatCounterEntity? counter, IEnumerable<RegistrationEntity> registrations, string sessionId)
    {
        var mine = registrations.Where(r => r.SessionId == sessionId).ToList();
        return new Seats(
            counter?.Capacity ?? 0,
            counter?.Taken ?? 0,
            mine.Count(r => r.Status == RegistrationStatus.Confirmed),
            mine.Count(r => r.Status == RegistrationStatus.Offered),
            counter?.Waitlisted ?? mine.Count(r => r.Status == RegistrationStatus.Waitlisted));
    }

    public static Session ToContract(this SessionEntity s, Seats seats) => new(
        s.Id, s.SeriesId, s.TitleMap, s.DescriptionMap, s.StartLocal, s.EndLocal, s.TimeZone, s.StartUtc, s.EndUtc,
        s.OnlineUrl, s.Venue, s.Capacity, s.WaitlistEnabled, s.RegistrationDeadline, seats, s.ETag.ToString());

    public static Series ToContract(this SeriesEntity s, IReadOnlyList<Session> sessions) => new(
        s.Id, s.TitleMap, s.DescriptionMap, s.QuestionList, sessions, s.CreatedAt, s.UpdatedAt, s.ETag.ToString());

    public static Registration ToContract(this RegistrationEntity r, int? waitlistPosition) => new(
        r.PersonId, r.Name, r.Email, r.OrganisationId, r.SessionId, r.Status, waitlistPosition, r.AnswerMap,
        r.ConsentGivenAt, r.OfferExpiresAt, r.Attended, r.CreatedAt, r.UpdatedAt);

    public static Invitation ToContract(this InvitationEntity i) => new(i.PersonId, i.Name, i.Email, i.Status, i.SentAt, i.RemindedAt, i.AnsweredAt, i.Error);

    /// <summary>Positions on each session's waitlist (1 = next to be offered a seat), by person.</summary>
    public static Dictionary<string, int> WaitlistPositions(IEnumerable<RegistrationEntity> registrations) =>
        registrations.Where(r => r.Status == RegistrationStatus.Waitlisted)
            .GroupBy(r => r.SessionId)
            .SelectMany(g => g.OrderBy(r => r.WaitlistNumber).Select((r, i) => (r.PersonId, Position: i + 1)))
            .ToDictionary(x => x.PersonId, x => x.Position);

    /// <summary>What the audit log keeps of a registration.</summary>
    public static object ToAudit(this RegistrationEntity r) => new
    {
        r.SeriesId,
        r.PersonId,
        r.SessionId,
        r.Status,
        r.WaitlistNumber,
        answers = r.AnswerMap,
        r.OfferExpiresAt,
        r.Attended,
        r.Revision,
    };
}

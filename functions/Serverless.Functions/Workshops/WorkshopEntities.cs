using System.Runtime.Serialization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Workshops;

// Table layout (one table, "Workshops"):
//   series                 | {seriesId}                  a series: titles, descriptions, questions
//   s|{seriesId}           | session|{sessionId}         a session of the series
//   s|{seriesId}           | counter|{sessionId}         the session's seat counter (ETag-guarded)
//   s|{seriesId}           | reg|{personId}              one person's registration in the series
//   s|{seriesId}           | feedback|{sessionId}|{pid}  one attendee's survey answers
//   campaigns              | {campaignId}                an invitation campaign
//   c|{campaignId}         | {personId}                  one invitee of a campaign
// A registration, the counters it changes and any waitlisted person it promotes share the
// series partition, so every seat change is one entity-group transaction.

public sealed class SeriesEntity : ITableEntity
{
    public const string Partition = "series";

    public string PartitionKey { get; set; } = Partition;

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Titles { get; set; } = "{}";

    public string Descriptions { get; set; } = "{}";

    /// <summary>The registration questions as JSON (a list of <see cref="Question"/>).</summary>
    public string Questions { get; set; } = "[]";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    [IgnoreDataMember]
    public string Id => RowKey;

    [IgnoreDataMember]
    public Dictionary<string, string> TitleMap => TableJson.Read<Dictionary<string, string>>(Titles);

    [IgnoreDataMember]
    public Dictionary<string, string> DescriptionMap => TableJson.Read<Dictionary<string, string>>(Descriptions);

    [IgnoreDataMember]
    public List<Question> QuestionList => JsonSerializer.Deserialize<List<Question>>(Questions, TableJson.Options) ?? [];
}

public sealed class SessionEntity : ITableEntity
{
    public const string Prefix = "session|";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string SeriesId { get; set; } = "";

    public string Titles { get; set; } = "{}";

    public string Descriptions { get; set; } = "{}";

    /// <summary>Local wall-clock start, "yyyy-MM-ddTHH:mm", in <see cref="TimeZone"/>.</summary>
    public string StartLocal { get; set; } = "";

    public string EndLocal { get; set; } = "";

    /// <summary>IANA time zone id, e.g. Europe/Athens.</summary>
    public string TimeZone { get; set; } = "";

    public DateTimeOffset StartUtc { get; set; }

    public DateTimeOffset EndUtc { get; set; }

    public string? OnlineUrl { get; set; }

    public string? Venue { get; set; }

    public int Capacity { get; set; }

    public bool WaitlistEnabled { get; set; }

    public DateTimeOffset RegistrationDeadline { get; set; }

    /// <summary>The reminder orchestration for the current start time.</summary>
    public string? ReminderInstanceId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    [IgnoreDataMember]
    public string Id => RowKey[Prefix.Length..];

    [IgnoreDataMember]
    public Dictionary<string, string> TitleMap => TableJson.Read<Dictionary<string, string>>(Titles);

    [IgnoreDataMember]
    public Dictionary<string, string> DescriptionMap => TableJson.Read<Dictionary<string, string>>(Descriptions);
}

/// <summary>
/// Seats of one session. <see cref="Taken"/> counts confirmed seats and seats held for an open
/// waitlist offer; every change is written with the row's ETag, in the same transaction as the
/// registrations it concerns.
/// </summary>
public sealed class SeatCounterEntity : ITableEntity
{
    public const string Prefix = "counter|";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public int Capacity { get; set; }

    public int Taken { get; set; }

    public int Waitlisted { get; set; }

    /// <summary>The number the next waitlisted person gets; numbers only grow, so they give the order.</summary>
    public long NextWaitlistNumber { get; set; } = 1;

    [IgnoreDataMember]
    public string SessionId => RowKey[Prefix.Length..];

    public SeatCounterEntity Copy() => (SeatCounterEntity)MemberwiseClone();
}

public static class RegistrationStatus
{
    public const string Confirmed = "confirmed";
    public const string Waitlisted = "waitlisted";

    /// <summary>Promoted from the waitlist: a seat is held until the offer lapses.</summary>
    public const string Offered = "offered";
    public const string Cancelled = "cancelled";

    /// <summary>The waitlist offer was not taken in time.</summary>
    public const string Lapsed = "lapsed";

    public static bool HoldsSeat(string status) => status is Confirmed or Offered;

    public static bool IsActive(string status) => status is Confirmed or Waitlisted or Offered;
}

public sealed class RegistrationEntity : ITableEntity
{
    public const string Prefix = "reg|";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string SeriesId { get; set; } = "";

    public string PersonId { get; set; } = "";

    public string Name { get; set; } = "";

    public string Email { get; set; } = "";

    public string Language { get; set; } = "en";

    public string? OrganisationId { get; set; }

    public string? CampaignId { get; set; }

    public string SessionId { get; set; } = "";

    public string Status { get; set; } = RegistrationStatus.Confirmed;

    public long WaitlistNumber { get; set; }

    /// <summary>Answers to the series' questions as JSON ({questionId: text}); kept as plain text, encoded wherever shown.</summary>
    public string Answers { get; set; } = "{}";

    public DateTimeOffset ConsentGivenAt { get; set; }

    public string ConsentTextVersion { get; set; } = "";

    public string? OfferId { get; set; }

    public DateTimeOffset? OfferExpiresAt { get; set; }

    public bool? Attended { get; set; }

    /// <summary>Grows with every change; emails about a change carry it in their key.</summary>
    public int Revision { get; set; } = 1;

    /// <summary>
    /// Set in the same write that grants the seat: the confirmation email, the audit entry and the
    /// invitation's answer are owed. The request does them at once; the follow-up sweep redoes
    /// whatever a crash cut off and then clears this.
    /// </summary>
    public DateTimeOffset? FollowUpDueAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    [IgnoreDataMember]
    public Dictionary<string, string> AnswerMap => TableJson.Read<Dictionary<string, string>>(Answers);

    /// <summary>The place on the waitlist when the row was committed (not stored).</summary>
    [IgnoreDataMember]
    public int? WaitlistPositionAtCommit { get; set; }

    public RegistrationEntity Copy() => (RegistrationEntity)MemberwiseClone();
}

public sealed class FeedbackEntity : ITableEntity
{
    public const string Prefix = "feedback|";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string SessionId { get; set; } = "";

    public string PersonId { get; set; } = "";

    /// <summary>Ratings 1-5 by question as JSON ({"overall": 5, ...}).</summary>
    public string Ratings { get; set; } = "{}";

    public string? Comment { get; set; }

    public DateTimeOffset SubmittedAt { get; set; }

    [IgnoreDataMember]
    public Dictionary<string, int> RatingMap => JsonSerializer.Deserialize<Dictionary<string, int>>(Ratings, TableJson.Options) ?? [];
}

public sealed class CampaignEntity : ITableEntity
{
    public const string Partition = "campaigns";

    public string PartitionKey { get; set; } = Partition;

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string SeriesId { get; set; } = "";

    public string Name { get; set; } = "";

    public DateTimeOffset Deadline { get; set; }

    public double ReminderDaysBefore { get; set; }

    public int Total { get; set; }

    public string InstanceId { get; set; } = "";

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    [IgnoreDataMember]
    public string Id => RowKey;
}

public static class InvitationStatus
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Registered = "registered";
    public const string Declined = "declined";
    public const string Expired = "expired";
    public const string Bounced = "bounced";

    public static readonly string[] All = [Pending, Sent, Registered, Declined, Expired, Bounced];

    public static bool IsOpen(string status) => status is Pending or Sent;
}

public sealed class InvitationEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string CampaignId { get; set; } = "";

    public string SeriesId { get; set; } = "";

    public string PersonId { get; set; } = "";

    public string Email { get; set; } = "";

    public string Name { get; set; } = "";

    public string Language { get; set; } = "en";

    /// <summary>The invitee's organisation as of the campaign's start ("" for none; null on rows written before it was kept).</summary>
    public string? OrganisationId { get; set; }

    public string Status { get; set; } = InvitationStatus.Pending;

    public DateTimeOffset? SentAt { get; set; }

    public DateTimeOffset? RemindedAt { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }

    public string? Error { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A registration question, e.g. "Your management challenge", with its longest accepted answer.</summary>
public sealed record Question(string Id, Dictionary<string, string> Labels, int MaxLength, bool Required);

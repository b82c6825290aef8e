using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Nominations;

// Table layout (one table, "Nominations"):
//   calls                  | {callId}                        a call for nominations
//   c|{callId}             | n|{nominationId}                 a nomination (draft to decided)
//   c|{callId}             | r|{nominationId}|{reviewerId}    one reviewer's assignment to a nomination
// A call's nominations and assignments share its partition, so the reviewer load of a call is one
// partition query and the board is another.

/// <summary>One scoring criterion of a call, e.g. "practical feasibility", with its weight.</summary>
public sealed record Criterion(string Id, Dictionary<string, string> Labels, double Weight);

public sealed class CallEntity : ITableEntity
{
    public const string Partition = "calls";

    public string PartitionKey { get; set; } = Partition;

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Titles { get; set; } = "{}";

    public string Descriptions { get; set; } = "{}";

    public DateTimeOffset OpensAt { get; set; }

    public DateTimeOffset ClosesAt { get; set; }

    public DateTimeOffset ReviewDeadline { get; set; }

    /// <summary>The criteria as JSON (a list of <see cref="Criterion"/>).</summary>
    public string Criteria { get; set; } = "[]";

    /// <summary>Scores run from 1 to this number (pass/fail calls: approve or reject instead).</summary>
    public int ScaleMax { get; set; } = 5;

    public bool PassFail { get; set; }

    /// <summary>The panel: reviewer person ids, comma-separated.</summary>
    public string Reviewers { get; set; } = "";

    public int ReviewsPerNomination { get; set; } = 3;

    /// <summary>The lowest weighted score (percent of the scale) that the board marks as above the line.</summary>
    public double Threshold { get; set; } = 60;

    /// <summary>Whether reviewers' comments go back to nominators with the decision.</summary>
    public bool ShareComments { get; set; }

    /// <summary>Conflicts declared before the review as JSON ({reviewerId: [organisationId, ...]}).</summary>
    public string DeclaredConflicts { get; set; } = "{}";

    /// <summary>Set when the review started (the call is closed from then on).</summary>
    public DateTimeOffset? ReviewStartedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    [IgnoreDataMember]
    public string Id => RowKey;

    [IgnoreDataMember]
    public Dictionary<string, string> TitleMap => TableJson.Read<Dictionary<string, string>>(Titles);

    [IgnoreDataMember]
    public Dictionary<string, string> DescriptionMap => TableJson.Read<Dictionary<string, string>>(Descriptions);

    [IgnoreDataMember]
    public List<Criterion> CriterionList => TableJson.Read<List<Criterion>>(Criteria);

    [IgnoreDataMember]
    public Dictionary<string, List<string>> ConflictMap => TableJson.Read<Dictionary<string, List<string>>>(DeclaredConflicts);

    [IgnoreDataMember]
    public IReadOnlyList<string> ReviewerList => Reviewers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public bool IsOpen(DateTimeOffset now) => ReviewStartedAt is null && OpensAt <= now && now < ClosesAt;
}

public static class NominationStatus
{
    public const string Draft = "draft";
    public const string Submitted = "submitted";
    public const string InReview = "in-review";
    public const string Reviewed = "reviewed";
    public const string Selected = "selected";
    public const string Rejected = "rejected";

    public static bool IsDecided(string status) => status is Selected or Rejected;
}

/// <summary>A file attached to a nomination; the bytes live in Blob Storage under <see cref="BlobName"/>.</summary>
public sealed record AttachmentInfo(string Id, string FileName, string ContentType, long Size, string BlobName, DateTimeOffset UploadedAt);

public sealed class NominationEntity : ITableEntity
{
    public const string Prefix = "n|";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string CallId { get; set; } = "";

    public string OrganisationId { get; set; } = "";

    public string SubmitterId { get; set; } = "";

    public string Title { get; set; } = "";

    public string Goals { get; set; } = "";

    public string ExpectedImpact { get; set; } = "";

    public string Feasibility { get; set; } = "";

    public string Team { get; set; } = "";

    /// <summary>Attachments as JSON (a list of <see cref="AttachmentInfo"/>).</summary>
    public string Attachments { get; set; } = "[]";

    public string Status { get; set; } = NominationStatus.Draft;

    public DateTimeOffset? SubmittedAt { get; set; }

    /// <summary>The weighted score as a percentage of the scale, once the review is complete.</summary>
    public double? Score { get; set; }

    public int ReviewCount { get; set; }

    public bool Disagreement { get; set; }

    public DateTimeOffset? ReviewedAt { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public string? DecidedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    [IgnoreDataMember]
    public string Id => RowKey[Prefix.Length..];

    [IgnoreDataMember]
    public List<AttachmentInfo> AttachmentList => TableJson.Read<List<AttachmentInfo>>(Attachments);
}

public static class AssignmentStatus
{
    public const string Assigned = "assigned";
    public const string Submitted = "submitted";
    public const string Declined = "declined";
    public const string Conflict = "conflict";

    /// <summary>Silent past the response window: replaced by another reviewer.</summary>
    public const string Replaced = "replaced";

    /// <summary>Still unanswered when the review deadline passed.</summary>
    public const string Expired = "expired";

    /// <summary>Counts against the number of reviews a nomination needs.</summary>
    public static bool IsActive(string status) => status is Assigned or Submitted;
}

public sealed class AssignmentEntity : ITableEntity
{
    public const string Prefix = "r|";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string CallId { get; set; } = "";

    public string NominationId { get; set; } = "";

    public string ReviewerId { get; set; } = "";

    public string Status { get; set; } = AssignmentStatus.Assigned;

    /// <summary>Scores by criterion id as JSON ({"clarity": 4, ...}); pass/fail calls store {"verdict": 1 or 0}.</summary>
    public string Scores { get; set; } = "{}";

    public string? Comment { get; set; }

    public string? ConflictReason { get; set; }

    public DateTimeOffset AssignedAt { get; set; }

    /// <summary>After this the reviewer counts as silent and is replaced.</summary>
    public DateTimeOffset RespondBy { get; set; }

    public DateTimeOffset? EmailedAt { get; set; }

    public DateTimeOffset? RemindedAt { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }

    [IgnoreDataMember]
    public Dictionary<string, int> ScoreMap => TableJson.Read<Dictionary<string, int>>(Scores);

    public static string RowFor(string nominationId, string reviewerId) => Prefix + nominationId + "|" + reviewerId;
}

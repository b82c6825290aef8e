namespace Serverless.Functions.Nominations;

public sealed record CriterionRequest(string? Id, Dictionary<string, string>? Labels, double? Weight);

public sealed record CallRequest(
    string? Id,
    Dictionary<string, string>? Titles,
    Dictionary<string, string>? Descriptions,
    DateTimeOffset? OpensAt,
    DateTimeOffset? ClosesAt,
    DateTimeOffset? ReviewDeadline,
    List<CriterionRequest?>? Criteria,
    int? ScaleMax,
    bool? PassFail,
    List<string>? Reviewers,
    int? ReviewsPerNomination,
    double? Threshold,
    bool? ShareComments,
    Dictionary<string, List<string>>? DeclaredConflicts);

/// <summary>A call as the portal sees it; the panel and its conflicts only for staff.</summary>
public sealed record Call(
    string Id,
    Dictionary<string, string> Titles,
    Dictionary<string, string> Descriptions,
    DateTimeOffset OpensAt,
    DateTimeOffset ClosesAt,
    DateTimeOffset ReviewDeadline,
    IReadOnlyList<Criterion> Criteria,
    int ScaleMax,
    bool PassFail,
    IReadOnlyList<string> Reviewers,
    int ReviewsPerNomination,
    double Threshold,
    bool ShareComments,
    bool IsOpen,
    DateTimeOffset? ReviewStartedAt,
    string ETag);

public sealed record NominationRequest(string? Title, string? Goals, string? ExpectedImpact, string? Feasibility, string? Team, bool? Submit);

public sealed record Attachment(string Id, string FileName, string ContentType, long Size);

public sealed record Nomination(
    string Id,
    string CallId,
    string OrganisationId,
    string Title,
    string Goals,
    string ExpectedImpact,
    string Feasibility,
    string Team,
    IReadOnlyList<Attachment> Attachments,
    string Status,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset UpdatedAt,
    string ETag);

/// <summary>One review on the board (staff only).</summary>
public sealed record BoardReview(string ReviewerId, string ReviewerName, string Status, Dictionary<string, int> Scores, double? Weighted, string? Comment, string? ConflictReason);

public sealed record BoardEntry(
    int Rank,
    string NominationId,
    string Title,
    string OrganisationId,
    string OrganisationName,
    string Status,
    double? Score,
    int ReviewCount,
    bool Disagreement,
    bool AboveThreshold,
    IReadOnlyList<BoardReview> Reviews,
    string ETag);

public sealed record Board(Call Call, IReadOnlyList<BoardEntry> Entries);

public sealed record DecisionRequest(string? Decision);

/// <summary>What the review page behind an emailed link shows: the nomination, the criteria and only this reviewer's own answer.</summary>
public sealed record ReviewPage(
    string CallId,
    Dictionary<string, string> CallTitles,
    string NominationTitle,
    string Goals,
    string ExpectedImpact,
    string Feasibility,
    string Team,
    IReadOnlyList<Attachment> Attachments,
    IReadOnlyList<Criterion> Criteria,
    int ScaleMax,
    bool PassFail,
    DateTimeOffset Deadline,
    string Status,
    Dictionary<string, int> Scores,
    string? Comment,
    string Language);

public sealed record ReviewRequest(string? Action, Dictionary<string, int>? Scores, string? Comment, string? Verdict, string? ConflictReason);

public static class NominationMapping
{
    public static Call ToContract(this CallEntity c, DateTimeOffset now, bool staff) => new(
        c.Id, c.TitleMap, c.DescriptionMap, c.OpensAt, c.ClosesAt, c.ReviewDeadline, c.CriterionList, c.ScaleMax, c.PassFail,
        staff ? c.ReviewerList : [], c.ReviewsPerNomination, c.Threshold, c.ShareComments, c.IsOpen(now), c.ReviewStartedAt, c.ETag.ToString());

    public static IReadOnlyList<Attachment> Public(this IEnumerable<AttachmentInfo> list) =>
        [.. list.Select(a => new Attachment(a.Id, a.FileName, a.ContentType, a.Size))];

    public static Nomination ToContract(this NominationEntity n) => new(
        n.Id, n.CallId, n.OrganisationId, n.Title, n.Goals, n.ExpectedImpact, n.Feasibility, n.Team, n.AttachmentList.Public(), n.Status, n.SubmittedAt, n.UpdatedAt, n.ETag.ToString());

    public static object ToAudit(this NominationEntity n) => n.ToContract() with { ETag = "" };

    public static object ToAudit(this CallEntity c) => new
    {
        c.Id,
        Titles = c.TitleMap,
        c.OpensAt,
        c.ClosesAt,
        c.ReviewDeadline,
        Criteria = c.CriterionList,
        c.ScaleMax,
        c.PassFail,
        Reviewers = c.ReviewerList,
        c.ReviewsPerNomination,
        c.Threshold,
        c.ShareComments,
        c.ReviewStartedAt,
    };
}

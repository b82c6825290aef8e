using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Nominations;

// Selected projects followed through the five TRADE benchmarking stages (same table):
//   projects               | {projectId}                     a selected project, its stage and health
//   p|{projectId}          | report|{stage}|{index:D3}        one progress report of a stage

public static class TradeStages
{
    public static readonly string[] All = ["terms-of-reference", "research", "acquire", "deploy", "evaluate"];

    public const int Completed = 5;

    /// <summary>What each stage is expected to deliver, unless the programme sets its own.</summary>
    public static readonly string[][] DefaultDeliverables =
    [
        ["Project charter: scope, goals and success measures", "Benchmarking team and partners named"],
        ["Review of good practices and benchmarking partners", "Site visits or interviews held"],
        ["Chosen practice and its adaptation plan", "Resources and approvals secured"],
        ["Practice implemented in the organisation", "Staff trained"],
        ["Results measured against the goals", "Lessons learned shared with the network"],
    ];

    public static string Name(int stage) => stage >= 0 && stage < All.Length ? All[stage] : "completed";
}

public static class ProjectHealth
{
    public const string OnTrack = "on-track";
    public const string AtRisk = "at-risk";
    public const string Overdue = "overdue";
    public const string Completed = "completed";
}

public sealed class ProjectEntity : ITableEntity
{
    public const string Partition = "projects";

    public string PartitionKey { get; set; } = Partition;

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string CallId { get; set; } = "";

    public string NominationId { get; set; } = "";

    public string Title { get; set; } = "";

    public string OrganisationId { get; set; } = "";

    public string TeamLeadId { get; set; } = "";

    public string Team { get; set; } = "";

    /// <summary>The person who approves each stage gate (the admin who selected the project).</summary>
    public string GateApproverId { get; set; } = "";

    /// <summary>0-4 while running (Terms of reference … Evaluate); 5 once the last gate is passed.</summary>
    public int Stage { get; set; }

    public DateTimeOffset StageStartedAt { get; set; }

    /// <summary>Deliverables per stage as JSON (five lists).</summary>
    public string Deliverables { get; set; } = "[]";

    /// <summary>The progress report currently asked for (index within the stage), and when it is due.</summary>
    public int ReportIndex { get; set; } = -1;

    public DateTimeOffset? ReportDue { get; set; }

    public bool ReportOverdue { get; set; }

    public DateTimeOffset? LastReportAt { get; set; }

    /// <summary>The team's own view in its last report (on-track or at-risk).</summary>
    public string ReportedHealth { get; set; } = ProjectHealth.OnTrack;

    public bool GatePending { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    [IgnoreDataMember]
    public string Id => RowKey;

    [IgnoreDataMember]
    public List<List<string>> DeliverableLists => TableJson.Read<List<List<string>>>(Deliverables);

    [IgnoreDataMember]
    public string Health => Stage >= TradeStages.Completed ? ProjectHealth.Completed : ReportOverdue ? ProjectHealth.Overdue : ReportedHealth;
}

public sealed class ProgressReportEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public int Stage { get; set; }

    public int Index { get; set; }

    public string Summary { get; set; } = "";

    public string? Risks { get; set; }

    public string Health { get; set; } = ProjectHealth.OnTrack;

    public bool ReadyForGate { get; set; }

    public DateTimeOffset SubmittedAt { get; set; }

    public static string PartitionFor(string projectId) => "p|" + projectId;

    public static string RowFor(int stage, int index) => FormattableString.Invariant($"report|{stage}|{index:D3}");
}

public sealed record ProjectBoardEntry(
    string Id,
    string CallId,
    string Title,
    string OrganisationName,
    int Stage,
    string StageName,
    string Health,
    bool ReportOverdue,
    DateTimeOffset? ReportDue,
    DateTimeOffset? LastReportAt,
    bool GatePending,
    IReadOnlyList<string> Deliverables);

public sealed record ProgressReportRequest(string? Summary, string? Risks, string? Health, bool? ReadyForGate);

public sealed record ReportPage(string ProjectTitle, int Stage, string StageName, IReadOnlyList<string> Deliverables, DateTimeOffset? Due, bool Submitted, string Language);

public sealed record GateRequest(string? Decision, string? Comment);

public sealed record GatePage(string ProjectTitle, int Stage, string StageName, IReadOnlyList<string> Deliverables, string? LastSummary, string? LastRisks, string? LastHealth, bool Pending, string Language);

/// <summary>What a progress report tells the project's orchestration.</summary>
public sealed record ReportEvent(int Stage, int Index, bool ReadyForGate);

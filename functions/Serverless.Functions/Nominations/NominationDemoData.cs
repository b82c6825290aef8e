using Microsoft.Extensions.Options;
using Serverless.Functions.Audit;
using Serverless.Functions.DemoData;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Nominations;

/// <summary>
/// Demo nominations, after the demo network is loaded (same switch, never in Azure): Dubai's
/// "Excellence Makers" call for improvement projects — open, with criteria (clarity of goals,
/// expected positive impact, practical feasibility), a panel of five experts, three submitted
/// nominations and a draft — and last year's call, reviewed, so the ranked board has scores and a
/// disagreement flag. Fixed ids and Adds make it idempotent; a marker row ends the load.
/// </summary>
public sealed class NominationDemoData(
    StorageClients storage,
    NominationStore store,
    IAuditLog audit,
    IOptions<DemoDataOptions> options,
    IOptions<NominationOptions> nominationOptions,
    TimeProvider time,
    ILogger<NominationDemoData> logger) : BackgroundService
{
    public const string Marker = "nominations-v1";
    public const string OpenCallId = "excellence-makers";
    public const string PastCallId = "excellence-makers-pilot";
    private const string Actor = "system:demo-data";

    private static readonly string[] Panel = ["demo-ae-02", "demo-ae-03", "demo-pl-05", "demo-il-04", "demo-en-01"];

    private static readonly Criterion[] Criteria =
    [
        new("clarity", new() { ["en"] = "Clarity of goals", ["ar"] = "وضوح الأهداف" }, 2),
        new("impact", new() { ["en"] = "Expected positive impact", ["ar"] = "الأثر الإيجابي المتوقع" }, 2),
        new("feasibility", new() { ["en"] = "Practical feasibility", ["ar"] = "قابلية التطبيق العملي" }, 1),
    ];

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        TrackDemoData.LoadAfterNetworkAsync(options.Value, storage, Marker, "nominations", LoadAsync, () => logger.LogInformation("Demo nominations loaded: calls {Open} and {Past}", OpenCallId, PastCallId), time, logger, stoppingToken);

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await AddCallAsync(
            OpenCallId,
            new() { ["en"] = "Excellence Makers — improvement projects", ["ar"] = "صنّاع التميّز — مشاريع التحسين" },
            new()
            {
                ["en"] = "Government entities nominate improvement projects led by their excellence makers. An international expert panel scores them; selected projects are benchmarked through the TRADE stages.",
                ["ar"] = "ترشّح الجهات الحكومية مشاريع التحسين التي يقودها صنّاع التميّز لديها. تقيّم لجنة خبراء دولية المشاريع، وتخضع المشاريع المختارة للمقارنة المعيارية وفق مراحل TRADE.",
            },
            now.AddDays(-10),
            now.AddDays(21),
            now.AddDays(45),
            reviewStarted: null,
            now,
            cancellationToken);
        await AddNominationAsync(OpenCallId, "police-smart-reports", "ae-dubai-police", "demo-ae-05", NominationStatus.Submitted, "بلاغات ذكية للحوادث البسيطة", "تقليص زمن معالجة البلاغات البسيطة من يومين إلى ساعتين.", "توفير زيارة مركز الشرطة على المتعاملين وتفرغ الضباط للحالات الطارئة.", "يعتمد على التطبيق الذكي الحالي؛ فريق من أربعة أشخاص لمدة ستة أشهر.", "فاطمة الهاشمي (قائدة الفريق)، خالد الشامسي", null, now, cancellationToken);
        await AddNominationAsync(OpenCallId, "rta-parking-permits", "ae-dubai-rta", "demo-ae-06", NominationStatus.Submitted, "Paperless parking permits for residents", "Issue residents' parking permits online within one day.", "Residents no longer queue at service centres; fewer paper forms.", "Uses the existing permit system; an integration with the land department registry is already agreed.", "Omar Al Suwaidi (lead), Priya Nair", null, now, cancellationToken);
        await AddNominationAsync(OpenCallId, "moe-beneficiary-care", "sa-moe", "demo-sa-01", NominationStatus.Submitted, "توحيد قنوات العناية بالمستفيدين", "توحيد الرد على طلبات المستفيدين في قناة واحدة خلال عام.", "رضا أعلى للمستفيدين وتقارير موحدة للإدارة.", "مرحلتان؛ الأولى تجريبية في منطقتين تعليميتين.", "نورة القحطاني (قائدة الفريق)، عبدالله العتيبي", null, now, cancellationToken);
        await AddNominationAsync(OpenCallId, "police-draft", "ae-dubai-police", "demo-ae-04", NominationStatus.Draft, "مركز شرطة افتراضي", "", "", "", "", null, now, cancellationToken);

        await AddCallAsync(
            PastCallId,
            new() { ["en"] = "Excellence Makers — pilot round", ["ar"] = "صنّاع التميّز — الجولة التجريبية" },
            new() { ["en"] = "Last year's pilot round, reviewed." },
            now.AddDays(-120),
            now.AddDays(-90),
            now.AddDays(-60),
            reviewStarted: now.AddDays(-90),
            now,
            cancellationToken);
        (string Id, string Org, string Person, string Title, int[][] Scores)[] reviewed =
        [
            ("rta-smart-signals", "ae-dubai-rta", "demo-ae-07", "Adaptive traffic signals at school zones", [[5, 5, 4], [4, 5, 4], [5, 4, 5]]),
            ("police-community-app", "ae-dubai-police", "demo-ae-05", "Community safety reporting app", [[5, 4, 4], [2, 1, 2], [4, 4, 3]]),
            ("moe-digital-enrolment", "sa-moe", "demo-sa-02", "Digital school enrolment", [[3, 3, 4], [3, 2, 3], [4, 3, 3]]),
        ];
        foreach (var (id, org, person, title, scores) in reviewed)
        {
            var reviews = scores.Select(s => (IReadOnlyDictionary<string, int>)new Dictionary<string, int> { ["clarity"] = s[0], ["impact"] = s[1], ["feasibility"] = s[2] }).ToList();
            var result = ReviewScoring.Compute(reviews, Criteria, 5, false, nominationOptions.Value.DisagreementShare);
            await AddNominationAsync(PastCallId, id, org, person, id == "rta-smart-signals" ? NominationStatus.Selected : NominationStatus.Reviewed, title, "Goals as presented to the panel.", "Impact as presented to the panel.", "Plan as presented to the panel.", "Project team", result, now, cancellationToken);
            for (var i = 0; i < reviews.Count; i++)
            {
                await store.TryAddAsync(
                    new AssignmentEntity
                    {
                        PartitionKey = NominationStore.CallPartition(PastCallId),
                        RowKey = AssignmentEntity.RowFor(id, Panel[i]),
                        CallId = PastCallId,
                        NominationId = id,
                        ReviewerId = Panel[i],
                        Status = AssignmentStatus.Submitted,
                        Scores = TableJson.Write(reviews[i]),
                        Comment = i == 0 ? "Clear goals; measure the baseline before starting." : null,
                        AssignedAt = now.AddDays(-89),
                        RespondBy = now.AddDays(-70),
                        EmailedAt = now.AddDays(-89),
                        AnsweredAt = now.AddDays(-80 + i),
                    },
                    cancellationToken);
            }
        }

        await AddProjectAsync(now, cancellationToken);
    }

    /// <summary>The pilot round's winner, selected and in its second TRADE stage, so the projects board has a row.</summary>
    private async Task AddProjectAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var project = new ProjectEntity
        {
            RowKey = "rta-smart-signals",
            CallId = PastCallId,
            NominationId = "rta-smart-signals",
            Title = "Adaptive traffic signals at school zones",
            OrganisationId = "ae-dubai-rta",
            TeamLeadId = "demo-ae-07",
            Team = "Priya Nair (lead), Omar Al Suwaidi",
            GateApproverId = "demo-ae-01",
            Stage = 1,
            StageStartedAt = now.AddDays(-20),
            Deliverables = TableJson.Write(TradeStages.DefaultDeliverables),
            ReportIndex = 0,
            ReportDue = now.AddDays(-2),
            ReportOverdue = true,
            LastReportAt = now.AddDays(-32),
            CreatedAt = now.AddDays(-55),
            UpdatedAt = now,
        };
        if (await store.TryAddAsync(project, cancellationToken))
        {
            await audit.RecordAsync(new AuditRecord("trade-project", project.Id, "created", After: new { project.Title, stage = TradeStages.Name(project.Stage) }) { Actor = Actor }, cancellationToken);
        }
    }

    private async Task AddCallAsync(string id, Dictionary<string, string> titles, Dictionary<string, string> descriptions, DateTimeOffset opens, DateTimeOffset closes, DateTimeOffset deadline, DateTimeOffset? reviewStarted, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var call = new CallEntity
        {
            RowKey = id,
            Titles = TableJson.Write(titles),
            Descriptions = TableJson.Write(descriptions),
            OpensAt = opens,
            ClosesAt = closes,
            ReviewDeadline = deadline,
            Criteria = TableJson.Write(Criteria),
            ScaleMax = 5,
            Reviewers = string.Join(',', Panel),
            ReviewsPerNomination = 3,
            Threshold = 65,
            ShareComments = true,
            ReviewStartedAt = reviewStarted,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (await store.TryAddAsync(call, cancellationToken))
        {
            await audit.RecordAsync(new AuditRecord(NominationsApi.CallRecord, id, "created", After: call.ToAudit()) { Actor = Actor }, cancellationToken);
        }
    }

    private async Task AddNominationAsync(
        string callId, string id, string organisationId, string submitterId, string status, string title, string goals, string impact, string feasibility, string team, ReviewScoring.Result? result, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nomination = new NominationEntity
        {
            PartitionKey = NominationStore.CallPartition(callId),
            RowKey = NominationEntity.Prefix + id,
            CallId = callId,
            OrganisationId = organisationId,
            SubmitterId = submitterId,
            Title = title,
            Goals = goals,
            ExpectedImpact = impact,
            Feasibility = feasibility,
            Team = team,
            Status = status,
            SubmittedAt = status == NominationStatus.Draft ? null : now.AddDays(-5),
            Score = result?.Score,
            ReviewCount = result?.Reviews ?? 0,
            Disagreement = result?.Disagreement ?? false,
            ReviewedAt = result is null ? null : now.AddDays(-60),
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (await store.TryAddAsync(nomination, cancellationToken))
        {
            await audit.RecordAsync(new AuditRecord(NominationsApi.NominationRecord, $"{callId}/{id}", "created", After: nomination.ToAudit()) { Actor = Actor }, cancellationToken);
        }
    }
}

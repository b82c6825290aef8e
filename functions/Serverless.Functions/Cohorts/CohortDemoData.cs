using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Serverless.Functions.Audit;
using Serverless.Functions.DemoData;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Cohorts;

/// <summary>
/// A demo programme, after the demo network is loaded (same switch, never in Azure): the Israeli
/// "Digital Leaders" programme with its 2027 cohort of 40 seats — a coordinator, programme
/// managers, a steering committee, three target organisations with quotas, a budget with planned
/// and spent lines — and candidates from the demo network, two of them onboarded with their
/// management challenges. Fixed ids and Adds make it idempotent; a marker row ends the load.
/// </summary>
public sealed class CohortDemoData(
    StorageClients storage,
    CohortStore store,
    PeopleStore people,
    IAuditLog audit,
    IOptions<DemoDataOptions> options,
    TimeProvider time,
    ILogger<CohortDemoData> logger) : BackgroundService
{
    public const string Marker = "cohorts-v1";
    public const string ProgrammeId = "digital-leaders";
    public const string CohortId = "digital-leaders-2027";
    private const string Actor = "system:demo-data";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        TrackDemoData.LoadAfterNetworkAsync(options.Value, storage, Marker, "cohort", LoadAsync, () => logger.LogInformation("Demo cohort loaded: {Cohort}", CohortId), time, logger, stoppingToken);

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var year = now.Year + 1;
        await TryAddAsync(new ProgrammeEntity
        {
            RowKey = ProgrammeId,
            Name = "Digital Leaders — תוכנית מובילים דיגיטליים",
            Description = "A national programme for senior public servants who lead digital transformation. Each cohort of 25-40 participants brings management challenges that the workshops analyse, ending in a peer-learning session.",
            CreatedAt = now,
            UpdatedAt = now,
        }, cancellationToken);

        var cohort = new CohortEntity
        {
            RowKey = CohortId,
            ProgrammeId = ProgrammeId,
            Name = $"מחזור {year} — Edition {year}",
            StartDate = $"{year}-01-10",
            EndDate = $"{year}-07-30",
            Capacity = 40,
            CoordinatorId = "demo-il-01",
            ManagerIds = TableJson.Write(new[] { "demo-il-02" }),
            SteeringCommittee = TableJson.Write(new[] { new SteeringMember("דוד מזרחי", "Civil Service Commission"), new SteeringMember("Rachel Green", "Government ICT Authority") }),
            Organisations = TableJson.Write(new[] { new CohortOrganisation("il-digital", 12), new CohortOrganisation("il-ict", 14), new CohortOrganisation("il-csc", 14) }),
            Budget = TableJson.Write(new[]
            {
                new BudgetLine("Workshops and facilitation", 42_000m, 12_500m),
                new BudgetLine("Study visit (peer learning)", 30_000m, 0m),
                new BudgetLine("Coaching and mentoring", 18_000m, 6_200m),
                new BudgetLine("Coordination and administration", 10_000m, 4_100m),
            }),
            Currency = "EUR",
            CreatedAt = now,
            UpdatedAt = now,
        };
        await TryAddAsync(cohort, cancellationToken);

        (string Id, string Status, string? Title, string? Description)[] candidates =
        [
            ("demo-il-03", CandidateStatus.Onboarded, "Slow adoption of digital services by citizens", "Only a third of applications are submitted online although the forms have been digital for two years."),
            ("demo-il-05", CandidateStatus.Onboarded, "Silos between IT and service units", "Projects stall at hand-over: requirements, budget and ownership sit in different units."),
            ("demo-il-02", CandidateStatus.Accepted, null, null),
            ("demo-il-04", CandidateStatus.Proposed, null, null),
        ];
        var byOrg = new Dictionary<string, int>();
        var taken = 0;
        foreach (var (id, status, title, description) in candidates)
        {
            var person = await people.GetAsync(id, cancellationToken);
            if (person is null)
            {
                continue;
            }

            if (CandidateStatus.HoldsSeat(status))
            {
                taken++;
                if (person.OrganisationId is { } org)
                {
                    byOrg[org] = byOrg.GetValueOrDefault(org) + 1;
                }
            }

            await TryAddAsync(new CandidateEntity
            {
                PartitionKey = CohortStore.CohortPartition(CohortId),
                RowKey = CandidateEntity.Prefix + id,
                CohortId = CohortId,
                PersonId = id,
                Name = person.Name,
                Email = person.Email,
                Language = person.PreferredLanguage,
                OrganisationId = person.OrganisationId,
                Status = status,
                Source = "admin",
                Round = status == CandidateStatus.Onboarded ? 1 : 0,
                WelcomeSentAt = status == CandidateStatus.Onboarded ? now.AddDays(-10) : null,
                OnboardedAt = status == CandidateStatus.Onboarded ? now.AddDays(-8) : null,
                JobTitle = status == CandidateStatus.Onboarded ? person.NetworkRole : null,
                ConsentGivenAt = status == CandidateStatus.Onboarded ? now.AddDays(-8) : null,
                ChallengeTitle = title,
                ChallengeTheme = title is null ? null : "Digital adoption",
                WorkshopGroup = title is null ? null : "Group A",
                Fishbone = id == "demo-il-03" ? TableJson.Write(new Fishbone(
                [
                    new FishboneCategory("Methods", [new FishboneCause("Forms copied from paper", ["No redesign before digitising"])]),
                    new FishboneCategory("People", [new FishboneCause("Clerks advise calling", ["Phone is what they know"]), new FishboneCause("Citizens distrust online payment", [])]),
                    new FishboneCategory("Technology", [new FishboneCause("Login needs a smart card", ["Few citizens own a reader"])]),
                    new FishboneCategory("Measurement", [new FishboneCause("Channel share is not tracked", [])]),
                ])) : null,
                ChallengeDescription = description,
                CreatedAt = now,
                UpdatedAt = now,
            }, cancellationToken);
        }

        await TryAddAsync(new SeatsEntity { PartitionKey = CohortStore.CohortPartition(CohortId), Taken = taken, ByOrganisation = TableJson.Write(byOrg) }, cancellationToken);
        await audit.RecordAsync(new AuditRecord(CohortsApi.RecordType, CohortId, "created", After: new { cohort.Name, cohort.Capacity }) { Actor = Actor }, cancellationToken);
    }

    private async Task TryAddAsync(ITableEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            await store.AddAsync(entity, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status409Conflict)
        {
        }
    }
}

using Azure.Data.Tables;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Durable;
using Serverless.Functions.Platform.Files;
using Serverless.Functions.Platform.Localization;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Workshops;

/// <summary>
/// Invitation campaigns: an admin starts one for chosen organisations, people or a CSV of email
/// addresses (unknown addresses are registered as people, so every link is bound to a person);
/// coordinators follow its progress, which the portal polls.
/// </summary>
public static class CampaignsApi
{
    public const string RecordType = "workshop-campaign";
    public const int MaxCsvLength = 1_000_000;

    public static IEndpointRouteBuilder MapWorkshopCampaignsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/workshops/campaigns").WithTags("Workshop campaigns").RequireAuthorization(Policies.Coordinator);

        api.MapPost("/", StartAsync).WithName("StartWorkshopCampaign").RequireAuthorization(Policies.Admin)
            .WithSummary("Start an invitation campaign")
            .WithDescription("Starts a WorkshopInvitationOrchestrator for the invitees; 202 with the campaign.");
        api.MapGet("/", ListAsync).WithName("ListWorkshopCampaigns")
            .WithSummary("List invitation campaigns");
        api.MapGet("/{campaignId}", GetAsync).WithName("GetWorkshopCampaign").WithSummary("Get an invitation campaign with live counts")
            .WithDescription("The campaign with live counts (from the invitation records) and the orchestration's custom status.");
        api.MapGet("/{campaignId}/invitations", ListInvitationsAsync).WithName("ListWorkshopInvitations")
            .WithSummary("List a campaign's invitations");

        return app;
    }

    public static async Task<Results<Accepted<Campaign>, ValidationProblem>> StartAsync(
        CampaignRequest request,
        WorkshopStore store,
        PeopleStore people,
        PeopleRegistrar registrar,
        OrganisationStore organisations,
        DurableTaskClient durable,
        IAuditLog audit,
        IOptions<WorkshopOptions> options,
        TimeProvider time,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        var series = request.SeriesId is { Length: > 0 } sid ? await store.GetSeriesAsync(sid, cancellationToken) : null;
        if (series is null)
        {
            errors["seriesId"] = ["Choose the workshop series to invite people to."];
        }

        if (request.Name is { Length: > 200 })
        {
            errors["name"] = ["The name is at most 200 characters."];
        }

        if (request.Deadline is not { } deadline || deadline <= now)
        {
            errors["deadline"] = ["Give an answer deadline in the future."];
        }

        if (request.ReminderDaysBefore is { } days && (days < 0 || days > 60))
        {
            errors["reminderDaysBefore"] = ["The reminder goes 0 to 60 days before the deadline (0: no reminder)."];
        }

        if (request.EmailsCsv is { Length: > MaxCsvLength })
        {
            errors["emailsCsv"] = [$"The CSV is longer than {MaxCsvLength} characters."];
        }

        var invitees = new List<PersonEntity>();
        if (errors.Count == 0)
        {
            invitees = await ResolveInviteesAsync(request, people, registrar, organisations, time, errors, cancellationToken);
            if (errors.Count == 0 && invitees.Count == 0)
            {
                errors["invitees"] = ["Choose at least one organisation, person or email address."];
            }
            else if (invitees.Count > options.Value.MaxInvitees)
            {
                errors["invitees"] = [$"A campaign invites at most {options.Value.MaxInvitees} people ({invitees.Count} chosen)."];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var campaignId = now.UtcDateTime.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        var remindAt = request.ReminderDaysBefore is > 0 ? request.Deadline!.Value.UtcDateTime.AddDays(-request.ReminderDaysBefore.Value) : (DateTime?)null;
        var campaign = new CampaignEntity
        {
            RowKey = campaignId,
            SeriesId = series!.Id,
            Name = string.IsNullOrWhiteSpace(request.Name) ? Languages.TextIn(series.TitleMap, "en") : request.Name.Trim(),
            Deadline = request.Deadline!.Value.ToUniversalTime(),
            ReminderDaysBefore = request.ReminderDaysBefore ?? 0,
            Total = invitees.Count,
            InstanceId = WorkshopInvitationOrchestrator.InstanceIdFor(campaignId),
            CreatedBy = context.User.PersonId() ?? "",
            CreatedAt = now,
        };
        await store.AddAsync(campaign, cancellationToken);

        // Every invitee is listed (pending) before the orchestration starts, so the portal shows them all at once.
        foreach (var chunk in invitees.Chunk(100))
        {
            await store.SubmitAsync(
                chunk.Select(p => new TableTransactionAction(TableTransactionActionType.Add, new InvitationEntity
                {
                    PartitionKey = WorkshopStore.CampaignPartition(campaignId),
                    RowKey = p.Id,
                    CampaignId = campaignId,
                    SeriesId = series.Id,
                    PersonId = p.Id,
                    Email = p.Email,
                    Name = p.Name,
                    Language = p.PreferredLanguage,
                    OrganisationId = p.OrganisationId ?? "",
                    Status = InvitationStatus.Pending,
                    CreatedAt = now,
                })).ToList(),
                cancellationToken);
        }

        await durable.StartOnceAsync(
            nameof(WorkshopInvitationOrchestrator),
            new WorkshopInvitationOrchestrator.Input(campaignId, series.Id, invitees.Select(p => p.Id).ToList(), campaign.Deadline.UtcDateTime, remindAt, options.Value.CampaignBatchSize),
            campaign.InstanceId,
            cancellationToken);
        await audit.RecordAsync(new AuditRecord(RecordType, campaignId, "started", After: new { campaign.SeriesId, campaign.Name, campaign.Deadline, campaign.ReminderDaysBefore, campaign.Total }), cancellationToken);
        return TypedResults.Accepted($"/api/workshops/campaigns/{campaignId}", ToContract(campaign, [], null));
    }

    public static async Task<Ok<List<Campaign>>> ListAsync(string? seriesId, WorkshopStore store, CancellationToken cancellationToken)
    {
        var all = await store.ListCampaignsAsync(cancellationToken);
        return TypedResults.Ok(all.Where(c => seriesId is null || c.SeriesId == seriesId)
            .OrderByDescending(c => c.CreatedAt)
            .Select(c => ToContract(c, [], null))
            .ToList());
    }

    public static async Task<Results<Ok<Campaign>, NotFound>> GetAsync(string campaignId, WorkshopStore store, DurableTaskClient durable, HttpContext context, CancellationToken cancellationToken)
    {
        var campaign = await store.GetCampaignAsync(campaignId, cancellationToken);
        if (campaign is null)
        {
            return TypedResults.NotFound();
        }

        var invitations = await store.ListInvitationsAsync(campaignId, cancellationToken);
        var status = await durable.GetInstanceAsync(campaign.InstanceId, getInputsAndOutputs: true, cancellationToken);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(ToContract(campaign, invitations, status));
    }

    public static async Task<Results<Ok<List<Invitation>>, NotFound>> ListInvitationsAsync(string campaignId, WorkshopStore store, CancellationToken cancellationToken)
    {
        if (await store.GetCampaignAsync(campaignId, cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }

        var rows = await store.ListInvitationsAsync(campaignId, cancellationToken);
        return TypedResults.Ok(rows.OrderBy(r => r.Name, StringComparer.InvariantCultureIgnoreCase).Select(r => r.ToContract()).ToList());
    }

    private static Campaign ToContract(CampaignEntity c, IReadOnlyList<InvitationEntity> invitations, OrchestrationMetadata? instance)
    {
        int Count(string status) => invitations.Count(i => i.Status == status);
        var listed = invitations.Count;
        var counts = new CampaignCounts(
            c.Total,
            Count(InvitationStatus.Pending) + Math.Max(0, c.Total - listed),
            invitations.Count(i => i.SentAt is not null),
            Count(InvitationStatus.Registered),
            Count(InvitationStatus.Declined),
            Count(InvitationStatus.Expired),
            Count(InvitationStatus.Bounced));
        object? custom = null;
        if (instance?.SerializedCustomStatus is { } json)
        {
            custom = System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(json);
        }

        return new Campaign(c.Id, c.SeriesId, c.Name, c.Deadline, c.ReminderDaysBefore, c.Total, c.InstanceId, instance?.RuntimeStatus.ToString() ?? "Pending", counts, custom, c.CreatedAt);
    }

    private static async Task<List<PersonEntity>> ResolveInviteesAsync(
        CampaignRequest request, PeopleStore people, PeopleRegistrar registrar, OrganisationStore organisations, TimeProvider time, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        var chosen = new Dictionary<string, PersonEntity>(StringComparer.Ordinal);
        var orgIds = (request.OrganisationIds ?? []).Where(o => !string.IsNullOrWhiteSpace(o)).Select(o => o.Trim()).ToHashSet(StringComparer.Ordinal);
        if (orgIds.Count > 0)
        {
            var known = (await organisations.ListAsync(cancellationToken)).Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
            var unknown = orgIds.Where(o => !known.Contains(o)).ToList();
            if (unknown.Count > 0)
            {
                errors["organisationIds"] = [$"Unknown organisations: {string.Join(", ", unknown)}."];
            }

            foreach (var person in (await people.ListAsync(cancellationToken)).Where(p => p.OrganisationId is { } o && orgIds.Contains(o)))
            {
                chosen[person.Id] = person;
            }
        }

        var missing = new List<string>();
        foreach (var id in (request.PersonIds ?? []).Where(i => !string.IsNullOrWhiteSpace(i)).Distinct(StringComparer.Ordinal))
        {
            if (await people.GetAsync(id.Trim(), cancellationToken) is { } person)
            {
                chosen[person.Id] = person;
            }
            else
            {
                missing.Add(id);
            }
        }

        if (missing.Count > 0)
        {
            errors["personIds"] = [$"Unknown people: {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? "…" : "")}."];
        }

        if (!string.IsNullOrWhiteSpace(request.EmailsCsv))
        {
            foreach (var person in await PeopleFromCsvAsync(request.EmailsCsv, registrar, time, errors, cancellationToken))
            {
                chosen[person.Id] = person;
            }
        }

        return [.. chosen.Values.OrderBy(p => p.Email, StringComparer.Ordinal)];
    }

    /// <summary>Rows of "email[,name[,language]]" (a header row is optional). Unknown addresses become people so that their link has an owner.</summary>
    private static async Task<List<PersonEntity>> PeopleFromCsvAsync(
        string text, PeopleRegistrar registrar, TimeProvider time, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        var (records, error) = Csv.Read(text);
        if (error is not null)
        {
            errors["emailsCsv"] = [error];
            return [];
        }

        var rows = new List<(int Line, string Email, string? Name, string? Language)>();
        var lineErrors = new List<string>();
        foreach (var record in records)
        {
            var email = record.Fields.ElementAtOrDefault(0)?.Trim() ?? "";
            if (email.Length == 0 || (record.Line == 1 && email.Equals("email", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var name = record.Fields.ElementAtOrDefault(1)?.Trim();
            var language = record.Fields.ElementAtOrDefault(2)?.Trim();
            if (!RegistryValidation.IsValidEmail(email))
            {
                lineErrors.Add($"line {record.Line}: '{email}' is not a valid email address");
            }
            else if (name is { Length: > RegistryValidation.MaxNameLength })
            {
                lineErrors.Add($"line {record.Line}: the name is longer than {RegistryValidation.MaxNameLength} characters");
            }
            else if (!string.IsNullOrEmpty(language) && !Languages.IsSupported(language))
            {
                lineErrors.Add($"line {record.Line}: '{language}' is not one of the portal's languages");
            }
            else
            {
                rows.Add((record.Line, email, name, language));
            }
        }

        if (lineErrors.Count > 0)
        {
            errors["emailsCsv"] = [.. lineErrors.Take(20)];
            return [];
        }

        var now = time.GetUtcNow();
        var drafts = rows.DistinctBy(r => PeopleStore.NormalizeEmail(r.Email)).OrderBy(r => r.Line).Select(row =>
        {
            var draft = new PersonEntity
            {
                Id = Guid.NewGuid().ToString("N"),
                Name = string.IsNullOrWhiteSpace(row.Name) ? row.Email.Split('@')[0] : row.Name,
                Email = PeopleStore.NormalizeEmail(row.Email),
                PreferredLanguage = Languages.Normalize(row.Language),
                NetworkRole = "workshop invitee",
                CreatedAt = now,
                UpdatedAt = now,
            };
            draft.SetRoles([Roles.Member]);
            return draft;
        }).ToList();
        return [.. (await registrar.FindOrCreateAsync(drafts, "created", cancellationToken)).People];
    }
}

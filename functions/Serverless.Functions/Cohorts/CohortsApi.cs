using Microsoft.AspNetCore.Http.HttpResults;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Files;
using Serverless.Functions.Platform.Http;
using Serverless.Functions.Platform.Localization;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Cohorts;

/// <summary>
/// Programmes, cohorts and the candidate pipeline for coordinators and admins: validation gives
/// 400 naming the fields with nothing written; updates are conditional on the ETag (If-Match,
/// else the one just read); every change is audited.
/// </summary>
public static class CohortsApi
{
    public const string RecordType = "cohort";
    public const string ProgrammeRecord = "programme";
    public const int MaxCsvLength = 200_000;

    public static IEndpointRouteBuilder MapCohortsAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/cohorts").WithTags("Cohorts").RequireAuthorization(Policies.Coordinator);

        api.MapGet("/programmes", ListProgrammesAsync).WithName("ListProgrammes")
            .WithSummary("List programmes");
        api.MapPost("/programmes", CreateProgrammeAsync).WithName("CreateProgramme")
            .WithSummary("Create a programme")
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/", ListCohortsAsync).WithName("ListCohorts")
            .WithSummary("List cohorts");
        api.MapPost("/", CreateCohortAsync).WithName("CreateCohort")
            .WithSummary("Create a cohort")
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/{cohortId}", GetCohortAsync).WithName("GetCohort")
            .WithSummary("Get a cohort");
        api.MapPut("/{cohortId}", UpdateCohortAsync).WithName("UpdateCohort").WithSummary("Update a cohort's settings")
            .WithDescription("Replaces the cohort's settings; send If-Match with its ETag. Capacity and quotas cannot drop below the seats taken.")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        api.MapGet("/{cohortId}/candidates", ListCandidatesAsync).WithName("ListCohortCandidates")
            .WithSummary("List a cohort's candidates");
        api.MapPost("/{cohortId}/candidates", AddCandidateAsync).WithName("ProposeCohortCandidate")
            .WithSummary("Propose a candidate for a cohort");
        api.MapPost("/{cohortId}/candidates/import", ImportCandidatesAsync).WithName("ImportCohortCandidates")
            .WithSummary("Import a cohort's candidates from CSV")
            .WithDescription("CSV rows \"email,name,language,organisationId\" (header optional) become proposed candidates; all or nothing.");
        api.MapPut("/{cohortId}/candidates/{personId}/status", SetStatusAsync).WithName("SetCohortCandidateStatus")
            .WithSummary("Change a candidate's status")
            .WithDescription("proposed, accepted, rejected or withdrawn; 400 naming \"status\" with a code (cohort_full, quota_full, candidate_withdrawn, transition_invalid).")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        api.MapPost("/{cohortId}/proposal-links", CreateProposalLinkAsync).WithName("CreateCohortProposalLink")
            .WithSummary("Create a proposal link for an organisation")
            .WithDescription("A personal link through which an organisation of the cohort proposes candidates.");

        return app;
    }

    public static async Task<Ok<List<Programme>>> ListProgrammesAsync(CohortStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListProgrammesAsync(cancellationToken)).OrderBy(p => p.Name, StringComparer.InvariantCultureIgnoreCase).Select(ToContract).ToList());

    public static async Task<Results<Created<Programme>, ValidationProblem>> CreateProgrammeAsync(ProgrammeRequest? request, CohortStore store, IAuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = CohortValidation.ValidateProgramme(request, creating: true);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = time.GetUtcNow();
        var programme = new ProgrammeEntity
        {
            RowKey = request!.Id is { Length: > 0 } id ? id : RecordWrites.NewId(),
            Name = request.Name!.Trim(),
            Description = request.Description?.Trim() ?? "",
            CreatedAt = now,
            UpdatedAt = now,
        };
        try
        {
            await store.AddAsync(programme, cancellationToken);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == StatusCodes.Status409Conflict)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = ["A programme with this id exists."] });
        }

        await audit.RecordAsync(new AuditRecord(ProgrammeRecord, programme.Id, "created", After: ToContract(programme) with { ETag = "" }), cancellationToken);
        return TypedResults.Created($"/api/cohorts/programmes/{programme.Id}", ToContract(programme));
    }

    public static async Task<Ok<List<Cohort>>> ListCohortsAsync(string? programmeId, CohortStore store, PeopleStore people, OrganisationStore organisations, HttpContext context, CancellationToken cancellationToken)
    {
        var result = new List<Cohort>();
        foreach (var cohort in (await store.ListCohortsAsync(cancellationToken)).Where(c => programmeId is null || c.ProgrammeId == programmeId).OrderByDescending(c => c.StartDate, StringComparer.Ordinal))
        {
            result.Add(await ToContractAsync(cohort, store, people, organisations, CodedProblem.LanguageOf(context), cancellationToken));
        }

        return TypedResults.Ok(result);
    }

    public static async Task<Results<Ok<Cohort>, NotFound>> GetCohortAsync(string cohortId, CohortStore store, PeopleStore people, OrganisationStore organisations, HttpContext context, CancellationToken cancellationToken)
    {
        var cohort = await store.GetCohortAsync(cohortId, cancellationToken);
        if (cohort is null)
        {
            return TypedResults.NotFound();
        }

        context.Response.Headers.ETag = cohort.ETag.ToString();
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await ToContractAsync(cohort, store, people, organisations, CodedProblem.LanguageOf(context), cancellationToken));
    }

    public static async Task<Results<Created<Cohort>, ValidationProblem>> CreateCohortAsync(
        CohortRequest? request, CohortStore store, PeopleStore people, OrganisationStore organisations, IAuditLog audit, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        var errors = CohortValidation.ValidateCohort(request, creating: true);
        await CheckReferencesAsync(request, store, people, organisations, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = time.GetUtcNow();
        var cohort = new CohortEntity { RowKey = request!.Id is { Length: > 0 } id ? id : RecordWrites.NewId(), CreatedAt = now };
        Apply(request, cohort, now);
        try
        {
            await store.AddAsync(cohort, cancellationToken);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == StatusCodes.Status409Conflict)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = ["A cohort with this id exists."] });
        }

        await SetLimitsAsync(cohort.Id, request, store, cancellationToken);
        await audit.RecordAsync(new AuditRecord(RecordType, cohort.Id, "created", After: ToAudit(cohort)), cancellationToken);
        context.Response.Headers.ETag = cohort.ETag.ToString();
        return TypedResults.Created($"/api/cohorts/{cohort.Id}", await ToContractAsync(cohort, store, people, organisations, CodedProblem.LanguageOf(context), cancellationToken));
    }

    public static async Task<Results<Ok<Cohort>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateCohortAsync(
        string cohortId, CohortRequest? request, CohortStore store, PeopleStore people, OrganisationStore organisations, IAuditLog audit, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        var cohort = await store.GetCohortAsync(cohortId, cancellationToken);
        if (cohort is null)
        {
            return TypedResults.NotFound();
        }

        var errors = CohortValidation.ValidateCohort(request, creating: false);
        await CheckReferencesAsync(request, store, people, organisations, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (context.IfMatchOr(cohort.ETag) != cohort.ETag)
        {
            return OrganisationsApi.Changed();
        }

        // The new limits go to the seat counter first, checked against the seats taken on that same
        // ETag-guarded row, so a limit never drops below seats given at the same moment.
        var limitErrors = await SetLimitsAsync(cohortId, request!, store, cancellationToken);
        if (limitErrors.Count > 0)
        {
            return TypedResults.ValidationProblem(limitErrors);
        }

        var before = ToAudit(cohort);
        Apply(request!, cohort, time.GetUtcNow());
        cohort.ETag = context.IfMatchOr(cohort.ETag);
        try
        {
            await store.UpdateAsync(cohort, cancellationToken);
        }
        catch (WriteConflictException)
        {
            // Someone saved the cohort in between: the counter takes back the limits of the version that won.
            if (await store.GetCohortAsync(cohortId, cancellationToken) is { } winner)
            {
                await SetLimitsAsync(cohortId, new CohortRequest(null, null, null, null, null, winner.Capacity, null, null, null, winner.OrganisationList, null, null), store, cancellationToken, check: false);
            }

            return OrganisationsApi.Changed();
        }

        await audit.RecordAsync(new AuditRecord(RecordType, cohort.Id, "updated", before, ToAudit(cohort)), cancellationToken);
        context.Response.Headers.ETag = cohort.ETag.ToString();
        return TypedResults.Ok(await ToContractAsync(cohort, store, people, organisations, CodedProblem.LanguageOf(context), cancellationToken));
    }

    public static async Task<Results<Ok<List<Candidate>>, NotFound>> ListCandidatesAsync(string cohortId, CohortStore store, HttpContext context, CancellationToken cancellationToken)
    {
        if (await store.GetCohortAsync(cohortId, cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }

        context.Response.Headers.CacheControl = "no-store";
        var rows = await store.ListCandidatesAsync(cohortId, cancellationToken);
        return TypedResults.Ok(rows.OrderBy(r => r.Name, StringComparer.InvariantCultureIgnoreCase).Select(CandidatePipeline.ToContract).ToList());
    }

    public static async Task<Results<Created<Candidate>, Ok<Candidate>, NotFound, ValidationProblem>> AddCandidateAsync(
        string cohortId, CandidateRequest? request, CohortStore store, OrganisationStore organisations, CandidatePipeline pipeline, CancellationToken cancellationToken)
    {
        var cohort = await store.GetCohortAsync(cohortId, cancellationToken);
        if (cohort is null)
        {
            return TypedResults.NotFound();
        }

        var errors = CohortValidation.ValidateCandidate(request);
        if (request?.OrganisationId is { Length: > 0 } orgId && await organisations.GetAsync(orgId, cancellationToken) is null)
        {
            errors["organisationId"] = ["No such organisation."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var person = await pipeline.PersonForAsync(request!.Email!, request.Name, request.Language, NullIfEmpty(request.OrganisationId), cancellationToken);
        if (person is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["email"] = ["The address could not be registered; try again."] });
        }

        var added = await pipeline.ProposeAsync(cohort, [(person, NullIfEmpty(request.OrganisationId))], "admin", null, cancellationToken);
        if (added.Count == 0)
        {
            var existing = await store.GetCandidateAsync(cohortId, person.Id, cancellationToken);
            return TypedResults.Ok(CandidatePipeline.ToContract(existing!));
        }

        return TypedResults.Created($"/api/cohorts/{cohortId}/candidates", CandidatePipeline.ToContract(added[0]));
    }

    public static async Task<Results<Ok<CandidateImportResult>, NotFound, ValidationProblem>> ImportCandidatesAsync(
        string cohortId, CandidateImportRequest? request, CohortStore store, OrganisationStore organisations, CandidatePipeline pipeline, CancellationToken cancellationToken)
    {
        var cohort = await store.GetCohortAsync(cohortId, cancellationToken);
        if (cohort is null)
        {
            return TypedResults.NotFound();
        }

        if (string.IsNullOrWhiteSpace(request?.Csv) || request.Csv.Length > MaxCsvLength)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["csv"] = [$"Paste or upload a CSV of at most {MaxCsvLength} characters: email,name,language,organisationId."] });
        }

        var (records, error) = Csv.Read(request.Csv);
        if (error is not null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["csv"] = [error] });
        }

        var known = (await organisations.ListAsync(cancellationToken)).Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
        var rows = new List<(string Email, string? Name, string? Language, string? Org)>();
        var lineErrors = new List<string>();
        foreach (var record in records)
        {
            var email = record.Fields.ElementAtOrDefault(0)?.Trim() ?? "";
            if (email.Length == 0 || (record.Line == 1 && email.Equals("email", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var name = NullIfEmpty(record.Fields.ElementAtOrDefault(1)?.Trim());
            var language = NullIfEmpty(record.Fields.ElementAtOrDefault(2)?.Trim());
            var org = NullIfEmpty(record.Fields.ElementAtOrDefault(3)?.Trim());
            if (!RegistryValidation.IsValidEmail(email))
            {
                lineErrors.Add($"line {record.Line}: '{email}' is not a valid email address");
            }
            else if (name is { Length: > RegistryValidation.MaxNameLength })
            {
                lineErrors.Add($"line {record.Line}: the name is longer than {RegistryValidation.MaxNameLength} characters");
            }
            else if (language is not null && !Languages.IsSupported(language))
            {
                lineErrors.Add($"line {record.Line}: '{language}' is not one of the portal's languages");
            }
            else if (org is not null && !known.Contains(org))
            {
                lineErrors.Add($"line {record.Line}: no organisation '{org}'");
            }
            else
            {
                rows.Add((email, name, language, org));
            }
        }

        if (lineErrors.Count == 0 && rows.Count == 0)
        {
            lineErrors.Add("The CSV has no candidates.");
        }
        else if (rows.Count > 500)
        {
            lineErrors.Add("At most 500 candidates per import.");
        }

        if (lineErrors.Count > 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["csv"] = [.. lineErrors.Take(20)] });
        }

        var proposals = new List<(PersonEntity, string?)>();
        var gate = new object();
        await Parallel.ForEachAsync(rows.DistinctBy(r => PeopleStore.NormalizeEmail(r.Email)), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (row, ct) =>
        {
            if (await pipeline.PersonForAsync(row.Email, row.Name, row.Language, row.Org, ct) is { } person)
            {
                lock (gate)
                {
                    proposals.Add((person, row.Org));
                }
            }
        });

        var added = await pipeline.ProposeAsync(cohort, proposals, "csv", null, cancellationToken);
        return TypedResults.Ok(new CandidateImportResult(added.Count, proposals.Count - added.Count, added.Select(CandidatePipeline.ToContract).ToList()));
    }

    public static async Task<Results<Ok<Candidate>, NotFound, ValidationProblem, ProblemHttpResult>> SetStatusAsync(
        string cohortId, string personId, CandidateStatusRequest? request, CohortStore store, CandidatePipeline pipeline, HttpContext context, CancellationToken cancellationToken)
    {
        var cohort = await store.GetCohortAsync(cohortId, cancellationToken);
        if (cohort is null)
        {
            return TypedResults.NotFound();
        }

        Azure.ETag? ifMatch = context.Request.Headers.IfMatch.FirstOrDefault() is { Length: > 0 } sent && sent != "*" ? new Azure.ETag(sent) : null;
        var (candidate, refusal) = await pipeline.SetStatusAsync(cohort, personId, request?.Status, ifMatch, cancellationToken);
        if (refusal is { Code: "changed" })
        {
            return OrganisationsApi.Changed();
        }

        if (refusal is not null)
        {
            return Refuse(context, refusal);
        }

        return candidate is null ? TypedResults.NotFound() : TypedResults.Ok(CandidatePipeline.ToContract(candidate));
    }

    public static async Task<Results<Created<ProposalLink>, NotFound, ValidationProblem>> CreateProposalLinkAsync(
        string cohortId, ProposalLinkRequest? request, CohortStore store, CohortLinks links, IAuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var cohort = await store.GetCohortAsync(cohortId, cancellationToken);
        if (cohort is null)
        {
            return TypedResults.NotFound();
        }

        var errors = new Dictionary<string, string[]>();
        if (request?.OrganisationId is not { Length: > 0 } orgId || cohort.OrganisationList.All(o => o.OrganisationId != orgId))
        {
            errors["organisationId"] = ["Choose one of the cohort's organisations."];
        }

        if (request?.ValidDays is { } days && (days < 1 || days > 90))
        {
            errors["validDays"] = ["A link is valid for 1 to 90 days."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var expires = time.GetUtcNow().AddDays(request!.ValidDays ?? 30);
        var token = await links.IssueProposalAsync(cohortId, request.OrganisationId!, expires, cancellationToken);
        await audit.RecordAsync(new AuditRecord(RecordType, cohortId, "proposal-link-issued", After: new { request.OrganisationId, expires }), cancellationToken);
        return TypedResults.Created((string?)null, new ProposalLink(request.OrganisationId!, links.ProposalLink(token).AbsoluteUri, expires));
    }

    /// <summary>A refused change: 400 naming the field, with a code the portal has its own words for.</summary>
    internal static ValidationProblem Refuse(HttpContext context, CandidatePipeline.Refusal refusal)
    {
        var localizer = context.RequestServices.GetRequiredService<ILocalizer>();
        return TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [refusal.Field] = [refusal.Message] },
            title: localizer.Get(CodedProblem.LanguageOf(context), "cohort.problem." + refusal.Code),
            extensions: new Dictionary<string, object?> { ["code"] = refusal.Code });
    }

    /// <summary>Records capacity and quotas on the seat counter unless seats already taken exceed them; the errors name the fields.</summary>
    private static async Task<Dictionary<string, string[]>> SetLimitsAsync(string cohortId, CohortRequest request, CohortStore store, CancellationToken cancellationToken, bool check = true)
    {
        var errors = new Dictionary<string, string[]>();
        await TableStore.RetryOnConflictAsync(
            async () =>
            {
                errors.Clear();
                var seats = await store.GetSeatsAsync(cohortId, cancellationToken) ?? new SeatsEntity { PartitionKey = CohortStore.CohortPartition(cohortId) };
                if (check && request.Capacity < seats.Taken)
                {
                    errors["capacity"] = [$"{seats.Taken} seats are taken; the capacity cannot be less."];
                }

                var used = seats.ByOrganisationMap;
                var list = request.Organisations ?? [];
                for (var i = 0; i < list.Count; i++)
                {
                    if (check && used.GetValueOrDefault(list[i].OrganisationId) is var n && n > list[i].Quota)
                    {
                        errors[$"organisations[{i}].quota"] = [$"{n} seats of this organisation are taken; the quota cannot be less."];
                    }
                }

                if (errors.Count > 0)
                {
                    return false;
                }

                seats.SetLimits(request.Capacity!.Value, list);
                if (seats.ETag == default)
                {
                    try
                    {
                        await store.AddAsync(seats, cancellationToken);
                    }
                    catch (Azure.RequestFailedException ex) when (ex.Status == StatusCodes.Status409Conflict)
                    {
                        throw new WriteConflictException("The seat counter was created at the same time.", ex);
                    }
                }
                else
                {
                    await store.UpdateAsync(seats, cancellationToken);
                }

                return true;
            },
            cancellationToken);
        return errors;
    }

    internal static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static async Task CheckReferencesAsync(CohortRequest? request, CohortStore store, PeopleStore people, OrganisationStore organisations, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return;
        }

        if (request.ProgrammeId is not { Length: > 0 } programmeId || await store.GetProgrammeAsync(programmeId, cancellationToken) is null)
        {
            errors["programmeId"] = ["Choose the programme the cohort belongs to."];
        }

        if (!errors.ContainsKey("coordinatorId") && await people.GetAsync(request.CoordinatorId!, cancellationToken) is null)
        {
            errors["coordinatorId"] = ["No such person; register the coordinator first."];
        }

        if (!errors.ContainsKey("managerIds"))
        {
            var unknown = new List<string>();
            foreach (var id in request.ManagerIds ?? [])
            {
                if (string.IsNullOrWhiteSpace(id) || await people.GetAsync(id, cancellationToken) is null)
                {
                    unknown.Add(id ?? "");
                }
            }

            if (unknown.Count > 0)
            {
                errors["managerIds"] = [$"Unknown people: {string.Join(", ", unknown)}."];
            }
        }

        if (!errors.ContainsKey("organisations"))
        {
            var list = request.Organisations ?? [];
            for (var i = 0; i < list.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(list[i].OrganisationId) || await organisations.GetAsync(list[i].OrganisationId, cancellationToken) is null)
                {
                    errors[$"organisations[{i}].organisationId"] = ["No such organisation."];
                }
            }
        }
    }

    private static void Apply(CohortRequest request, CohortEntity cohort, DateTimeOffset now)
    {
        cohort.ProgrammeId = request.ProgrammeId!;
        cohort.Name = request.Name!.Trim();
        cohort.StartDate = request.StartDate!;
        cohort.EndDate = request.EndDate!;
        cohort.Capacity = request.Capacity!.Value;
        cohort.CoordinatorId = request.CoordinatorId!;
        cohort.ManagerIds = TableJson.Write((request.ManagerIds ?? []).Distinct().ToList());
        cohort.SteeringCommittee = TableJson.Write((request.SteeringCommittee ?? []).Select(m => new SteeringMember(m.Name.Trim(), m.Role?.Trim() ?? "")).ToList());
        cohort.Organisations = TableJson.Write(request.Organisations ?? []);
        cohort.Budget = TableJson.Write((request.Budget ?? []).Select(b => b with { Label = b.Label.Trim() }).ToList());
        cohort.Currency = request.Currency ?? "EUR";
        cohort.UpdatedAt = now;
    }

    private static Programme ToContract(ProgrammeEntity p) => new(p.Id, p.Name, p.Description, p.CreatedAt, p.ETag.ToString());

    private static object ToAudit(CohortEntity c) => new
    {
        c.ProgrammeId,
        c.Name,
        c.StartDate,
        c.EndDate,
        c.Capacity,
        c.CoordinatorId,
        managers = c.ManagerList,
        steeringCommittee = c.SteeringList,
        organisations = c.OrganisationList,
        budget = c.BudgetList,
        c.Currency,
    };

    internal static async Task<Cohort> ToContractAsync(CohortEntity c, CohortStore store, PeopleStore people, OrganisationStore organisations, string language, CancellationToken cancellationToken)
    {
        var programme = await store.GetProgrammeAsync(c.ProgrammeId, cancellationToken);
        var seats = await store.GetSeatsAsync(c.Id, cancellationToken);
        var candidates = await store.ListCandidatesAsync(c.Id, cancellationToken);
        var used = seats?.ByOrganisationMap ?? [];

        async Task<PersonRef?> PersonAsync(string id) =>
            string.IsNullOrEmpty(id) ? null : await people.GetAsync(id, cancellationToken) is { } p ? new PersonRef(p.Id, p.Name, p.Email) : new PersonRef(id, id, "");

        var managers = new List<PersonRef>();
        foreach (var id in c.ManagerList)
        {
            managers.Add((await PersonAsync(id))!);
        }

        var orgs = new List<OrganisationQuota>();
        foreach (var o in c.OrganisationList)
        {
            var name = (await organisations.GetAsync(o.OrganisationId, cancellationToken))?.NameIn(language) ?? o.OrganisationId;
            orgs.Add(new OrganisationQuota(o.OrganisationId, name, o.Quota, used.GetValueOrDefault(o.OrganisationId)));
        }

        var budget = c.BudgetList;
        var planned = budget.Sum(b => b.Planned);
        var spent = budget.Sum(b => b.Spent);
        var counts = CandidateStatus.All.ToDictionary(s => s, s => candidates.Count(r => r.Status == s));
        return new Cohort(
            c.Id, c.ProgrammeId, programme?.Name ?? "", c.Name, c.StartDate, c.EndDate, c.Capacity, seats?.Taken ?? 0,
            await PersonAsync(c.CoordinatorId), managers, c.SteeringList, orgs, budget, new BudgetTotals(planned, spent, planned - spent), c.Currency,
            counts, c.OnboardingRounds, c.OnboardingDeadline, c.ETag.ToString());
    }
}

using Microsoft.AspNetCore.Http.HttpResults;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Nominations;

/// <summary>
/// TRADE tracking of selected projects: the board of every project's stage and health (staff),
/// and the two pages behind emailed links — the progress report form (team lead) and the stage
/// gate (approver). Tokens travel in X-Nomination-Token; opening a page reads, the POST acts once.
/// </summary>
public static class TradeApi
{
    public static IEndpointRouteBuilder MapTradeApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/nominations/projects", ListProjectsAsync).WithTags("TRADE projects").WithName("ListTradeProjects").RequireAuthorization(Policies.Coordinator)
            .WithSummary("List TRADE projects");

        var links = app.MapGroup("/api/nominations").WithTags("TRADE projects (public)").RequireRateLimiting(RateLimitPolicies.PublicPerClient);
        links.MapGet("/report", GetReportAsync).WithName("GetProgressReportForm")
            .WithSummary("Get a progress report form")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        links.MapPost("/report", SubmitReportAsync).WithName("SubmitProgressReport")
            .WithSummary("Submit a progress report")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        links.MapGet("/gate", GetGateAsync).WithName("GetStageGate")
            .WithSummary("Get a stage-gate decision form")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        links.MapPost("/gate", DecideGateAsync).WithName("DecideStageGate")
            .WithSummary("Decide a stage gate")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    public static async Task<Ok<List<ProjectBoardEntry>>> ListProjectsAsync(NominationStore store, OrganisationStore organisations, CancellationToken cancellationToken)
    {
        var table = await store.TableAsync(cancellationToken);
        var orgs = (await organisations.ListAsync(cancellationToken)).ToDictionary(o => o.Id, o => o.NameIn("en"));
        var list = new List<ProjectBoardEntry>();
        await foreach (var p in table.QueryAsync<ProjectEntity>(Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey eq {ProjectEntity.Partition}"), cancellationToken: cancellationToken))
        {
            var deliverables = p.DeliverableLists;
            list.Add(new ProjectBoardEntry(
                p.Id,
                p.CallId,
                p.Title,
                orgs.GetValueOrDefault(p.OrganisationId) ?? p.OrganisationId,
                p.Stage,
                TradeStages.Name(p.Stage),
                p.Health,
                p.ReportOverdue,
                p.ReportDue,
                p.LastReportAt,
                p.GatePending,
                p.Stage < deliverables.Count ? deliverables[p.Stage] : []));
        }

        return TypedResults.Ok(list.OrderBy(p => p.Health == ProjectHealth.Overdue ? 0 : p.Health == ProjectHealth.AtRisk ? 1 : 2).ThenBy(p => p.Title, StringComparer.CurrentCulture).ToList());
    }

    public static async Task<Results<Ok<ReportPage>, ProblemHttpResult>> GetReportAsync(ActionTokens tokens, TradeTracker tracker, NominationStore store, PeopleStore people, HttpContext context, CancellationToken cancellationToken)
    {
        var (found, failure) = await ResolveReportAsync(tokens, tracker, Token(context), cancellationToken);
        if (found is null)
        {
            return TokenProblem(context, failure);
        }

        var (project, stage, index) = found.Value;
        var submitted = await store.GetAsync<ProgressReportEntity>(ProgressReportEntity.PartitionFor(project.Id), ProgressReportEntity.RowFor(stage, index), cancellationToken) is not null;
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await ReportPageAsync(project, stage, submitted, people, cancellationToken));
    }

    public static async Task<Results<Ok<ReportPage>, ValidationProblem, ProblemHttpResult>> SubmitReportAsync(
        ProgressReportRequest? request, [AsParameters] TradeServices services, HttpContext context, CancellationToken cancellationToken)
    {
        var token = Token(context);
        var (found, failure) = await ResolveReportAsync(services.Tokens, services.Tracker, token, cancellationToken);
        if (found is null)
        {
            return TokenProblem(context, failure);
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request?.Summary))
        {
            errors["summary"] = ["Describe the progress since the last report."];
        }
        else if (request.Summary.Trim().Length > NominationValidation.MaxTextLength)
        {
            errors["summary"] = [$"The text is longer than {NominationValidation.MaxTextLength} characters."];
        }

        if (request?.Risks is { } risks && risks.Trim().Length > NominationValidation.MaxTeamLength)
        {
            errors["risks"] = [$"The text is longer than {NominationValidation.MaxTeamLength} characters."];
        }

        if (request?.Health is not (ProjectHealth.OnTrack or ProjectHealth.AtRisk))
        {
            errors["health"] = ["Say whether the project is on track or at risk."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (project, stage, index) = found.Value;
        if (project.Stage != stage || project.ReportIndex != index)
        {
            return CodedProblem.Create(context, StatusCodes.Status409Conflict, "nom_report_closed");
        }

        var redemption = await services.Tokens.RedeemAsync(token, TradeTracker.ReportPurpose, cancellationToken);
        var now = services.Time.GetUtcNow();
        var report = new ProgressReportEntity
        {
            PartitionKey = ProgressReportEntity.PartitionFor(project.Id),
            RowKey = ProgressReportEntity.RowFor(stage, index),
            Stage = stage,
            Index = index,
            Summary = request!.Summary!.Trim(),
            Risks = string.IsNullOrWhiteSpace(request.Risks) ? null : request.Risks.Trim(),
            Health = request.Health!,
            ReadyForGate = request.ReadyForGate ?? false,
            SubmittedAt = now,
        };
        if (!redemption.Succeeded || !await services.Store.TryAddAsync(report, cancellationToken))
        {
            return CodedProblem.Create(context, StatusCodes.Status409Conflict, "nom_report_closed");
        }

        await services.Tracker.ChangeAsync(
            project.Id,
            p =>
            {
                p.LastReportAt = now;
                p.ReportedHealth = report.Health;
                if (p.Stage == stage && p.ReportIndex == index)
                {
                    p.ReportOverdue = false;
                }

                return true;
            },
            cancellationToken);
        await services.Audit.RecordAsync(new AuditRecord("trade-project", project.Id, "report-submitted", After: new { stage = TradeStages.Name(stage), index, report.Health, report.ReadyForGate, report.Summary }) { Actor = "person:" + project.TeamLeadId }, cancellationToken);
        await services.Projects.WakeAsync(project.Id, TradeProjectOrchestrator.ReportEventName, new ReportEvent(stage, index, report.ReadyForGate), cancellationToken);
        return TypedResults.Ok(await ReportPageAsync(project, stage, true, services.People, cancellationToken));
    }

    public static async Task<Results<Ok<GatePage>, ProblemHttpResult>> GetGateAsync(ActionTokens tokens, TradeTracker tracker, NominationStore store, PeopleStore people, HttpContext context, CancellationToken cancellationToken)
    {
        var (found, failure) = await ResolveGateAsync(tokens, tracker, Token(context), cancellationToken);
        if (found is null)
        {
            return TokenProblem(context, failure);
        }

        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await GatePageAsync(found.Value.Project, found.Value.Stage, store, people, cancellationToken));
    }

    public static async Task<Results<Ok<GatePage>, ValidationProblem, ProblemHttpResult>> DecideGateAsync(
        GateRequest? request, [AsParameters] TradeServices services, HttpContext context, CancellationToken cancellationToken)
    {
        var token = Token(context);
        var (found, failure) = await ResolveGateAsync(services.Tokens, services.Tracker, token, cancellationToken);
        if (found is null)
        {
            return TokenProblem(context, failure);
        }

        var errors = new Dictionary<string, string[]>();
        if (request?.Decision is not ("approve" or "reject"))
        {
            errors["decision"] = ["Approve the gate or send the stage back."];
        }

        if (request?.Comment is { } comment && comment.Trim().Length > NominationValidation.MaxTeamLength)
        {
            errors["comment"] = [$"The comment is longer than {NominationValidation.MaxTeamLength} characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (project, stage) = found.Value;
        if (project.Stage != stage || !project.GatePending)
        {
            return CodedProblem.Create(context, StatusCodes.Status409Conflict, "nom_gate_closed");
        }

        var redemption = await services.Tokens.RedeemAsync(token, TradeTracker.GatePurpose, cancellationToken);
        var approved = request!.Decision == "approve";
        if (!redemption.Succeeded || !await services.Tracker.ChangeAsync(project.Id, p => CloseGate(p, stage), cancellationToken))
        {
            return CodedProblem.Create(context, StatusCodes.Status409Conflict, "nom_gate_closed");
        }

        await services.Audit.RecordAsync(new AuditRecord("trade-project", project.Id, approved ? "gate-approved" : "gate-rejected", After: new { stage = TradeStages.Name(stage), comment = request.Comment?.Trim() }) { Actor = "person:" + project.GateApproverId }, cancellationToken);
        await services.Projects.WakeAsync(project.Id, TradeProjectOrchestrator.GateEventName, approved, cancellationToken);
        return TypedResults.Ok(await GatePageAsync((await services.Tracker.GetAsync(project.Id, cancellationToken))!, stage, services.Store, services.People, cancellationToken));
    }

    private static bool CloseGate(ProjectEntity project, int stage)
    {
        if (project.Stage != stage || !project.GatePending)
        {
            return false;
        }

        project.GatePending = false;
        return true;
    }

    private static async Task<ReportPage> ReportPageAsync(ProjectEntity project, int stage, bool submitted, PeopleStore people, CancellationToken ct)
    {
        var lead = await people.GetAsync(project.TeamLeadId, ct);
        var deliverables = project.DeliverableLists;
        return new ReportPage(project.Title, stage, TradeStages.Name(stage), stage < deliverables.Count ? deliverables[stage] : [], project.ReportDue, submitted, lead?.PreferredLanguage ?? "en");
    }

    private static async Task<GatePage> GatePageAsync(ProjectEntity project, int stage, NominationStore store, PeopleStore people, CancellationToken ct)
    {
        var approver = await people.GetAsync(project.GateApproverId, ct);
        var reports = await store.ListAsync<ProgressReportEntity>(ProgressReportEntity.PartitionFor(project.Id), ct);
        var last = reports.Where(r => r.Stage == stage).OrderByDescending(r => r.Index).FirstOrDefault();
        var deliverables = project.DeliverableLists;
        return new GatePage(project.Title, stage, TradeStages.Name(stage), stage < deliverables.Count ? deliverables[stage] : [], last?.Summary, last?.Risks, last?.Health, project.Stage == stage && project.GatePending, approver?.PreferredLanguage ?? "en");
    }

    private static async Task<((ProjectEntity Project, int Stage, int Index)? Found, string? Failure)> ResolveReportAsync(ActionTokens tokens, TradeTracker tracker, string? token, CancellationToken ct)
    {
        var (subject, failure) = await tokens.FindAsync(token, TradeTracker.ReportPurpose, ct);
        if (subject?.Split('|') is not [var projectId, var s, var i] || !int.TryParse(s, out var stage) || !int.TryParse(i, out var index))
        {
            return (null, failure ?? "token_invalid");
        }

        return await tracker.GetAsync(projectId, ct) is { } project ? ((project, stage, index), null) : (null, "token_invalid");
    }

    private static async Task<((ProjectEntity Project, int Stage)? Found, string? Failure)> ResolveGateAsync(ActionTokens tokens, TradeTracker tracker, string? token, CancellationToken ct)
    {
        var (subject, failure) = await tokens.FindAsync(token, TradeTracker.GatePurpose, ct);
        if (subject?.Split('|') is not [var projectId, var s] || !int.TryParse(s, out var stage))
        {
            return (null, failure ?? "token_invalid");
        }

        return await tracker.GetAsync(projectId, ct) is { } project ? ((project, stage), null) : (null, "token_invalid");
    }

    private static string? Token(HttpContext context) => context.Request.Headers[ReviewLinks.TokenHeader].FirstOrDefault();

    private static ProblemHttpResult TokenProblem(HttpContext context, string? failure) => failure == "token_expired"
        ? CodedProblem.Create(context, StatusCodes.Status400BadRequest, "token_expired")
        : CodedProblem.Create(context, StatusCodes.Status404NotFound, "token_invalid");
}

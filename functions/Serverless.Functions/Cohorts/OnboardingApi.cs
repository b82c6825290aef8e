using Azure.Data.Tables;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Durable;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Cohorts;

/// <summary>
/// Cohort onboarding: coordinators start it (a new round for every accepted participant not yet
/// taken in, after re-scheduling any earlier round that never started) and follow its progress;
/// participants complete it through their personal link; organisations propose candidates
/// through theirs. Public pages take the token in the X-Cohort-Token header and only read on GET.
/// </summary>
public static class OnboardingApi
{
    public static IEndpointRouteBuilder MapCohortOnboardingApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/cohorts/{cohortId}/onboarding").WithTags("Cohort onboarding").RequireAuthorization(Policies.Coordinator);
        admin.MapPost("/", StartAsync).WithName("StartCohortOnboarding")
            .WithSummary("Start onboarding a cohort's accepted participants")
            .WithDescription("Starts onboarding for accepted participants not yet onboarding (safe to repeat); 400 naming \"participants\" when the cohort has none.");
        admin.MapGet("/", ProgressAsync).WithName("GetCohortOnboarding").WithSummary("Get a cohort's onboarding progress")
            .WithDescription("n of N onboarded, and who is stuck and why.");

        var participant = app.MapGroup("/api/cohort-onboarding").WithTags("Cohort onboarding (public)").RequireRateLimiting(RateLimitPolicies.PublicPerClient);
        participant.MapGet("/", GetPageAsync).WithName("GetOnboardingPage")
            .WithSummary("Get a participant's onboarding page")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        participant.MapPut("/", SubmitAsync).WithName("SubmitOnboarding").WithSummary("Submit a participant's onboarding")
            .WithDescription("Saves profile, consent and management challenge; with all three the participant is onboarded.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        var proposal = app.MapGroup("/api/cohort-proposal").WithTags("Cohort proposals (public)").RequireRateLimiting(RateLimitPolicies.PublicPerClient);
        proposal.MapGet("/", GetProposalAsync).WithName("GetCohortProposalPage")
            .WithSummary("Get an organisation's proposal page")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        proposal.MapPost("/", ProposeAsync).WithName("ProposeCohortCandidateByLink")
            .WithSummary("Propose a candidate through a proposal link")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Accepted<OnboardingStarted>, NotFound, ValidationProblem>> StartAsync(
        string cohortId, StartOnboardingRequest? request, CohortStore store, DurableTaskClient durable, IAuditLog audit, IOptions<CohortOptions> options, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        var cohort = await store.GetCohortAsync(cohortId, cancellationToken);
        if (cohort is null)
        {
            return TypedResults.NotFound();
        }

        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        var deadline = request?.Deadline ?? cohort.OnboardingDeadline;
        if (deadline is not { } d || d <= now)
        {
            errors["deadline"] = ["Give an onboarding deadline in the future."];
        }

        if (request?.ReminderHoursBefore is { } hours && (hours < 0 || hours > 24 * 60))
        {
            errors["reminderHoursBefore"] = ["The reminder goes 0 to 1440 hours before the deadline (0: no reminder)."];
        }

        var candidates = await store.ListCandidatesAsync(cohortId, cancellationToken);
        if (!candidates.Any(c => CandidateStatus.HoldsSeat(c.Status)))
        {
            return CohortsApi.Refuse(context, new CandidatePipeline.Refusal("participants", "no_participants", "The cohort has no accepted participants; accept candidates first."));
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var reminderHours = request?.ReminderHoursBefore ?? options.Value.DefaultReminderHoursBefore;
        var remindAt = reminderHours > 0 ? deadline!.Value.UtcDateTime.AddHours(-reminderHours) : (DateTime?)null;
        var accepted = candidates.Where(c => c.Status == CandidateStatus.Accepted).ToList();
        var round = 0;
        var added = 0;
        if (accepted.Count > 0)
        {
            // The round number comes from an ETag-conditional write of the cohort, so two starts at once get two rounds.
            round = await TableStore.RetryOnConflictAsync(
                async () =>
                {
                    var row = (await store.GetCohortAsync(cohortId, cancellationToken))!;
                    row.OnboardingRounds++;
                    row.OnboardingDeadline = deadline;
                    await store.UpdateAsync(row, cancellationToken);
                    return row.OnboardingRounds;
                },
                cancellationToken);
            added = await TakeInAsync(store, cohortId, round, now, cancellationToken);
        }

        // Every round is (re)scheduled: starting is idempotent per instance id, so a round whose start was cut off runs now.
        var fresh = (await store.GetCohortAsync(cohortId, cancellationToken))!;
        var instanceIds = new List<string>();
        for (var r = 1; r <= fresh.OnboardingRounds; r++)
        {
            var input = new CohortOnboardingOrchestrator.Input(cohortId, r, (fresh.OnboardingDeadline ?? deadline!.Value).UtcDateTime, r == round ? remindAt : RemindAt(fresh.OnboardingDeadline, reminderHours), options.Value.FirstRefresh);
            instanceIds.Add(await durable.StartOnceAsync(nameof(CohortOnboardingOrchestrator), input, CohortOnboardingOrchestrator.InstanceIdFor(cohortId, r), cancellationToken));
        }

        var participants = (await store.ListCandidatesAsync(cohortId, cancellationToken)).Count(c => c.Status is CandidateStatus.Onboarding or CandidateStatus.Onboarded);
        await audit.RecordAsync(new AuditRecord(CohortsApi.RecordType, cohortId, "onboarding-started", After: new { round, added, participants, deadline, reminderHours }), cancellationToken);
        return TypedResults.Accepted($"/api/cohorts/{cohortId}/onboarding", new OnboardingStarted(round, added, participants, instanceIds));
    }

    public static async Task<Results<Ok<OnboardingProgress>, NotFound>> ProgressAsync(string cohortId, CohortStore store, DurableTaskClient durable, HttpContext context, CancellationToken cancellationToken)
    {
        var cohort = await store.GetCohortAsync(cohortId, cancellationToken);
        if (cohort is null)
        {
            return TypedResults.NotFound();
        }

        var rows = (await store.ListCandidatesAsync(cohortId, cancellationToken)).Where(c => c.Round > 0).ToList();
        var rounds = new List<OnboardingRound>();
        for (var r = 1; r <= cohort.OnboardingRounds; r++)
        {
            var id = CohortOnboardingOrchestrator.InstanceIdFor(cohortId, r);
            var instance = await durable.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
            rounds.Add(new OnboardingRound(r, id, instance?.RuntimeStatus.ToString() ?? "Pending"));
        }

        var active = rows.Where(c => c.Status is CandidateStatus.Onboarding or CandidateStatus.Onboarded).ToList();
        var stuck = active.Where(c => c.Status == CandidateStatus.Onboarding)
            .OrderBy(c => c.Name, StringComparer.InvariantCultureIgnoreCase)
            .Select(c => new StuckParticipant(c.PersonId, c.Name, c.Email, c.Missing(), c.WelcomeSentAt, c.RemindedAt, c.EscalatedAt))
            .ToList();
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new OnboardingProgress(
            active.Count,
            active.Count(c => c.Status == CandidateStatus.Onboarded),
            active.Count(c => c.WelcomeSentAt is not null),
            stuck.Count(s => s.EscalatedAt is not null),
            rounds,
            stuck,
            cohort.OnboardingDeadline));
    }

    public static async Task<Results<Ok<OnboardingPage>, ProblemHttpResult>> GetPageAsync(CohortStore store, CohortLinks links, HttpContext context, CancellationToken cancellationToken)
    {
        var (found, failure) = await ResolveParticipantAsync(store, links, context, cancellationToken);
        if (found is not { } f)
        {
            return TokenProblem(context, failure);
        }

        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await PageAsync(store, f.Cohort, f.Participant, cancellationToken));
    }

    public static async Task<Results<Ok<OnboardingPage>, ValidationProblem, ProblemHttpResult>> SubmitAsync(
        OnboardingRequest? request, CohortStore store, CohortLinks links, CandidatePipeline pipeline, IAuditLog audit, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        var (found, failure) = await ResolveParticipantAsync(store, links, context, cancellationToken);
        if (found is not { } f)
        {
            return TokenProblem(context, failure);
        }

        var errors = CohortValidation.ValidateOnboarding(request);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (f.Participant.Status is not (CandidateStatus.Onboarding or CandidateStatus.Onboarded))
        {
            return NotParticipant(context);
        }

        var now = time.GetUtcNow();
        CandidateEntity? saved = null;
        var completed = false;
        await TableStore.RetryOnConflictAsync(
            async () =>
            {
                var row = (await store.GetCandidateAsync(f.Cohort.Id, f.Participant.PersonId, cancellationToken))!;
                row.JobTitle = CohortsApi.NullIfEmpty(request!.JobTitle) ?? row.JobTitle;
                row.Bio = CohortsApi.NullIfEmpty(request.Bio) ?? row.Bio;
                row.ChallengeTitle = CohortsApi.NullIfEmpty(request.ChallengeTitle) ?? row.ChallengeTitle;
                row.ChallengeDescription = CohortsApi.NullIfEmpty(request.ChallengeDescription) ?? row.ChallengeDescription;
                if (request.Consent == true)
                {
                    row.ConsentGivenAt ??= now;
                }

                completed = row.Status == CandidateStatus.Onboarding && row.HasProfile && row.HasConsent && row.HasChallenge;
                if (completed)
                {
                    row.Status = CandidateStatus.Onboarded;
                    row.OnboardedAt = now;
                }

                row.UpdatedAt = now;
                await store.UpdateAsync(row, cancellationToken);
                saved = row;
                return true;
            },
            cancellationToken);

        await audit.RecordAsync(
            new AuditRecord(CandidatePipeline.RecordType, f.Cohort.Id + "/" + f.Participant.PersonId, completed ? "onboarded" : "onboarding-saved", After: new { saved!.JobTitle, consent = saved.HasConsent, saved.ChallengeTitle, saved.Status }) { Actor = "person:" + f.Participant.PersonId },
            cancellationToken);
        if (completed)
        {
            await pipeline.NotifyParticipantAsync(f.Cohort.Id, f.Participant.PersonId, ParticipantOutcome.Onboarded, cancellationToken);
        }

        return TypedResults.Ok(await PageAsync(store, f.Cohort, saved, cancellationToken));
    }

    public static async Task<Results<Ok<ProposalPage>, ProblemHttpResult>> GetProposalAsync(CohortStore store, CohortLinks links, OrganisationStore organisations, HttpContext context, CancellationToken cancellationToken)
    {
        var (found, failure) = await ResolveProposalAsync(store, links, context, cancellationToken);
        if (found is not { } f)
        {
            return TokenProblem(context, failure);
        }

        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await ProposalPageAsync(store, organisations, f.Cohort, f.OrganisationId, CodedProblem.LanguageOf(context), cancellationToken));
    }

    public static async Task<Results<Created<ProposalPage>, ValidationProblem, ProblemHttpResult>> ProposeAsync(
        ProposalRequest? request, CohortStore store, CohortLinks links, OrganisationStore organisations, CandidatePipeline pipeline, HttpContext context, CancellationToken cancellationToken)
    {
        var (found, failure) = await ResolveProposalAsync(store, links, context, cancellationToken);
        if (found is not { } f)
        {
            return TokenProblem(context, failure);
        }

        var errors = CohortValidation.ValidateCandidate(new CandidateRequest(request?.Email, request?.Name, request?.Language, f.OrganisationId));
        if (string.IsNullOrWhiteSpace(request?.Name))
        {
            errors["name"] = ["Give the candidate's name."];
        }

        var proposedByOrg = (await store.ListCandidatesAsync(f.Cohort.Id, cancellationToken)).Count(c => c.OrganisationId == f.OrganisationId);
        if (errors.Count == 0 && proposedByOrg >= Math.Max(10, 3 * (f.Cohort.QuotaOf(f.OrganisationId) ?? 3)))
        {
            errors["email"] = ["Your organisation has proposed as many candidates as this cohort takes; contact the coordinator."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var person = await pipeline.PersonForAsync(request!.Email!, request.Name, request.Language, f.OrganisationId, cancellationToken);
        if (person is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["email"] = ["The address could not be registered; try again."] });
        }

        await pipeline.ProposeAsync(f.Cohort, [(person, f.OrganisationId)], "organisation:" + f.OrganisationId, "organisation:" + f.OrganisationId, cancellationToken);
        return TypedResults.Created((string?)null, await ProposalPageAsync(store, organisations, f.Cohort, f.OrganisationId, CodedProblem.LanguageOf(context), cancellationToken));
    }

    private static DateTime? RemindAt(DateTimeOffset? deadline, double hours) => deadline is { } d && hours > 0 ? d.UtcDateTime.AddHours(-hours) : null;

    /// <summary>Moves the accepted candidates into the round, each with its ETag: one that changed meanwhile is read again and taken only if still accepted.</summary>
    private static async Task<int> TakeInAsync(CohortStore store, string cohortId, int round, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var taken = 0;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var accepted = (await store.ListCandidatesAsync(cohortId, cancellationToken)).Where(c => c.Status == CandidateStatus.Accepted).ToList();
            if (accepted.Count == 0)
            {
                break;
            }

            var conflict = false;
            foreach (var chunk in accepted.Chunk(100))
            {
                foreach (var c in chunk)
                {
                    c.Status = CandidateStatus.Onboarding;
                    c.Round = round;
                    c.UpdatedAt = now;
                }

                try
                {
                    await store.SubmitAsync(chunk.Select(c => new TableTransactionAction(TableTransactionActionType.UpdateReplace, c, c.ETag)).ToList(), cancellationToken);
                    taken += chunk.Length;
                }
                catch (WriteConflictException)
                {
                    conflict = true;
                }
            }

            if (!conflict)
            {
                break;
            }
        }

        return taken;
    }

    private static ProblemHttpResult NotParticipant(HttpContext context)
    {
        var localizer = context.RequestServices.GetRequiredService<Platform.Localization.ILocalizer>();
        return TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: localizer.Get(CodedProblem.LanguageOf(context), "cohort.problem.not_participant"),
            extensions: new Dictionary<string, object?> { ["code"] = "not_participant" });
    }

    private static string? Token(HttpContext context) => context.Request.Headers[CohortLinks.TokenHeader].FirstOrDefault();

    private static ProblemHttpResult TokenProblem(HttpContext context, string? failure) => failure == "token_expired"
        ? CodedProblem.Create(context, StatusCodes.Status400BadRequest, "token_expired")
        : CodedProblem.Create(context, StatusCodes.Status404NotFound, "token_invalid");

    private static async Task<((CohortEntity Cohort, CandidateEntity Participant)? Found, string? Failure)> ResolveParticipantAsync(CohortStore store, CohortLinks links, HttpContext context, CancellationToken cancellationToken)
    {
        var (cohortId, personId, failure) = await links.FindAsync(Token(context), CohortLinks.OnboardingPurpose, cancellationToken);
        if (cohortId is null || personId is null)
        {
            return (null, failure);
        }

        var cohort = await store.GetCohortAsync(cohortId, cancellationToken);
        var participant = await store.GetCandidateAsync(cohortId, personId, cancellationToken);
        return cohort is null || participant is null ? (null, "token_invalid") : ((cohort, participant), null);
    }

    private static async Task<((CohortEntity Cohort, string OrganisationId)? Found, string? Failure)> ResolveProposalAsync(CohortStore store, CohortLinks links, HttpContext context, CancellationToken cancellationToken)
    {
        var (cohortId, organisationId, failure) = await links.FindAsync(Token(context), CohortLinks.ProposalPurpose, cancellationToken);
        if (cohortId is null || organisationId is null)
        {
            return (null, failure);
        }

        var cohort = await store.GetCohortAsync(cohortId, cancellationToken);
        return cohort is null || cohort.OrganisationList.All(o => o.OrganisationId != organisationId) ? (null, "token_invalid") : ((cohort, organisationId), null);
    }

    private static async Task<OnboardingPage> PageAsync(CohortStore store, CohortEntity cohort, CandidateEntity p, CancellationToken cancellationToken)
    {
        var programme = (await store.GetProgrammeAsync(cohort.ProgrammeId, cancellationToken))?.Name ?? "";
        var missing = p.Missing().Where(m => m is "profile" or "consent" or "challenge").ToList();
        return new OnboardingPage(cohort.Id, cohort.Name, programme, p.Name, p.Language, p.Status, p.JobTitle, p.Bio, p.HasConsent, p.ChallengeTitle, p.ChallengeDescription, missing);
    }

    private static async Task<ProposalPage> ProposalPageAsync(CohortStore store, OrganisationStore organisations, CohortEntity cohort, string organisationId, string language, CancellationToken cancellationToken)
    {
        var programme = (await store.GetProgrammeAsync(cohort.ProgrammeId, cancellationToken))?.Name ?? "";
        var org = await organisations.GetAsync(organisationId, cancellationToken);
        var proposed = (await store.ListCandidatesAsync(cohort.Id, cancellationToken))
            .Where(c => c.OrganisationId == organisationId)
            .OrderBy(c => c.Name, StringComparer.InvariantCultureIgnoreCase)
            .Select(c => new ProposedPerson(c.Name, c.Email, c.Status))
            .ToList();
        return new ProposalPage(cohort.Id, cohort.Name, programme, organisationId, org?.NameIn(language) ?? organisationId, cohort.QuotaOf(organisationId), proposed);
    }
}

public sealed class CohortOptions
{
    public const string SectionName = "Cohorts";

    public double DefaultReminderHoursBefore { get; set; } = 72;

    /// <summary>The first progress refresh of a round (then growing); short in tests.</summary>
    public TimeSpan? FirstRefresh { get; set; }
}

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Nominations;

/// <summary>
/// The review page behind a reviewer's emailed link. The token travels in the
/// X-Nomination-Token header; it names one reviewer and one nomination, so the page shows only
/// that reviewer's own answer and acts only for them. Opening the page reads; the POST from the
/// page acts (score, decline or declare a conflict), once: it redeems the token, and a closed
/// assignment (answered, replaced, expired) refuses any further answer. Bad input gets field
/// errors and neither the token nor anything else is touched.
/// </summary>
public static class ReviewApi
{
    public static IEndpointRouteBuilder MapNominationReviewApi(this IEndpointRouteBuilder app)
    {
        var review = app.MapGroup("/api/nominations/review").WithTags("Nomination review (public)").RequireRateLimiting(RateLimitPolicies.PublicPerClient);
        review.MapGet("/", GetAsync).WithName("GetNominationReview").WithSummary("Get a review page")
            .WithDescription("The review page's data for the token in X-Nomination-Token.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        review.MapPost("/", AnswerAsync).WithName("AnswerNominationReview")
            .WithSummary("Answer a review request")
            .WithDescription("Submits scores, declines or declares a conflict; 409 nom_review_closed once answered or replaced.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        review.MapGet("/attachments/{attachmentId}", DownloadAsync).WithName("DownloadNominationAttachmentForReview")
            .WithSummary("Download a nomination's attachment for review")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    public static async Task<Results<Ok<ReviewPage>, ProblemHttpResult>> GetAsync(ReviewLinks links, NominationStore store, PeopleStore people, HttpContext context, CancellationToken cancellationToken)
    {
        var (found, failure) = await ResolveAsync(links, store, Token(context), cancellationToken);
        if (found is null)
        {
            return TokenProblem(context, failure);
        }

        var (call, nomination, assignment) = found.Value;
        var reviewer = await people.GetAsync(assignment.ReviewerId, cancellationToken);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(Page(call, nomination, assignment, reviewer?.PreferredLanguage ?? "en"));
    }

    public static async Task<Results<Ok<ReviewPage>, ValidationProblem, ProblemHttpResult>> AnswerAsync(
        ReviewRequest? request, ReviewLinks links, NominationStore store, PeopleStore people, DurableTaskClient durable, IAuditLog audit, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        var token = Token(context);
        var (found, failure) = await ResolveAsync(links, store, token, cancellationToken);
        if (found is null)
        {
            return TokenProblem(context, failure);
        }

        var (call, nomination, assignment) = found.Value;
        var errors = NominationValidation.ValidateReview(request, call);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = time.GetUtcNow();
        if (assignment.Status != AssignmentStatus.Assigned)
        {
            return CodedProblem.Create(context, StatusCodes.Status409Conflict, "nom_review_closed");
        }

        if (call.ReviewDeadline <= now)
        {
            return CodedProblem.Create(context, StatusCodes.Status400BadRequest, "nom_review_deadline_passed");
        }

        var redemption = await links.RedeemAsync(token, cancellationToken);
        if (!redemption.Succeeded)
        {
            return redemption.Failure == TokenFailure.Used
                ? CodedProblem.Create(context, StatusCodes.Status409Conflict, "nom_review_closed")
                : TokenProblem(context, redemption.Code);
        }

        var before = new { assignment.Status };
        assignment.Status = request!.Action switch
        {
            "decline" => AssignmentStatus.Declined,
            "conflict" => AssignmentStatus.Conflict,
            _ => AssignmentStatus.Submitted,
        };
        if (assignment.Status == AssignmentStatus.Submitted)
        {
            assignment.Scores = call.PassFail
                ? TableJson.Write(new Dictionary<string, int> { [ReviewScoring.VerdictKey] = request.Verdict == "approve" ? 1 : 0 })
                : TableJson.Write(request.Scores!);
            assignment.Comment = string.IsNullOrWhiteSpace(request.Comment) ? null : request.Comment.Trim();
        }
        else if (assignment.Status == AssignmentStatus.Conflict)
        {
            assignment.ConflictReason = request.ConflictReason!.Trim();
        }

        assignment.AnsweredAt = now;
        try
        {
            // Conditional on the row read above: a replacement that raced this answer wins, and the answer is refused.
            await store.UpdateAsync(assignment, cancellationToken);
        }
        catch (WriteConflictException)
        {
            return CodedProblem.Create(context, StatusCodes.Status409Conflict, "nom_review_closed");
        }

        await audit.RecordAsync(
            new AuditRecord("nomination-assignment", $"{call.Id}/{nomination.Id}/{assignment.ReviewerId}", assignment.Status, before, new { assignment.Status, scores = assignment.ScoreMap, assignment.Comment, assignment.ConflictReason }) { Actor = "person:" + assignment.ReviewerId },
            cancellationToken);
        // Assignments written without a running review (demo data) wake nothing: the provider drops the event.
        await durable.RaiseEventAsync(NominationReviewOrchestrator.InstanceIdFor(call.Id, nomination.Id), NominationReviewOrchestrator.AnsweredEvent, assignment.Status, cancellationToken);

        var reviewer = await people.GetAsync(assignment.ReviewerId, cancellationToken);
        return TypedResults.Ok(Page(call, nomination, assignment, reviewer?.PreferredLanguage ?? "en"));
    }

    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult, NotFound>> DownloadAsync(string attachmentId, ReviewLinks links, NominationStore store, HttpContext context, CancellationToken cancellationToken)
    {
        var (found, failure) = await ResolveAsync(links, store, Token(context), cancellationToken);
        if (found is null)
        {
            return TokenProblem(context, failure);
        }

        if (found.Value.Nomination.AttachmentList.FirstOrDefault(a => a.Id == attachmentId) is not { } info)
        {
            return TypedResults.NotFound();
        }

        return await NominationsApi.AttachmentFileAsync(store, info, context, cancellationToken);
    }

    private static ReviewPage Page(CallEntity call, NominationEntity n, AssignmentEntity a, string language) => new(
        call.Id, call.TitleMap, n.Title, n.Goals, n.ExpectedImpact, n.Feasibility, n.Team, n.AttachmentList.Public(), call.CriterionList, call.ScaleMax, call.PassFail,
        call.ReviewDeadline, a.Status, a.ScoreMap, a.Comment, language);

    private static async Task<((CallEntity Call, NominationEntity Nomination, AssignmentEntity Assignment)? Found, string? Failure)> ResolveAsync(
        ReviewLinks links, NominationStore store, string? token, CancellationToken cancellationToken)
    {
        var (subject, failure) = await links.FindAsync(token, cancellationToken);
        if (subject is not var (callId, nominationId, reviewerId))
        {
            return (null, failure);
        }

        var call = await store.GetCallAsync(callId, cancellationToken);
        var nomination = await store.GetNominationAsync(callId, nominationId, cancellationToken);
        var assignment = await store.GetAssignmentAsync(callId, nominationId, reviewerId, cancellationToken);
        return call is null || nomination is null || assignment is null ? (null, "token_invalid") : ((call, nomination, assignment), null);
    }

    private static string? Token(HttpContext context) => context.Request.Headers[ReviewLinks.TokenHeader].FirstOrDefault();

    private static ProblemHttpResult TokenProblem(HttpContext context, string? failure) => failure == "token_expired"
        ? CodedProblem.Create(context, StatusCodes.Status400BadRequest, "token_expired")
        : CodedProblem.Create(context, StatusCodes.Status404NotFound, "token_invalid");
}

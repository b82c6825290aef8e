using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Nominations;

// The review's activities: the only places with I/O. Each may run more than once, so each is
// idempotent: assignments are added once (fixed row keys), state changes are ETag-conditional,
// and every email carries a key naming its business event, which the outbox delivers once.

/// <summary>
/// Fills the nomination's open review slots with the least-loaded eligible panel members and
/// emails everyone asked but not yet emailed; reports where the review stands.
/// </summary>
public sealed class AssignNominationReviewers(
    NominationStore store,
    PeopleStore people,
    ReviewMailer mailer,
    IAuditLog audit,
    IOptions<NominationOptions> options,
    TimeProvider time) : TaskActivity<ReviewKey, ReviewState>
{
    public static string MessageKey(string callId, string nominationId, string reviewerId) => $"nomination-review/{callId}/{nominationId}/{reviewerId}";

    public override async Task<ReviewState> RunAsync(TaskActivityContext context, ReviewKey input)
    {
        var ct = CancellationToken.None;
        var call = await store.GetCallAsync(input.CallId, ct);
        var nomination = await store.GetNominationAsync(input.CallId, input.NominationId, ct);
        if (call is null || nomination is null)
        {
            return new ReviewState(0, 0, [], true);
        }

        if (nomination.Status == NominationStatus.Submitted)
        {
            nomination.Status = NominationStatus.InReview;
            nomination.UpdatedAt = time.GetUtcNow();
            await TableStore.RetryOnConflictAsync(
                async () =>
                {
                    try
                    {
                        await store.UpdateAsync(nomination, ct);
                    }
                    catch (WriteConflictException)
                    {
                        nomination = await store.GetNominationAsync(input.CallId, input.NominationId, ct) ?? nomination;
                        if (nomination.Status != NominationStatus.Submitted)
                        {
                            return true;
                        }

                        nomination.Status = NominationStatus.InReview;
                        throw;
                    }

                    return true;
                },
                ct);
        }

        var mine = await store.ListAssignmentsAsync(input.CallId, input.NominationId, ct);
        var active = mine.Count(a => AssignmentStatus.IsActive(a.Status));
        var needed = call.ReviewsPerNomination - active;
        var exhausted = false;
        if (needed > 0)
        {
            var load = (await store.ListAssignmentsAsync(input.CallId, null, ct))
                .Where(a => AssignmentStatus.IsActive(a.Status))
                .GroupBy(a => a.ReviewerId)
                .ToDictionary(g => g.Key, g => g.Count());
            var conflicts = call.ConflictMap;
            var panel = new List<ReviewerAssigner.Reviewer>();
            foreach (var id in call.ReviewerList)
            {
                if (await people.GetAsync(id, ct) is { } person)
                {
                    panel.Add(new ReviewerAssigner.Reviewer(id, person.OrganisationId, conflicts.GetValueOrDefault(id) ?? []));
                }
            }

            var excluded = mine.Select(a => a.ReviewerId).ToHashSet(StringComparer.Ordinal);
            var chosen = ReviewerAssigner.Assign([new ReviewerAssigner.Need(nomination.Id, nomination.OrganisationId, needed, excluded)], panel, load)[nomination.Id];
            exhausted = chosen.Count < needed;
            var now = time.GetUtcNow();
            foreach (var reviewerId in chosen)
            {
                var respondBy = now + options.Value.ReviewerResponseWindow;
                var assignment = new AssignmentEntity
                {
                    PartitionKey = NominationStore.CallPartition(call.Id),
                    RowKey = AssignmentEntity.RowFor(nomination.Id, reviewerId),
                    CallId = call.Id,
                    NominationId = nomination.Id,
                    ReviewerId = reviewerId,
                    AssignedAt = now,
                    RespondBy = respondBy < call.ReviewDeadline ? respondBy : call.ReviewDeadline,
                };
                if (await store.TryAddAsync(assignment, ct))
                {
                    await audit.RecordAsync(new AuditRecord("nomination-assignment", $"{call.Id}/{nomination.Id}/{reviewerId}", "assigned", After: new { assignment.ReviewerId, assignment.RespondBy }) { Actor = "system" }, ct);
                }
            }

            mine = await store.ListAssignmentsAsync(input.CallId, input.NominationId, ct);
        }

        foreach (var assignment in mine.Where(a => a.Status == AssignmentStatus.Assigned && a.EmailedAt is null))
        {
            await mailer.SendRequestAsync(call, nomination, assignment, reminder: false, ct);
        }

        var submitted = mine.Count(a => a.Status == AssignmentStatus.Submitted);
        var pending = mine.Where(a => a.Status == AssignmentStatus.Assigned).Select(a => a.RespondBy.UtcDateTime).Order().ToList();
        var complete = submitted >= call.ReviewsPerNomination || (pending.Count == 0 && exhausted);
        return new ReviewState(submitted, call.ReviewsPerNomination, pending, complete);
    }
}

/// <summary>Emails a reviewer a fresh personal review link (reminders too: their outbox key differs) and records it on the assignment.</summary>
public sealed class ReviewMailer(
    NominationStore store,
    PeopleStore people,
    ReviewLinks links,
    NominationEmails emails,
    IEmailSender email,
    IOptions<NominationOptions> options,
    TimeProvider time)
{
    public async Task SendRequestAsync(CallEntity call, NominationEntity nomination, AssignmentEntity assignment, bool reminder, CancellationToken ct)
    {
        var person = await people.GetAsync(assignment.ReviewerId, ct);
        if (person is null)
        {
            return;
        }

        var lifetime = call.ReviewDeadline + options.Value.LinkGraceAfterDeadline - time.GetUtcNow();
        var token = await links.IssueAsync(call.Id, nomination.Id, assignment.ReviewerId, lifetime > TimeSpan.FromMinutes(5) ? lifetime : TimeSpan.FromMinutes(5), ct);
        IReadOnlyList<(string, Uri)> actions = call.PassFail
            ? [("email.nomination.review.approve", links.Link(token, "approve")), ("email.nomination.review.reject", links.Link(token, "reject"))]
            : [("email.nomination.review.action", links.Link(token))];
        var key = AssignNominationReviewers.MessageKey(call.Id, nomination.Id, assignment.ReviewerId) + (reminder ? "/reminder" : "");
        await email.SendAsync(emails.ReviewRequest(key, new NominationEmails.Recipient(person.Email, person.Name, person.PreferredLanguage), call, nomination, call.ReviewDeadline, actions, reminder), ct);

        var now = time.GetUtcNow();
        await TableStore.RetryOnConflictAsync(
            async () =>
            {
                var row = await store.GetAssignmentAsync(call.Id, nomination.Id, assignment.ReviewerId, ct);
                if (row is null)
                {
                    return false;
                }

                if (reminder)
                {
                    row.RemindedAt ??= now;
                }
                else
                {
                    row.EmailedAt ??= now;
                }

                await store.UpdateAsync(row, ct);
                return true;
            },
            ct);
    }
}

/// <summary>Reminds the reviewers who have not answered yet, once each.</summary>
public sealed class SendNominationReviewReminders(NominationStore store, ReviewMailer sender) : TaskActivity<ReviewKey, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, ReviewKey input)
    {
        var call = await store.GetCallAsync(input.CallId, CancellationToken.None);
        var nomination = await store.GetNominationAsync(input.CallId, input.NominationId, CancellationToken.None);
        if (call is null || nomination is null)
        {
            return 0;
        }

        var silent = (await store.ListAssignmentsAsync(input.CallId, input.NominationId, CancellationToken.None)).Where(a => a.Status == AssignmentStatus.Assigned && a.RemindedAt is null).ToList();
        foreach (var assignment in silent)
        {
            await sender.SendRequestAsync(call, nomination, assignment, reminder: true, CancellationToken.None);
        }

        return silent.Count;
    }
}

/// <summary>Marks the reviewers still silent at the end of their response window as replaced (an answer that raced it wins).</summary>
public sealed class ReplaceSilentReviewers(NominationStore store, IAuditLog audit) : TaskActivity<ReplaceSilentReviewers.Input, int>
{
    public sealed record Input(string CallId, string NominationId, DateTime AtUtc);

    public override async Task<int> RunAsync(TaskActivityContext context, Input input)
    {
        var replaced = 0;
        foreach (var assignment in await store.ListAssignmentsAsync(input.CallId, input.NominationId, CancellationToken.None))
        {
            if (assignment.Status != AssignmentStatus.Assigned || assignment.RespondBy.UtcDateTime > input.AtUtc)
            {
                continue;
            }

            assignment.Status = AssignmentStatus.Replaced;
            try
            {
                await store.UpdateAsync(assignment, CancellationToken.None);
            }
            catch (WriteConflictException)
            {
                continue;
            }

            replaced++;
            await audit.RecordAsync(new AuditRecord("nomination-assignment", $"{input.CallId}/{input.NominationId}/{assignment.ReviewerId}", "replaced-silent") { Actor = "system" }, CancellationToken.None);
        }

        return replaced;
    }
}

/// <summary>Ends the review: unanswered requests expire, the weighted score and the disagreement flag are stored.</summary>
public sealed class CompleteNominationReview(NominationStore store, IAuditLog audit, IOptions<NominationOptions> options, TimeProvider time) : TaskActivity<ReviewKey, ReviewOutcome>
{
    public override async Task<ReviewOutcome> RunAsync(TaskActivityContext context, ReviewKey input)
    {
        var ct = CancellationToken.None;
        var call = await store.GetCallAsync(input.CallId, ct);
        if (call is null)
        {
            return new ReviewOutcome(null, 0, false);
        }

        var assignments = await store.ListAssignmentsAsync(input.CallId, input.NominationId, ct);
        foreach (var open in assignments.Where(a => a.Status == AssignmentStatus.Assigned))
        {
            open.Status = AssignmentStatus.Expired;
            try
            {
                await store.UpdateAsync(open, ct);
            }
            catch (WriteConflictException)
            {
                // Answered at the last moment: the re-read below counts it.
            }
        }

        assignments = await store.ListAssignmentsAsync(input.CallId, input.NominationId, ct);
        var reviews = assignments.Where(a => a.Status == AssignmentStatus.Submitted).Select(a => (IReadOnlyDictionary<string, int>)a.ScoreMap).ToList();
        var result = ReviewScoring.Compute(reviews, call.CriterionList, call.ScaleMax, call.PassFail, options.Value.DisagreementShare);
        await TableStore.RetryOnConflictAsync(
            async () =>
            {
                var nomination = await store.GetNominationAsync(input.CallId, input.NominationId, ct);
                if (nomination is null)
                {
                    return false;
                }

                nomination.Score = result.Score;
                nomination.ReviewCount = result.Reviews;
                nomination.Disagreement = result.Disagreement;
                nomination.ReviewedAt = time.GetUtcNow();
                if (nomination.Status is NominationStatus.Submitted or NominationStatus.InReview)
                {
                    nomination.Status = NominationStatus.Reviewed;
                }

                await store.UpdateAsync(nomination, ct);
                return true;
            },
            ct);
        await audit.RecordAsync(new AuditRecord("nomination", $"{input.CallId}/{input.NominationId}", "reviewed", After: result) { Actor = "system" }, ct);
        return new ReviewOutcome(result.Score, result.Reviews, result.Disagreement);
    }
}

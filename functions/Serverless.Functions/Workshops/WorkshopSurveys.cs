using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Workshops;

/// <summary>Whom a survey link was sent to, for which session, and whether they have answered.</summary>
public sealed record SurveyContext(SeriesEntity Series, SessionEntity Session, PersonEntity Person, bool Submitted);

/// <summary>The feedback survey behind an emailed link: one answer per person and session, kept with an audit entry.</summary>
public sealed class WorkshopSurveys(InvitationLinks links, WorkshopStore store, PeopleStore people, IAuditLog audit, TimeProvider time)
{
    /// <summary>Resolves a survey link; the failure is a problem code (token_invalid, token_expired).</summary>
    public async Task<(SurveyContext? Survey, string? Failure)> ResolveAsync(string? token, CancellationToken cancellationToken)
    {
        var (subject, failure) = await links.FindSurveyAsync(token, cancellationToken);
        if (subject?.Split('|') is not [var seriesId, var sessionId, var personId])
        {
            return (null, failure ?? "token_invalid");
        }

        var series = await store.GetSeriesAsync(seriesId, cancellationToken);
        var session = await store.GetSessionAsync(seriesId, sessionId, cancellationToken);
        var person = await people.GetAsync(personId, cancellationToken);
        if (series is null || session is null || person is null)
        {
            return (null, "token_invalid");
        }

        var submitted = await store.GetAsync<FeedbackEntity>(WorkshopStore.SeriesPartition(seriesId), FeedbackEntity.Prefix + sessionId + "|" + personId, cancellationToken) is not null;
        return (new SurveyContext(series, session, person, submitted), null);
    }

    /// <summary>Keeps a validated answer; false when the person had answered already (nothing is written).</summary>
    public async Task<bool> SubmitAsync(SurveyContext survey, SurveyRequest request, CancellationToken cancellationToken)
    {
        var (series, session, person, _) = survey;
        var feedback = new FeedbackEntity
        {
            PartitionKey = WorkshopStore.SeriesPartition(series.Id),
            RowKey = FeedbackEntity.Prefix + session.Id + "|" + person.Id,
            SessionId = session.Id,
            PersonId = person.Id,
            Ratings = TableJson.Write(request.Ratings!.Where(kv => WorkshopValidation.SurveyQuestions.Contains(kv.Key)).ToDictionary()),
            Comment = string.IsNullOrWhiteSpace(request.Comment) ? null : request.Comment.Trim(),
            SubmittedAt = time.GetUtcNow(),
        };
        if (!await store.TryAddAsync(feedback, cancellationToken))
        {
            return false;
        }

        await audit.RecordAsync(new AuditRecord("workshop-feedback", series.Id + "/" + session.Id + "/" + person.Id, "submitted", After: new { ratings = feedback.RatingMap, feedback.Comment }) { Actor = "person:" + person.Id }, cancellationToken);
        return true;
    }
}

using System.Globalization;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Durable;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Files;
using Serverless.Functions.Platform.Http;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Platform.Validation;

namespace Serverless.Functions.Workshops;

/// <summary>
/// Workshop series and sessions for coordinators and admins: CRUD with validation (400 naming
/// the fields, nothing written), registrations with CSV export, attendance, the feedback survey
/// and its results. Updates are conditional on the ETag (If-Match, else the one just read).
/// </summary>
public static class WorkshopsApi
{
    public const string SeriesRecord = "workshop-series";
    public const string SessionRecord = "workshop-session";

    public static IEndpointRouteBuilder MapWorkshopsAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/workshops").WithTags("Workshops").RequireAuthorization(Policies.Coordinator);

        api.MapGet("/series", ListSeriesAsync).WithName("ListWorkshopSeries")
            .WithSummary("List workshop series");
        api.MapPost("/series", CreateSeriesAsync).WithName("CreateWorkshopSeries")
            .WithSummary("Create a workshop series");
        api.MapGet("/series/{seriesId}", GetSeriesAsync).WithName("GetWorkshopSeries")
            .WithSummary("Get a workshop series");
        api.MapPut("/series/{seriesId}", UpdateSeriesAsync).WithName("UpdateWorkshopSeries")
            .WithSummary("Update a workshop series")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        api.MapDelete("/series/{seriesId}", DeleteSeriesAsync).WithName("DeleteWorkshopSeries")
            .WithSummary("Delete a workshop series")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        api.MapPost("/series/{seriesId}/sessions", CreateSessionAsync).WithName("CreateWorkshopSession")
            .WithSummary("Add a session to a workshop series");
        api.MapPut("/series/{seriesId}/sessions/{sessionId}", UpdateSessionAsync).WithName("UpdateWorkshopSession")
            .WithSummary("Update a workshop session")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        api.MapDelete("/series/{seriesId}/sessions/{sessionId}", DeleteSessionAsync).WithName("DeleteWorkshopSession")
            .WithSummary("Delete a workshop session")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        api.MapGet("/series/{seriesId}/registrations", ListRegistrationsAsync).WithName("ListWorkshopRegistrations")
            .WithSummary("List a workshop series' registrations");
        api.MapGet("/series/{seriesId}/registrations.csv", ExportRegistrationsAsync).WithName("ExportWorkshopRegistrations")
            .WithSummary("Export a workshop series' registrations as CSV")
            .WithDescription("Registrations as CSV (UTF-8 with BOM); answers are plain text, formulas defused.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv");
        api.MapPut("/series/{seriesId}/registrations/{personId}/attendance", MarkAttendanceAsync).WithName("MarkWorkshopAttendance")
            .WithSummary("Mark whether a person attended")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        api.MapPost("/series/{seriesId}/sessions/{sessionId}/survey", SendSurveyAsync).WithName("SendWorkshopSurvey")
            .WithSummary("Send the feedback survey to a session's attendees")
            .WithDescription("Emails the feedback survey to everyone marked as attended (once per person).");
        api.MapGet("/series/{seriesId}/feedback", GetFeedbackAsync).WithName("GetWorkshopFeedback")
            .WithSummary("Get a workshop series' feedback results");

        return app;
    }

    public static async Task<Ok<List<Series>>> ListSeriesAsync(WorkshopStore store, CancellationToken cancellationToken)
    {
        var all = await store.ListSeriesAsync(cancellationToken);
        var result = new List<Series>();
        foreach (var series in all.OrderByDescending(s => s.CreatedAt))
        {
            result.Add(await ToContractAsync(store, series, cancellationToken));
        }

        return TypedResults.Ok(result);
    }

    public static async Task<Results<Ok<Series>, NotFound>> GetSeriesAsync(string seriesId, WorkshopStore store, HttpContext context, CancellationToken cancellationToken)
    {
        var series = await store.GetSeriesAsync(seriesId, cancellationToken);
        if (series is null)
        {
            return TypedResults.NotFound();
        }

        context.Response.Headers.ETag = series.ETag.ToString();
        return TypedResults.Ok(await ToContractAsync(store, series, cancellationToken));
    }

    public static async Task<Results<Created<Series>, ValidationProblem>> CreateSeriesAsync(
        SeriesRequest request, WorkshopStore store, IAuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = WorkshopValidation.ValidateSeries(request, creating: true);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = time.GetUtcNow();
        var series = new SeriesEntity { RowKey = request.Id ?? RecordWrites.NewId(), CreatedAt = now };
        Apply(request, series, now);
        if (!await store.TryAddAsync(series, cancellationToken))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [$"A series with the id '{series.Id}' exists."] });
        }

        await audit.RecordAsync(new AuditRecord(SeriesRecord, series.Id, "created", After: SeriesAudit(series)), cancellationToken);
        return TypedResults.Created($"/api/workshops/series/{series.Id}", series.ToContract([]));
    }

    public static async Task<Results<Ok<Series>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateSeriesAsync(
        string seriesId, SeriesRequest request, WorkshopStore store, InvitationResolver resolver, IAuditLog audit, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        var series = await store.GetSeriesAsync(seriesId, cancellationToken);
        if (series is null)
        {
            return TypedResults.NotFound();
        }

        var errors = WorkshopValidation.ValidateSeries(request, creating: false);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var before = SeriesAudit(series);
        Apply(request, series, time.GetUtcNow());
        series.ETag = context.IfMatchOr(series.ETag);
        try
        {
            await store.UpdateAsync(series, cancellationToken);
        }
        catch (WriteConflictException)
        {
            return RecordWrites.Changed(context);
        }

        resolver.Invalidate(seriesId);
        await audit.RecordAsync(new AuditRecord(SeriesRecord, seriesId, "updated", before, SeriesAudit(series)), cancellationToken);
        return TypedResults.Ok(await ToContractAsync(store, series, cancellationToken));
    }

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteSeriesAsync(
        string seriesId, WorkshopStore store, InvitationResolver resolver, IAuditLog audit, HttpContext context, CancellationToken cancellationToken)
    {
        var series = await store.GetSeriesAsync(seriesId, cancellationToken);
        if (series is null)
        {
            return TypedResults.NotFound();
        }

        if ((await store.ListRegistrationsAsync(seriesId, cancellationToken)).Count > 0)
        {
            return CodedProblem.Create(context, StatusCodes.Status409Conflict, "series_has_registrations");
        }

        foreach (var session in await store.ListSessionsAsync(seriesId, cancellationToken))
        {
            await store.SubmitAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Delete, session, session.ETag),
                    new TableTransactionAction(TableTransactionActionType.Delete, new SeatCounterEntity { PartitionKey = session.PartitionKey, RowKey = SeatCounterEntity.Prefix + session.Id }, Azure.ETag.All),
                ],
                cancellationToken);
        }

        series.ETag = context.IfMatchOr(series.ETag);
        try
        {
            await store.DeleteAsync(series, cancellationToken);
        }
        catch (WriteConflictException)
        {
            return RecordWrites.Changed(context);
        }

        resolver.Invalidate(seriesId);
        await audit.RecordAsync(new AuditRecord(SeriesRecord, seriesId, "deleted", SeriesAudit(series)), cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Created<Session>, NotFound, ValidationProblem>> CreateSessionAsync(
        string seriesId, SessionRequest request, [AsParameters] SessionServices services, CancellationToken cancellationToken)
    {
        if (await services.Store.GetSeriesAsync(seriesId, cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }

        var errors = WorkshopValidation.ValidateSession(request, creating: true, out var startUtc, out var endUtc);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = services.Time.GetUtcNow();
        var session = new SessionEntity
        {
            PartitionKey = WorkshopStore.SeriesPartition(seriesId),
            RowKey = SessionEntity.Prefix + (request.Id ?? RecordWrites.NewId()),
            SeriesId = seriesId,
            CreatedAt = now,
        };
        Apply(request, session, startUtc, endUtc, now);
        var counter = new SeatCounterEntity { PartitionKey = session.PartitionKey, RowKey = SeatCounterEntity.Prefix + session.Id, Capacity = session.Capacity };
        try
        {
            await services.Store.SubmitAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Add, session),
                    new TableTransactionAction(TableTransactionActionType.Add, counter),
                ],
                cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == StatusCodes.Status409Conflict)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [$"A session with the id '{session.Id}' exists in this series."] });
        }

        await ScheduleReminderAsync(services.Store, services.Durable, services.Options.Value, session, cancellationToken);
        services.Resolver.Invalidate(seriesId);
        await services.Audit.RecordAsync(new AuditRecord(SessionRecord, seriesId + "/" + session.Id, "created", After: SessionAudit(session)), cancellationToken);
        return TypedResults.Created($"/api/workshops/series/{seriesId}/sessions/{session.Id}", session.ToContract(WorkshopMapping.SeatsOf(counter, [], session.Id)));
    }

    public static async Task<Results<Ok<Session>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateSessionAsync(
        string seriesId, string sessionId, SessionRequest request, [AsParameters] SessionServices services, HttpContext context, CancellationToken cancellationToken)
    {
        var session = await services.Store.GetSessionAsync(seriesId, sessionId, cancellationToken);
        if (session is null)
        {
            return TypedResults.NotFound();
        }

        var errors = WorkshopValidation.ValidateSession(request, creating: false, out var startUtc, out var endUtc);
        var counter = await services.Store.GetAsync<SeatCounterEntity>(session.PartitionKey, SeatCounterEntity.Prefix + sessionId, cancellationToken);
        if (counter is not null && request.Capacity is { } capacity && capacity < counter.Taken)
        {
            errors["capacity"] = [$"{counter.Taken} seats are taken; the capacity cannot be lower."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var before = SessionAudit(session);
        var moved = session.StartUtc != startUtc;
        Apply(request, session, startUtc, endUtc, services.Time.GetUtcNow());
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, session, context.IfMatchOr(session.ETag)) };
        var grew = false;
        if (counter is not null && counter.Capacity != session.Capacity)
        {
            grew = session.Capacity > counter.Capacity;
            counter.Capacity = session.Capacity;
            actions.Add(new(TableTransactionActionType.UpdateReplace, counter, counter.ETag));
        }

        try
        {
            await services.Store.SubmitAsync(actions, cancellationToken);
        }
        catch (WriteConflictException)
        {
            return RecordWrites.Changed(context);
        }

        services.Resolver.Invalidate(seriesId);
        if (moved)
        {
            await ScheduleReminderAsync(services.Store, services.Durable, services.Options.Value, session, cancellationToken);
        }

        if (grew)
        {
            await services.Waitlist.PromoteAsync(seriesId, sessionId, cancellationToken);
        }

        await services.Audit.RecordAsync(new AuditRecord(SessionRecord, seriesId + "/" + sessionId, "updated", before, SessionAudit(session)), cancellationToken);
        var regs = await services.Store.ListRegistrationsAsync(seriesId, cancellationToken);
        var fresh = await services.Store.GetAsync<SeatCounterEntity>(session.PartitionKey, SeatCounterEntity.Prefix + sessionId, cancellationToken);
        return TypedResults.Ok(session.ToContract(WorkshopMapping.SeatsOf(fresh, regs, sessionId)));
    }

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteSessionAsync(
        string seriesId, string sessionId, WorkshopStore store, InvitationResolver resolver, IAuditLog audit, HttpContext context, CancellationToken cancellationToken)
    {
        var session = await store.GetSessionAsync(seriesId, sessionId, cancellationToken);
        if (session is null)
        {
            return TypedResults.NotFound();
        }

        if ((await store.ListRegistrationsAsync(seriesId, cancellationToken)).Any(r => r.SessionId == sessionId))
        {
            return CodedProblem.Create(context, StatusCodes.Status409Conflict, "session_has_registrations");
        }

        var counter = await store.GetAsync<SeatCounterEntity>(session.PartitionKey, SeatCounterEntity.Prefix + sessionId, cancellationToken);
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Delete, session, context.IfMatchOr(session.ETag)) };
        if (counter is not null)
        {
            // Conditional on the counter too: a registration committed meanwhile stops the delete.
            actions.Add(new(TableTransactionActionType.Delete, counter, counter.ETag));
        }

        try
        {
            await store.SubmitAsync(actions, cancellationToken);
        }
        catch (WriteConflictException)
        {
            return RecordWrites.Changed(context);
        }

        resolver.Invalidate(seriesId);
        await audit.RecordAsync(new AuditRecord(SessionRecord, seriesId + "/" + sessionId, "deleted", SessionAudit(session)), cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<List<Registration>>, NotFound>> ListRegistrationsAsync(string seriesId, WorkshopStore store, CancellationToken cancellationToken)
    {
        if (await store.GetSeriesAsync(seriesId, cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }

        var rows = await store.ListRegistrationsAsync(seriesId, cancellationToken);
        var positions = WorkshopMapping.WaitlistPositions(rows);
        return TypedResults.Ok(rows.OrderBy(r => r.CreatedAt).ThenBy(r => r.WaitlistNumber)
            .Select(r => r.ToContract(positions.TryGetValue(r.PersonId, out var p) ? p : null)).ToList());
    }

    public static async Task<Results<FileContentHttpResult, NotFound>> ExportRegistrationsAsync(string seriesId, WorkshopStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var series = await store.GetSeriesAsync(seriesId, cancellationToken);
        if (series is null)
        {
            return TypedResults.NotFound();
        }

        var sessions = (await store.ListSessionsAsync(seriesId, cancellationToken)).ToDictionary(s => s.Id);
        var rows = await store.ListRegistrationsAsync(seriesId, cancellationToken);
        var positions = WorkshopMapping.WaitlistPositions(rows);
        var questions = series.QuestionList;
        string[] header = ["name", "email", "organisationId", "sessionId", "sessionStart", "status", "waitlistPosition", "attended", "registeredAt", .. questions.Select(q => "answer:" + q.Id)];
        var lines = rows.OrderBy(r => r.SessionId, StringComparer.Ordinal).ThenBy(r => r.CreatedAt).Select(r => (IReadOnlyList<string>)
        [
            r.Name, r.Email, r.OrganisationId ?? "", r.SessionId, sessions.TryGetValue(r.SessionId, out var s) ? $"{s.StartLocal} {s.TimeZone}" : "", r.Status,
            positions.TryGetValue(r.PersonId, out var p) ? p.ToString(CultureInfo.InvariantCulture) : "",
            r.Attended switch { true => "yes", false => "no", _ => "" },
            r.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
            .. questions.Select(q => r.AnswerMap.GetValueOrDefault(q.Id) ?? ""),
        ]);
        var bytes = Csv.WriteUtf8(header, lines);
        return TypedResults.File(bytes, "text/csv; charset=utf-8", $"registrations-{seriesId}-{time.GetUtcNow():yyyy-MM-dd}.csv");
    }

    public static async Task<Results<Ok<Registration>, NotFound, ValidationProblem, ProblemHttpResult>> MarkAttendanceAsync(
        string seriesId, string personId, AttendanceRequest request, WorkshopStore store, IAuditLog audit, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        if (request.Attended is not { } attended)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["attended"] = ["Say whether the person attended (true or false)."] });
        }

        var row = await store.GetRegistrationAsync(seriesId, personId, cancellationToken);
        if (row is null)
        {
            return TypedResults.NotFound();
        }

        if (row.Status != RegistrationStatus.Confirmed)
        {
            return CodedProblem.Create(context, StatusCodes.Status409Conflict, "not_registered", "Only people with a confirmed seat can be marked as attended.");
        }

        var before = row.ToAudit();
        row.Attended = attended;
        row.UpdatedAt = time.GetUtcNow();
        row.ETag = context.IfMatchOr(row.ETag);
        try
        {
            await store.UpdateAsync(row, cancellationToken);
        }
        catch (WriteConflictException)
        {
            return RecordWrites.Changed(context);
        }

        await audit.RecordAsync(new AuditRecord(WorkshopMapping.RegistrationRecordType, seriesId + "/" + personId, "attendance-marked", before, row.ToAudit()), cancellationToken);
        var positions = WorkshopMapping.WaitlistPositions([row]);
        return TypedResults.Ok(row.ToContract(positions.TryGetValue(row.PersonId, out var p) ? p : null));
    }

    public sealed record SurveySent(int Sent, int AlreadySent);

    public static async Task<Results<Ok<SurveySent>, NotFound>> SendSurveyAsync(
        string seriesId, string sessionId, WorkshopStore store, InvitationLinks links, WorkshopEmails emails, IEmailSender email, IOptions<WorkshopOptions> options, CancellationToken cancellationToken)
    {
        var session = await store.GetSessionAsync(seriesId, sessionId, cancellationToken);
        if (session is null)
        {
            return TypedResults.NotFound();
        }

        var attendees = (await store.ListRegistrationsAsync(seriesId, cancellationToken))
            .Where(r => r.SessionId == sessionId && r.Status == RegistrationStatus.Confirmed && r.Attended == true)
            .ToList();
        int sent = 0, before = 0;
        foreach (var row in attendees)
        {
            var token = await links.IssueSurveyAsync(seriesId, sessionId, row.PersonId, options.Value.SurveyLinkLifetime, cancellationToken);
            var result = await email.SendAsync(emails.Survey($"workshop-survey/{seriesId}/{sessionId}/{row.PersonId}", RegistrationEmails.Recipient(row), session, links.SurveyLink(token)), cancellationToken);
            if (result == EmailOutboxResult.Queued)
            {
                sent++;
            }
            else
            {
                before++;
            }
        }

        return TypedResults.Ok(new SurveySent(sent, before));
    }

    public static async Task<Results<Ok<FeedbackResults>, NotFound>> GetFeedbackAsync(string seriesId, WorkshopStore store, CancellationToken cancellationToken)
    {
        if (await store.GetSeriesAsync(seriesId, cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }

        var sessions = await store.ListSessionsAsync(seriesId, cancellationToken);
        var feedback = await store.ListFeedbackAsync(seriesId, cancellationToken);
        var perSession = sessions.OrderBy(s => s.StartUtc).Select(s => Summarise(s.Id, feedback.Where(f => f.SessionId == s.Id).ToList())).ToList();
        return TypedResults.Ok(new FeedbackResults(seriesId, Summarise(null, feedback), perSession));
    }

    internal static FeedbackSummary Summarise(string? sessionId, IReadOnlyList<FeedbackEntity> feedback)
    {
        var ratings = WorkshopValidation.SurveyQuestions.Select(q =>
        {
            var values = feedback.Select(f => f.RatingMap.GetValueOrDefault(q)).Where(v => v is >= 1 and <= 5).ToList();
            var distribution = Enumerable.Range(1, 5).Select(v => values.Count(x => x == v)).ToList();
            return new RatingSummary(q, values.Count, values.Count == 0 ? 0 : Math.Round(values.Average(), 2), distribution);
        }).ToList();
        var comments = feedback.Where(f => !string.IsNullOrWhiteSpace(f.Comment)).OrderBy(f => f.SubmittedAt).Select(f => f.Comment!).ToList();
        return new FeedbackSummary(sessionId, feedback.Count, ratings, comments);
    }

    internal static async Task ScheduleReminderAsync(WorkshopStore store, DurableTaskClient durable, WorkshopOptions options, SessionEntity session, CancellationToken cancellationToken)
    {
        var remindAt = session.StartUtc - options.SessionReminderLead;
        var instanceId = SessionReminderOrchestrator.InstanceIdFor(session.SeriesId, session.Id, session.StartUtc);
        await durable.StartOnceAsync(
            nameof(SessionReminderOrchestrator),
            new SessionReminderOrchestrator.Input(session.SeriesId, session.Id, session.StartUtc.UtcDateTime, remindAt.UtcDateTime),
            instanceId,
            cancellationToken);
        if (session.ReminderInstanceId != instanceId)
        {
            session.ReminderInstanceId = instanceId;
            try
            {
                await store.UpdateAsync(session, cancellationToken);
            }
            catch (WriteConflictException)
            {
                // Only informational; the reminder itself checks the session's start time when it fires.
            }
        }
    }

    private static async Task<Series> ToContractAsync(WorkshopStore store, SeriesEntity series, CancellationToken cancellationToken)
    {
        var sessions = await store.ListSessionsAsync(series.Id, cancellationToken);
        var counters = (await store.ListCountersAsync(series.Id, cancellationToken)).ToDictionary(c => c.SessionId);
        var registrations = await store.ListRegistrationsAsync(series.Id, cancellationToken);
        return series.ToContract(sessions.OrderBy(s => s.StartUtc)
            .Select(s => s.ToContract(WorkshopMapping.SeatsOf(counters.GetValueOrDefault(s.Id), registrations, s.Id)))
            .ToList());
    }

    private static void Apply(SeriesRequest request, SeriesEntity series, DateTimeOffset now)
    {
        series.Titles = TableJson.Write(FieldRules.Clean(request.Titles));
        series.Descriptions = TableJson.Write(FieldRules.Clean(request.Descriptions));
        series.Questions = TableJson.Write((request.Questions ?? []).Select(WorkshopValidation.ToQuestion).ToList());
        series.UpdatedAt = now;
    }

    private static void Apply(SessionRequest request, SessionEntity session, DateTimeOffset startUtc, DateTimeOffset endUtc, DateTimeOffset now)
    {
        session.Titles = TableJson.Write(FieldRules.Clean(request.Titles));
        session.Descriptions = TableJson.Write(FieldRules.Clean(request.Descriptions));
        session.StartLocal = WorkshopValidation.FormatLocal(request.Start!);
        session.EndLocal = WorkshopValidation.FormatLocal(request.End!);
        session.TimeZone = request.TimeZone!.Trim();
        session.StartUtc = startUtc;
        session.EndUtc = endUtc;
        session.OnlineUrl = string.IsNullOrWhiteSpace(request.OnlineUrl) ? null : request.OnlineUrl.Trim();
        session.Venue = string.IsNullOrWhiteSpace(request.Venue) ? null : request.Venue.Trim();
        session.Capacity = request.Capacity!.Value;
        session.WaitlistEnabled = request.Waitlist ?? true;
        session.RegistrationDeadline = request.RegistrationDeadline!.Value.ToUniversalTime();
        session.UpdatedAt = now;
    }

    private static object SeriesAudit(SeriesEntity s) => new { s.Id, titles = s.TitleMap, descriptions = s.DescriptionMap, questions = s.QuestionList };

    private static object SessionAudit(SessionEntity s) => new
    {
        s.SeriesId,
        s.Id,
        titles = s.TitleMap,
        s.StartLocal,
        s.EndLocal,
        s.TimeZone,
        s.OnlineUrl,
        s.Venue,
        s.Capacity,
        s.WaitlistEnabled,
        s.RegistrationDeadline,
    };
}

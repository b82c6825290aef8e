using System.Security.Claims;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Durable;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Http;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Platform.Validation;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Nominations;

/// <summary>
/// Calls for nominations (admins), the nomination form of organisations (draft, submit,
/// attachments), the start of the review, the ranked board and the decisions. Every write is
/// validated first (400 naming the fields, nothing written) and conditional on the ETag.
/// </summary>
public static class NominationsApi
{
    public const string CallRecord = "nomination-call";
    public const string NominationRecord = "nomination";

    public static IEndpointRouteBuilder MapNominationsAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/nominations").WithTags("Nominations").RequireAuthorization(Policies.Member);

        api.MapGet("/calls", ListCallsAsync).WithName("ListNominationCalls")
            .WithSummary("List nomination calls");
        api.MapPost("/calls", CreateCallAsync).WithName("CreateNominationCall").RequireAuthorization(Policies.Admin)
            .WithSummary("Open a nomination call");
        api.MapGet("/calls/{callId}", GetCallAsync).WithName("GetNominationCall")
            .WithSummary("Get a nomination call");
        api.MapPut("/calls/{callId}", UpdateCallAsync).WithName("UpdateNominationCall").RequireAuthorization(Policies.Admin)
            .WithSummary("Update a nomination call")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        api.MapPost("/calls/{callId}/review", StartReviewAsync).WithName("StartNominationReview").RequireAuthorization(Policies.Admin)
            .WithSummary("Close a call and start its review")
            .WithDescription("Closes the call and starts one review orchestration per submitted nomination.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        api.MapGet("/calls/{callId}/board", GetBoardAsync).WithName("GetNominationBoard").RequireAuthorization(Policies.Coordinator)
            .WithSummary("Get a call's review board");
        api.MapPost("/calls/{callId}/nominations/{nominationId}/decision", DecideAsync).WithName("DecideNomination").RequireAuthorization(Policies.Admin)
            .WithSummary("Select or reject a nomination")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        api.MapGet("/mine", ListMineAsync).WithName("ListMyNominations")
            .WithSummary("List my nominations");
        api.MapPost("/calls/{callId}/nominations", CreateNominationAsync).WithName("CreateNomination")
            .WithSummary("Create a nomination")
            .WithDescription("Saves a draft, or submits it with submit=true; 400 call_closed after the call closes.")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        api.MapGet("/calls/{callId}/nominations/{nominationId}", GetNominationAsync).WithName("GetNomination")
            .WithSummary("Get a nomination");
        api.MapPut("/calls/{callId}/nominations/{nominationId}", UpdateNominationAsync).WithName("UpdateNomination")
            .WithSummary("Update a nomination")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        api.MapPost("/calls/{callId}/nominations/{nominationId}/attachments", UploadAsync).WithName("UploadNominationAttachment")
            .WithSummary("Attach a file to a nomination")
            .WithDescription("The body is the file; ?fileName= names it. Type and size are checked before anything is stored.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        api.MapGet("/calls/{callId}/nominations/{nominationId}/attachments/{attachmentId}", DownloadAsync).WithName("DownloadNominationAttachment")
            .WithSummary("Download a nomination's attachment")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream");
        api.MapDelete("/calls/{callId}/nominations/{nominationId}/attachments/{attachmentId}", DeleteAttachmentAsync).WithName("DeleteNominationAttachment")
            .WithSummary("Delete a nomination's attachment")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return app;
    }

    public static async Task<Ok<List<Call>>> ListCallsAsync(NominationStore store, TimeProvider time, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var staff = IsStaff(user);
        var calls = await store.ListCallsAsync(cancellationToken);
        return TypedResults.Ok(calls.Where(c => staff || c.OpensAt <= now).OrderByDescending(c => c.OpensAt).Select(c => c.ToContract(now, staff)).ToList());
    }

    public static async Task<Results<Ok<Call>, NotFound>> GetCallAsync(string callId, NominationStore store, TimeProvider time, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken)
    {
        var call = await store.GetCallAsync(callId, cancellationToken);
        if (call is null || (!IsStaff(user) && call.OpensAt > time.GetUtcNow()))
        {
            return TypedResults.NotFound();
        }

        context.Response.Headers.ETag = call.ETag.ToString();
        return TypedResults.Ok(call.ToContract(time.GetUtcNow(), IsStaff(user)));
    }

    public static async Task<Results<Created<Call>, ValidationProblem>> CreateCallAsync(
        CallRequest request, NominationStore store, PeopleStore people, IAuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = NominationValidation.ValidateCall(request, creating: true);
        await CheckReviewersAsync(errors, request, people, cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = time.GetUtcNow();
        var call = new CallEntity { RowKey = request.Id ?? RecordWrites.NewId(), CreatedAt = now };
        Apply(request, call, now);
        if (!await store.TryAddAsync(call, cancellationToken))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [$"A call with the id '{call.Id}' exists."] });
        }

        await audit.RecordAsync(new AuditRecord(CallRecord, call.Id, "created", After: call.ToAudit()), cancellationToken);
        return TypedResults.Created($"/api/nominations/calls/{call.Id}", call.ToContract(now, true));
    }

    public static async Task<Results<Ok<Call>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateCallAsync(
        string callId, CallRequest request, NominationStore store, PeopleStore people, IAuditLog audit, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        var call = await store.GetCallAsync(callId, cancellationToken);
        if (call is null)
        {
            return TypedResults.NotFound();
        }

        var errors = NominationValidation.ValidateCall(request, creating: false);
        await CheckReviewersAsync(errors, request, people, cancellationToken);
        if (call.ReviewStartedAt is not null)
        {
            errors["reviewers"] = ["The review has started; the call can no longer change."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var before = call.ToAudit();
        var now = time.GetUtcNow();
        Apply(request, call, now);
        call.ETag = context.IfMatchOr(call.ETag);
        try
        {
            await store.UpdateAsync(call, cancellationToken);
        }
        catch (WriteConflictException)
        {
            return RecordWrites.Changed(context);
        }

        await audit.RecordAsync(new AuditRecord(CallRecord, callId, "updated", before, call.ToAudit()), cancellationToken);
        return TypedResults.Ok(call.ToContract(now, true));
    }

    public static async Task<Results<Accepted<Call>, NotFound, ProblemHttpResult>> StartReviewAsync(
        string callId, NominationStore store, DurableTaskClient durable, IAuditLog audit, IOptions<NominationOptions> options, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        var call = await store.GetCallAsync(callId, cancellationToken);
        if (call is null)
        {
            return TypedResults.NotFound();
        }

        var now = time.GetUtcNow();
        if (call.ReviewDeadline <= now)
        {
            return CodedProblem.Create(context, StatusCodes.Status409Conflict, "nom_review_deadline_passed");
        }

        if (call.ReviewStartedAt is null)
        {
            var before = call.ToAudit();
            call.ReviewStartedAt = now;
            if (call.ClosesAt > now)
            {
                call.ClosesAt = now;
            }

            call.UpdatedAt = now;
            try
            {
                await store.UpdateAsync(call, cancellationToken);
            }
            catch (WriteConflictException)
            {
                return RecordWrites.Changed(context);
            }

            await audit.RecordAsync(new AuditRecord(CallRecord, callId, "review-started", before, call.ToAudit()), cancellationToken);
        }

        // Idempotent: instance ids are fixed per nomination, so a second start changes nothing.
        var remindAt = call.ReviewDeadline - options.Value.ReminderBeforeDeadline;
        foreach (var nomination in (await store.ListNominationsAsync(callId, cancellationToken)).Where(n => n.Status != NominationStatus.Draft))
        {
            await durable.StartOnceAsync(
                nameof(NominationReviewOrchestrator),
                new NominationReviewOrchestrator.Input(callId, nomination.Id, call.ReviewDeadline.UtcDateTime, remindAt > now ? remindAt.UtcDateTime : null),
                NominationReviewOrchestrator.InstanceIdFor(callId, nomination.Id),
                cancellationToken);
        }

        return TypedResults.Accepted($"/api/nominations/calls/{callId}/board", call.ToContract(now, true));
    }

    public static async Task<Results<Ok<Board>, NotFound>> GetBoardAsync(
        string callId, NominationStore store, PeopleStore people, OrganisationStore organisations, TimeProvider time, CancellationToken cancellationToken)
    {
        var call = await store.GetCallAsync(callId, cancellationToken);
        if (call is null)
        {
            return TypedResults.NotFound();
        }

        var assignments = (await store.ListAssignmentsAsync(callId, null, cancellationToken)).ToLookup(a => a.NominationId);
        var names = (await people.ListAsync(cancellationToken)).Where(p => call.ReviewerList.Contains(p.Id)).ToDictionary(p => p.Id, p => p.Name);
        var orgs = (await organisations.ListAsync(cancellationToken)).ToDictionary(o => o.Id, o => o.NameIn("en"));
        var ranked = (await store.ListNominationsAsync(callId, cancellationToken))
            .Where(n => n.Status != NominationStatus.Draft)
            .OrderByDescending(n => n.Score ?? -1)
            .ThenBy(n => n.SubmittedAt)
            .Select((n, i) => new BoardEntry(
                i + 1,
                n.Id,
                n.Title,
                n.OrganisationId,
                orgs.GetValueOrDefault(n.OrganisationId) ?? n.OrganisationId,
                n.Status,
                n.Score,
                n.ReviewCount,
                n.Disagreement,
                n.Score is { } s && s >= call.Threshold,
                [.. assignments[n.Id].OrderBy(a => a.AssignedAt).Select(a => new BoardReview(
                    a.ReviewerId,
                    names.GetValueOrDefault(a.ReviewerId) ?? a.ReviewerId,
                    a.Status,
                    a.ScoreMap,
                    a.Status == AssignmentStatus.Submitted ? ReviewScoring.Weighted(a.ScoreMap, call.CriterionList, call.ScaleMax, call.PassFail) : null,
                    a.Comment,
                    a.ConflictReason))],
                n.ETag.ToString()))
            .ToList();
        return TypedResults.Ok(new Board(call.ToContract(time.GetUtcNow(), true), ranked));
    }

    public static async Task<Results<Ok<Nomination>, NotFound, ValidationProblem, ProblemHttpResult>> DecideAsync(
        string callId, string nominationId, DecisionRequest? request, [AsParameters] NominationServices services, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken)
    {
        var call = await services.Store.GetCallAsync(callId, cancellationToken);
        var nomination = await services.Store.GetNominationAsync(callId, nominationId, cancellationToken);
        if (call is null || nomination is null || nomination.Status == NominationStatus.Draft)
        {
            return TypedResults.NotFound();
        }

        if (request?.Decision is not (NominationStatus.Selected or NominationStatus.Rejected))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["decision"] = ["The decision is selected or rejected."] });
        }

        if (NominationStatus.IsDecided(nomination.Status))
        {
            return CodedProblem.Create(context, StatusCodes.Status409Conflict, "nom_decided");
        }

        var before = nomination.ToAudit();
        var now = services.Time.GetUtcNow();
        nomination.Status = request.Decision;
        nomination.DecidedAt = now;
        nomination.DecidedBy = user.PersonId();
        nomination.UpdatedAt = now;
        nomination.ETag = context.IfMatchOr(nomination.ETag);
        try
        {
            await services.Store.UpdateAsync(nomination, cancellationToken);
        }
        catch (WriteConflictException)
        {
            return RecordWrites.Changed(context);
        }

        await services.Audit.RecordAsync(new AuditRecord(NominationRecord, $"{callId}/{nominationId}", "decided", before, nomination.ToAudit()), cancellationToken);
        if (request.Decision == NominationStatus.Selected)
        {
            await services.Projects.StartAsync(nomination, user.PersonId() ?? "", cancellationToken);
        }

        if (await services.People.GetAsync(nomination.SubmitterId, cancellationToken) is { } submitter)
        {
            var comments = call.ShareComments
                ? (await services.Store.ListAssignmentsAsync(callId, nominationId, cancellationToken)).Where(a => a.Status == AssignmentStatus.Submitted && !string.IsNullOrWhiteSpace(a.Comment)).OrderBy(a => a.AnsweredAt).Select(a => a.Comment!).ToList()
                : [];
            await services.Email.SendAsync(
                services.Emails.Decision($"nomination-decision/{callId}/{nominationId}", new NominationEmails.Recipient(submitter.Email, submitter.Name, submitter.PreferredLanguage), call, nomination, request.Decision == NominationStatus.Selected, comments),
                cancellationToken);
        }

        return TypedResults.Ok(nomination.ToContract());
    }

    public static async Task<Ok<List<Nomination>>> ListMineAsync(NominationStore store, PeopleStore people, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var me = await people.GetAsync(user.PersonId() ?? "", cancellationToken);
        if (me?.OrganisationId is not { } organisationId)
        {
            return TypedResults.Ok(new List<Nomination>());
        }

        var result = new List<Nomination>();
        foreach (var call in await store.ListCallsAsync(cancellationToken))
        {
            result.AddRange((await store.ListNominationsAsync(call.Id, cancellationToken)).Where(n => n.OrganisationId == organisationId).Select(n => n.ToContract()));
        }

        return TypedResults.Ok(result.OrderByDescending(n => n.UpdatedAt).ToList());
    }

    public static async Task<Results<Created<Nomination>, NotFound, ValidationProblem, ProblemHttpResult>> CreateNominationAsync(
        string callId, NominationRequest request, [AsParameters] NominationServices services, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken)
    {
        var call = await services.Store.GetCallAsync(callId, cancellationToken);
        var now = services.Time.GetUtcNow();
        if (call is null || call.OpensAt > now)
        {
            return TypedResults.NotFound();
        }

        var me = await services.People.GetAsync(user.PersonId() ?? "", cancellationToken);
        if (me?.OrganisationId is not { Length: > 0 } organisationId)
        {
            return CodedProblem.Create(context, StatusCodes.Status403Forbidden, "nom_no_organisation");
        }

        var submitting = request.Submit == true;
        var errors = NominationValidation.ValidateNomination(request, submitting);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (!call.IsOpen(now))
        {
            return CodedProblem.Create(context, StatusCodes.Status400BadRequest, "nom_call_closed");
        }

        var nomination = new NominationEntity
        {
            PartitionKey = NominationStore.CallPartition(callId),
            RowKey = NominationEntity.Prefix + RecordWrites.NewId(),
            CallId = callId,
            OrganisationId = organisationId,
            SubmitterId = me.Id,
            CreatedAt = now,
        };
        Apply(request, nomination, now);
        await services.Store.AddAsync(nomination, cancellationToken);
        await services.Audit.RecordAsync(new AuditRecord(NominationRecord, $"{callId}/{nomination.Id}", submitting ? "submitted" : "created", After: nomination.ToAudit()), cancellationToken);
        if (submitting)
        {
            await SendConfirmationAsync(call, nomination, me, services.Emails, services.Email, cancellationToken);
        }

        return TypedResults.Created($"/api/nominations/calls/{callId}/nominations/{nomination.Id}", nomination.ToContract());
    }

    public static async Task<Results<Ok<Nomination>, NotFound>> GetNominationAsync(
        string callId, string nominationId, NominationStore store, PeopleStore people, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken)
    {
        var nomination = await store.GetNominationAsync(callId, nominationId, cancellationToken);
        if (nomination is null || !await MayReadAsync(nomination, people, user, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        context.Response.Headers.ETag = nomination.ETag.ToString();
        return TypedResults.Ok(nomination.ToContract());
    }

    public static async Task<Results<Ok<Nomination>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateNominationAsync(
        string callId, string nominationId, NominationRequest request, [AsParameters] NominationServices services, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken)
    {
        var call = await services.Store.GetCallAsync(callId, cancellationToken);
        var nomination = await services.Store.GetNominationAsync(callId, nominationId, cancellationToken);
        var me = await services.People.GetAsync(user.PersonId() ?? "", cancellationToken);
        if (call is null || nomination is null || me is null || me.OrganisationId != nomination.OrganisationId)
        {
            return TypedResults.NotFound();
        }

        var submitting = request.Submit == true;
        var errors = NominationValidation.ValidateNomination(request, submitting);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = services.Time.GetUtcNow();
        if (!call.IsOpen(now))
        {
            return CodedProblem.Create(context, StatusCodes.Status400BadRequest, "nom_call_closed");
        }

        if (nomination.Status != NominationStatus.Draft)
        {
            return CodedProblem.Create(context, StatusCodes.Status409Conflict, "nom_already_submitted");
        }

        var before = nomination.ToAudit();
        Apply(request, nomination, now);
        nomination.ETag = context.IfMatchOr(nomination.ETag);
        try
        {
            await services.Store.UpdateAsync(nomination, cancellationToken);
        }
        catch (WriteConflictException)
        {
            return RecordWrites.Changed(context);
        }

        await services.Audit.RecordAsync(new AuditRecord(NominationRecord, $"{callId}/{nominationId}", submitting ? "submitted" : "updated", before, nomination.ToAudit()), cancellationToken);
        if (submitting)
        {
            await SendConfirmationAsync(call, nomination, me, services.Emails, services.Email, cancellationToken);
        }

        return TypedResults.Ok(nomination.ToContract());
    }

    public static async Task<Results<Created<Nomination>, NotFound, ValidationProblem, ProblemHttpResult>> UploadAsync(
        string callId, string nominationId, string? fileName, [AsParameters] NominationServices services, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken)
    {
        var call = await services.Store.GetCallAsync(callId, cancellationToken);
        var nomination = await services.Store.GetNominationAsync(callId, nominationId, cancellationToken);
        var me = await services.People.GetAsync(user.PersonId() ?? "", cancellationToken);
        if (call is null || nomination is null || me is null || me.OrganisationId != nomination.OrganisationId)
        {
            return TypedResults.NotFound();
        }

        var max = services.Options.Value.MaxAttachmentBytes;
        var errors = NominationValidation.ValidateAttachment(fileName, context.Request.ContentLength ?? (context.Request.Body.CanSeek ? context.Request.Body.Length : max), max, nomination.AttachmentList.Count, services.Options.Value.MaxAttachments, out var contentType);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (!call.IsOpen(services.Time.GetUtcNow()))
        {
            return CodedProblem.Create(context, StatusCodes.Status400BadRequest, "nom_call_closed");
        }

        if (nomination.Status != NominationStatus.Draft)
        {
            return CodedProblem.Create(context, StatusCodes.Status409Conflict, "nom_already_submitted");
        }

        // Read at most one byte more than allowed, so a body without a (truthful) length is refused before it is stored.
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > max)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = [$"The file is larger than {max / (1024 * 1024)} MB."] });
            }
        }

        if (buffer.Length == 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["The file is empty."] });
        }

        var id = RecordWrites.NewId();
        var blobName = $"{callId}/{nominationId}/{id}";
        var container = await services.Store.ContainerAsync(cancellationToken);
        buffer.Position = 0;
        await container.GetBlobClient(blobName).UploadAsync(buffer, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, cancellationToken);
        var info = new AttachmentInfo(id, fileName!.Trim(), contentType, buffer.Length, blobName, services.Time.GetUtcNow());
        nomination.Attachments = TableJson.Write<List<AttachmentInfo>>([.. nomination.AttachmentList, info]);
        nomination.UpdatedAt = services.Time.GetUtcNow();
        try
        {
            await services.Store.UpdateAsync(nomination, cancellationToken);
        }
        catch (WriteConflictException)
        {
            await container.DeleteBlobIfExistsAsync(blobName, cancellationToken: cancellationToken);
            return RecordWrites.Changed(context);
        }

        await services.Audit.RecordAsync(new AuditRecord(NominationRecord, $"{callId}/{nominationId}", "attachment-added", After: new { info.Id, info.FileName, info.Size }), cancellationToken);
        return TypedResults.Created((string?)null, nomination.ToContract());
    }

    public static async Task<Results<FileStreamHttpResult, NotFound>> DownloadAsync(
        string callId, string nominationId, string attachmentId, NominationStore store, PeopleStore people, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken)
    {
        var nomination = await store.GetNominationAsync(callId, nominationId, cancellationToken);
        if (nomination is null || !await MayReadAsync(nomination, people, user, cancellationToken) || nomination.AttachmentList.FirstOrDefault(a => a.Id == attachmentId) is not { } info)
        {
            return TypedResults.NotFound();
        }

        return await AttachmentFileAsync(store, info, context, cancellationToken);
    }

    public static async Task<Results<Ok<Nomination>, NotFound, ProblemHttpResult>> DeleteAttachmentAsync(
        string callId, string nominationId, string attachmentId, [AsParameters] NominationServices services, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken)
    {
        var nomination = await services.Store.GetNominationAsync(callId, nominationId, cancellationToken);
        var me = await services.People.GetAsync(user.PersonId() ?? "", cancellationToken);
        if (nomination is null || me is null || me.OrganisationId != nomination.OrganisationId || nomination.AttachmentList.FirstOrDefault(a => a.Id == attachmentId) is not { } info)
        {
            return TypedResults.NotFound();
        }

        if (nomination.Status != NominationStatus.Draft)
        {
            return CodedProblem.Create(context, StatusCodes.Status409Conflict, "nom_already_submitted");
        }

        nomination.Attachments = TableJson.Write(nomination.AttachmentList.Where(a => a.Id != attachmentId).ToList());
        nomination.UpdatedAt = services.Time.GetUtcNow();
        try
        {
            await services.Store.UpdateAsync(nomination, cancellationToken);
        }
        catch (WriteConflictException)
        {
            return RecordWrites.Changed(context);
        }

        await (await services.Store.ContainerAsync(cancellationToken)).DeleteBlobIfExistsAsync(info.BlobName, cancellationToken: cancellationToken);
        await services.Audit.RecordAsync(new AuditRecord(NominationRecord, $"{callId}/{nominationId}", "attachment-removed", new { info.Id, info.FileName }), cancellationToken);
        return TypedResults.Ok(nomination.ToContract());
    }

    /// <summary>
    /// The file, always as a download: a generic content type, attachment disposition and nosniff,
    /// so a browser never renders what a nominator uploaded inside the portal's origin.
    /// </summary>
    internal static async Task<FileStreamHttpResult> AttachmentFileAsync(NominationStore store, AttachmentInfo info, HttpContext context, CancellationToken cancellationToken)
    {
        var container = await store.ContainerAsync(cancellationToken);
        var stream = await container.GetBlobClient(info.BlobName).OpenReadAsync(cancellationToken: cancellationToken);
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.ContentSecurityPolicy = "sandbox";
        context.Response.Headers.CacheControl = "private, no-store";
        return TypedResults.File(stream, "application/octet-stream", info.FileName);
    }

    private static async Task SendConfirmationAsync(CallEntity call, NominationEntity nomination, PersonEntity submitter, NominationEmails emails, IEmailSender email, CancellationToken cancellationToken) =>
        await email.SendAsync(
            emails.Submitted($"nomination-submitted/{call.Id}/{nomination.Id}", new NominationEmails.Recipient(submitter.Email, submitter.Name, submitter.PreferredLanguage), call, nomination),
            cancellationToken);

    private static async Task<bool> MayReadAsync(NominationEntity nomination, PeopleStore people, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        IsStaff(user) || (await people.GetAsync(user.PersonId() ?? "", cancellationToken))?.OrganisationId == nomination.OrganisationId;

    private static bool IsStaff(ClaimsPrincipal user) => user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Coordinator);

    private static async Task CheckReviewersAsync(Dictionary<string, string[]> errors, CallRequest request, PeopleStore people, CancellationToken cancellationToken)
    {
        if (errors.ContainsKey("reviewers"))
        {
            return;
        }

        foreach (var id in request.Reviewers ?? [])
        {
            if (await people.GetAsync(id, cancellationToken) is null)
            {
                errors["reviewers"] = [$"No person has the id '{id}'."];
                return;
            }
        }
    }

    private static void Apply(CallRequest request, CallEntity call, DateTimeOffset now)
    {
        call.Titles = TableJson.Write(FieldRules.Clean(request.Titles));
        call.Descriptions = TableJson.Write(FieldRules.Clean(request.Descriptions));
        call.OpensAt = request.OpensAt!.Value;
        call.ClosesAt = request.ClosesAt!.Value;
        call.ReviewDeadline = request.ReviewDeadline!.Value;
        call.PassFail = request.PassFail ?? false;
        call.ScaleMax = call.PassFail ? 2 : request.ScaleMax!.Value;
        call.Criteria = TableJson.Write(call.PassFail ? [] : (request.Criteria ?? []).Select(c => new Criterion(c!.Id!, FieldRules.Clean(c.Labels), c.Weight!.Value)).ToList());
        call.Reviewers = string.Join(',', request.Reviewers ?? []);
        call.ReviewsPerNomination = request.ReviewsPerNomination!.Value;
        call.Threshold = request.Threshold!.Value;
        call.ShareComments = request.ShareComments ?? false;
        call.DeclaredConflicts = TableJson.Write(request.DeclaredConflicts ?? []);
        call.UpdatedAt = now;
    }

    private static void Apply(NominationRequest request, NominationEntity nomination, DateTimeOffset now)
    {
        nomination.Title = request.Title?.Trim() ?? "";
        nomination.Goals = request.Goals?.Trim() ?? "";
        nomination.ExpectedImpact = request.ExpectedImpact?.Trim() ?? "";
        nomination.Feasibility = request.Feasibility?.Trim() ?? "";
        nomination.Team = request.Team?.Trim() ?? "";
        nomination.UpdatedAt = now;
        if (request.Submit == true)
        {
            nomination.Status = NominationStatus.Submitted;
            nomination.SubmittedAt = now;
        }
    }
}

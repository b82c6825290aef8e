using Microsoft.AspNetCore.Http.HttpResults;
using Serverless.Functions.Platform.Localization;
using Serverless.Functions.Platform.Security;

namespace Serverless.Functions.Workshops;

/// <summary>
/// The public pages behind emailed links: the invitation (register, change, cancel, accept a
/// waitlist offer, decline) and the feedback survey. The token travels in the X-Workshop-Token
/// header, never in a URL; an unknown, expired or wrong-purpose token is a 404/400 problem with
/// a code, and nothing is written. Opening a page only reads; each action is a POST from the page
/// (with the antiforgery header, like every state change under /api).
/// </summary>
public static class InvitationApi
{
    public static IEndpointRouteBuilder MapWorkshopInvitationApi(this IEndpointRouteBuilder app)
    {
        var invitation = app.MapGroup("/api/workshops/invitation").WithTags("Workshop invitation (public)").RequireRateLimiting(RateLimitPolicies.PublicPerClient);
        invitation.MapGet("/", GetAsync).WithName("GetWorkshopInvitation").WithSummary("Get an invitation page")
            .WithDescription("The invitation page's data, pre-filled, for the token in X-Workshop-Token.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        invitation.MapPost("/registration", RegisterAsync).WithName("RegisterForWorkshop")
            .WithSummary("Register for a workshop from an invitation")
            .WithDescription("Registers: a seat, or a waitlist place; 409 session_full, already_registered; 400 registration_closed, invitation_expired or field errors.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        invitation.MapPut("/registration", ChangeAsync).WithName("ChangeWorkshopRegistration")
            .WithSummary("Change a registration's session or answers")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        invitation.MapPost("/cancel", CancelAsync).WithName("CancelWorkshopRegistration")
            .WithSummary("Cancel a registration")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        invitation.MapPost("/accept-offer", AcceptOfferAsync).WithName("AcceptWorkshopOffer")
            .WithSummary("Accept a seat offered from the waitlist")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        invitation.MapPost("/decline", DeclineAsync).WithName("DeclineWorkshopInvitation")
            .WithSummary("Decline a workshop invitation")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        var survey = app.MapGroup("/api/workshops/survey").WithTags("Workshop survey (public)").RequireRateLimiting(RateLimitPolicies.PublicPerClient);
        survey.MapGet("/", GetSurveyAsync).WithName("GetWorkshopSurvey")
            .WithSummary("Get a feedback survey")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        survey.MapPost("/", SubmitSurveyAsync).WithName("SubmitWorkshopSurvey")
            .WithSummary("Submit feedback on a workshop")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    public static async Task<Results<Ok<InvitationPage>, ProblemHttpResult>> GetAsync(
        InvitationResolver resolver, WorkshopStore store, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        var (invitation, failure) = await resolver.ResolveAsync(Token(context), cancellationToken);
        if (invitation is null)
        {
            return TokenProblem(context, failure);
        }

        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await PageAsync(invitation, store, resolver, time, cancellationToken));
    }

    public static Task<Results<Created<InvitationPage>, Ok<InvitationPage>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        RegisterRequest? request, InvitationAnswers answers, InvitationResolver resolver, WorkshopStore store, TimeProvider time, HttpContext context, CancellationToken cancellationToken) =>
        ActAsync(context, resolver, store, time, (c, ct) => answers.RegisterAsync(c, request ?? new RegisterRequest(null, null, null), MessagesFor(context, c), ct), cancellationToken, forNewRegistration: true);

    public static Task<Results<Created<InvitationPage>, Ok<InvitationPage>, ValidationProblem, ProblemHttpResult>> ChangeAsync(
        ChangeRequest? request, RegistrationChanges changes, InvitationResolver resolver, WorkshopStore store, TimeProvider time, HttpContext context, CancellationToken cancellationToken) =>
        ActAsync(context, resolver, store, time, (c, ct) => changes.ChangeAsync(c, request ?? new ChangeRequest(null, null), MessagesFor(context, c), ct), cancellationToken);

    public static Task<Results<Created<InvitationPage>, Ok<InvitationPage>, ValidationProblem, ProblemHttpResult>> CancelAsync(
        RegistrationChanges changes, InvitationResolver resolver, WorkshopStore store, TimeProvider time, HttpContext context, CancellationToken cancellationToken) =>
        ActAsync(context, resolver, store, time, changes.CancelAsync, cancellationToken);

    public static Task<Results<Created<InvitationPage>, Ok<InvitationPage>, ValidationProblem, ProblemHttpResult>> AcceptOfferAsync(
        WaitlistPromotion waitlist, InvitationResolver resolver, WorkshopStore store, TimeProvider time, HttpContext context, CancellationToken cancellationToken) =>
        ActAsync(context, resolver, store, time, waitlist.AcceptOfferAsync, cancellationToken);

    public static Task<Results<Created<InvitationPage>, Ok<InvitationPage>, ValidationProblem, ProblemHttpResult>> DeclineAsync(
        InvitationAnswers answers, InvitationResolver resolver, WorkshopStore store, TimeProvider time, HttpContext context, CancellationToken cancellationToken) =>
        ActAsync(context, resolver, store, time, answers.DeclineAsync, cancellationToken);

    public static async Task<Results<Ok<SurveyPage>, ProblemHttpResult>> GetSurveyAsync(WorkshopSurveys surveys, HttpContext context, CancellationToken cancellationToken)
    {
        var (survey, failure) = await surveys.ResolveAsync(Token(context), cancellationToken);
        if (survey is null)
        {
            return TokenProblem(context, failure);
        }

        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(SurveyPageOf(survey, survey.Submitted));
    }

    public static async Task<Results<Created<SurveyPage>, ValidationProblem, ProblemHttpResult>> SubmitSurveyAsync(
        SurveyRequest? request, WorkshopSurveys surveys, HttpContext context, CancellationToken cancellationToken)
    {
        var (survey, failure) = await surveys.ResolveAsync(Token(context), cancellationToken);
        if (survey is null)
        {
            return TokenProblem(context, failure);
        }

        var messages = FieldMessages.For(context, survey.Person.PreferredLanguage);
        var errors = WorkshopValidation.ValidateSurvey(request, messages);
        if (errors.Count > 0)
        {
            return messages.Problem(errors);
        }

        if (survey.Submitted || !await surveys.SubmitAsync(survey, request!, cancellationToken))
        {
            return CodedProblem.Create(context, StatusCodes.Status409Conflict, "survey_submitted");
        }

        return TypedResults.Created((string?)null, SurveyPageOf(survey, true));
    }

    /// <summary>The page's language (Accept-Language), else the language the invitation was sent in.</summary>
    private static FieldMessages MessagesFor(HttpContext context, InvitationContext invitation) =>
        FieldMessages.For(context, invitation.Person.PreferredLanguage);

    private static async Task<Results<Created<InvitationPage>, Ok<InvitationPage>, ValidationProblem, ProblemHttpResult>> ActAsync(
        HttpContext context,
        InvitationResolver resolver,
        WorkshopStore store,
        TimeProvider time,
        Func<InvitationContext, CancellationToken, Task<RegistrationResult>> action,
        CancellationToken cancellationToken,
        bool forNewRegistration = false)
    {
        var (invitation, failure) = forNewRegistration
            ? await resolver.ResolveForRegistrationAsync(Token(context), cancellationToken)
            : await resolver.ResolveAsync(Token(context), cancellationToken);
        if (invitation is null)
        {
            return TokenProblem(context, failure);
        }

        var result = await action(invitation, cancellationToken);
        if (result.Errors is { } errors)
        {
            return MessagesFor(context, invitation).Problem(errors);
        }

        if (result.Code is { } code)
        {
            return CodedProblem.Create(context, result.Status, code);
        }

        // A new registration's answer is recorded on the invitation in the background; the page shows it already.
        var registered = result.Status == StatusCodes.Status201Created && result.Registration is { } r && RegistrationStatus.IsActive(r.Status);
        var after = invitation with
        {
            Registration = result.Registration ?? invitation.Registration,
            Invitation = registered ? invitation.Invitation : await store.GetInvitationAsync(invitation.Campaign.Id, invitation.Person.Id, cancellationToken) ?? invitation.Invitation,
        };
        var page = await PageAsync(after, store, resolver, time, cancellationToken, result.WaitlistPosition, registered ? InvitationStatus.Registered : null, result.Counters);
        return result.Status == StatusCodes.Status201Created ? TypedResults.Created((string?)null, page) : TypedResults.Ok(page);
    }

    private static async Task<InvitationPage> PageAsync(
        InvitationContext c,
        WorkshopStore store,
        InvitationResolver resolver,
        TimeProvider time,
        CancellationToken cancellationToken,
        int? knownPosition = null,
        string? invitationStatus = null,
        IReadOnlyDictionary<string, SeatCount>? knownCounters = null)
    {
        var now = time.GetUtcNow();

        // Seats left: as the registration's own transaction committed them, or read now.
        var counters = knownCounters is not null && c.Sessions.All(s => knownCounters.ContainsKey(s.Id))
            ? knownCounters
            : (await store.GetCountersAsync(c.Series.Id, c.Sessions.Select(s => s.Id), cancellationToken)).ToDictionary(x => x.SessionId, x => new SeatCount(x.Capacity, x.Taken));
        var organisationName = await resolver.OrganisationNameAsync(c.Person.OrganisationId, c.Person.PreferredLanguage, cancellationToken);
        int? position = knownPosition;
        if (position is null && c.Registration is { Status: RegistrationStatus.Waitlisted } waiting)
        {
            var ahead = (await store.ListRegistrationsAsync(c.Series.Id, cancellationToken))
                .Count(r => r.SessionId == waiting.SessionId && r.Status == RegistrationStatus.Waitlisted && r.WaitlistNumber < waiting.WaitlistNumber);
            position = ahead + 1;
        }

        var sessions = c.Sessions.OrderBy(s => s.StartUtc).Select(s =>
        {
            var counter = counters.GetValueOrDefault(s.Id);
            var left = counter is null ? 0 : Math.Max(0, counter.Capacity - counter.Taken);
            return new PublicSession(
                s.Id, s.TitleMap, s.DescriptionMap, s.StartLocal, s.EndLocal, s.TimeZone, s.StartUtc, s.EndUtc, s.OnlineUrl, s.Venue,
                s.WaitlistEnabled, s.RegistrationDeadline, s.RegistrationDeadline > now && c.Campaign.Deadline > now, left);
        }).ToList();
        var registration = c.Registration is { } r
            ? new PublicRegistration(r.SessionId, r.Status, r.Status == RegistrationStatus.Waitlisted ? position : null, r.AnswerMap, r.OfferExpiresAt)
            : null;
        return new InvitationPage(
            c.Series.Id,
            c.Person.PreferredLanguage,
            c.Series.TitleMap,
            c.Series.DescriptionMap,
            c.Series.QuestionList,
            sessions,
            new PublicPerson(c.Person.Name, c.Person.Email, organisationName),
            invitationStatus ?? c.Invitation.Status,
            c.Campaign.Deadline,
            registration,
            c.Registration?.ConsentTextVersion ?? "");
    }

    private static SurveyPage SurveyPageOf(SurveyContext survey, bool submitted) =>
        new(survey.Series.Id, survey.Session.Id, survey.Series.TitleMap, survey.Session.TitleMap, survey.Session.StartLocal, survey.Session.TimeZone, WorkshopValidation.SurveyQuestions, submitted, survey.Person.PreferredLanguage);

    private static string? Token(HttpContext context) => context.Request.Headers[InvitationLinks.TokenHeader].FirstOrDefault();

    private static ProblemHttpResult TokenProblem(HttpContext context, string? failure) => failure == "token_expired"
        ? CodedProblem.Create(context, StatusCodes.Status400BadRequest, "token_expired")
        : CodedProblem.Create(context, StatusCodes.Status404NotFound, "token_invalid");
}

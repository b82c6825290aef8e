using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Localization;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Registry;

/// <summary>
/// The public network/newsletter sign-up: only addresses on a registered organisation's official
/// domains, confirmed by double opt-in. The emailed link opens the portal page
/// /newsletter/confirm#token=…, which POSTs the token to /confirm (opening a link never acts).
/// </summary>
public static class NewsletterApi
{
    public const string RecordType = "newsletter-subscription";
    public const string Purpose = "newsletter-confirm";
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromHours(72);

    public static IEndpointRouteBuilder MapNewsletterApi(this IEndpointRouteBuilder app)
    {
        var open = app.MapGroup("/api/public/newsletter").WithTags("Newsletter").RequireRateLimiting(RateLimitPolicies.PublicPerClient);
        open.MapPost("/", SubscribeAsync).WithName("SubscribeToNewsletter")
            .WithSummary("Subscribe to the newsletter")
            .WithDescription("Asks for a subscription; an address on a registered organisation's official domain gets a confirmation email.");
        open.MapPost("/confirm", ConfirmAsync).WithName("ConfirmNewsletterSubscription")
            .WithSummary("Confirm a newsletter subscription");

        app.MapGet("/api/registry/newsletter/subscriptions", ListAsync).WithTags("Newsletter").WithName("ListNewsletterSubscriptions")
            .RequireAuthorization(Policies.Coordinator)
            .WithSummary("List newsletter subscriptions");

        return app;
    }

    public sealed record SubscribeRequest(string? Email, string? Name, string? Language);

    public sealed record SubscribeAccepted(string Message);

    public sealed record ConfirmRequest(string? Token);

    public sealed record Subscription(string Email, string Name, string Language, string? OrganisationId, string Status, DateTimeOffset RequestedAt, DateTimeOffset? ConfirmedAt);

    public static async Task<Results<Accepted<SubscribeAccepted>, ValidationProblem, ProblemHttpResult>> SubscribeAsync(
        SubscribeRequest? request,
        OrganisationStore organisations,
        NewsletterStore subscriptions,
        ActionTokens tokens,
        IEmailSender email,
        ILocalizer localizer,
        IAuditLog audit,
        AddressRateLimiter limiter,
        IOptions<AuthOptions> auth,
        TimeProvider time,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var address = request?.Email?.Trim();
        var name = request?.Name?.Trim();
        var errors = new Dictionary<string, string[]>();
        if (!RegistryValidation.IsValidEmail(address))
        {
            errors["email"] = ["Enter a valid email address."];
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            errors["name"] = ["Enter your name."];
        }
        else if (name.Length > RegistryValidation.MaxNameLength)
        {
            errors["name"] = [$"The name is longer than {RegistryValidation.MaxNameLength} characters."];
        }

        if (request?.Language is { Length: > 0 } requested && !Languages.IsSupported(requested))
        {
            errors["language"] = [$"'{requested}' is not one of the portal's languages."];
        }

        OrganisationEntity? organisation = null;
        if (!errors.ContainsKey("email"))
        {
            organisation = (await organisations.ListAsync(cancellationToken)).FirstOrDefault(o => o.OwnsAddress(address!));
            if (organisation is null)
            {
                errors["email"] = ["Sign up with your work address: the network is open to addresses on the official domains of its member organisations."];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (!limiter.TryAcquire(Purpose, address!))
        {
            return CodedProblem.Create(context, StatusCodes.Status429TooManyRequests, "rate_limited");
        }

        var language = Languages.Normalize(request!.Language ?? CodedProblem.LanguageOf(context));
        var subscription = await subscriptions.RequestAsync(address!, name!, language, organisation!.Id, time.GetUtcNow(), cancellationToken);
        if (subscription.Status == NewsletterEntity.Pending)
        {
            await audit.RecordAsync(new AuditRecord(RecordType, subscription.Email, "requested", After: subscription.ToContract()), cancellationToken);
            var token = await tokens.IssueAsync(Purpose, subscription.RowKey, LinkLifetime, cancellationToken);
            await email.SendAsync(
                LocalizedEmail.Compose(
                    localizer,
                    "email.newsletter",
                    language,
                    $"newsletter-confirm/{subscription.RowKey}/{SecureToken.Hash(token)[..16]}",
                    subscription.Email,
                    subscription.Name,
                    auth.Value.Link("/newsletter/confirm#token=" + token),
                    (int)LinkLifetime.TotalHours),
                cancellationToken);
        }

        // Already confirmed: the same answer and no email, so the form reveals nothing about who subscribed.
        return TypedResults.Accepted((string?)null, new SubscribeAccepted(localizer.Get(language, "newsletter.accepted")));
    }

    public static async Task<Results<Ok<Subscription>, ProblemHttpResult>> ConfirmAsync(
        ConfirmRequest? request, ActionTokens tokens, NewsletterStore subscriptions, IAuditLog audit, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        var redemption = await tokens.RedeemAsync(request?.Token, Purpose, cancellationToken);
        if (!redemption.Succeeded)
        {
            return CodedProblem.Create(context, StatusCodes.Status400BadRequest, redemption.Code);
        }

        var (subscription, before) = await subscriptions.ConfirmAsync(redemption.Subject!, time.GetUtcNow(), cancellationToken);
        if (subscription is null)
        {
            return CodedProblem.Create(context, StatusCodes.Status400BadRequest, "token_invalid");
        }

        await audit.RecordAsync(new AuditRecord(RecordType, subscription.Email, "confirmed", before, subscription.ToContract()) { Actor = "subscriber:" + subscription.Email }, cancellationToken);
        return TypedResults.Ok(subscription.ToContract());
    }

    public static async Task<Ok<List<Subscription>>> ListAsync(NewsletterStore subscriptions, CancellationToken cancellationToken) =>
        TypedResults.Ok((await subscriptions.ListAsync(cancellationToken)).OrderByDescending(s => s.RequestedAt).Select(s => s.ToContract()).ToList());
}

public sealed class NewsletterEntity : ITableEntity
{
    public const string Pending = "pending";
    public const string Confirmed = "confirmed";

    public string PartitionKey { get; set; } = NewsletterStore.Partition;

    /// <summary>The hash of the lower-cased address.</summary>
    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Email { get; set; } = "";

    public string Name { get; set; } = "";

    public string Language { get; set; } = "en";

    public string? OrganisationId { get; set; }

    public string Status { get; set; } = Pending;

    public DateTimeOffset RequestedAt { get; set; }

    public DateTimeOffset? ConfirmedAt { get; set; }

    public NewsletterApi.Subscription ToContract() => new(Email, Name, Language, OrganisationId, Status, RequestedAt, ConfirmedAt);
}

public sealed class NewsletterStore(StorageClients storage)
{
    public const string TableName = "NewsletterSubscriptions";
    public const string Partition = "subscription";
    private volatile bool _created;

    /// <summary>Records a pending request (or refreshes one); a confirmed subscription is returned unchanged.</summary>
    public async Task<NewsletterEntity> RequestAsync(string email, string name, string language, string organisationId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var key = SecureToken.Hash(PeopleStore.NormalizeEmail(email));
        var found = await table.GetEntityIfExistsAsync<NewsletterEntity>(Partition, key, cancellationToken: cancellationToken);
        if (found.HasValue && found.Value is { Status: NewsletterEntity.Confirmed } confirmed)
        {
            return confirmed;
        }

        var entity = found.HasValue && found.Value is { } existing ? existing : new NewsletterEntity { RowKey = key };
        entity.Email = PeopleStore.NormalizeEmail(email);
        entity.Name = name;
        entity.Language = language;
        entity.OrganisationId = organisationId;
        entity.RequestedAt = now;
        try
        {
            if (found.HasValue)
            {
                await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            else
            {
                await table.AddEntityAsync(entity, cancellationToken);
            }
        }
        catch (RequestFailedException ex) when (ex.Status is StatusCodes.Status409Conflict or StatusCodes.Status412PreconditionFailed)
        {
            // The same address asked twice at once; the other request's row stands and its email goes out.
            var current = await table.GetEntityAsync<NewsletterEntity>(Partition, key, cancellationToken: cancellationToken);
            return current.Value;
        }

        return entity;
    }

    public async Task<(NewsletterEntity? After, NewsletterApi.Subscription? Before)> ConfirmAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var found = await table.GetEntityIfExistsAsync<NewsletterEntity>(Partition, key, cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value is not { } entity)
        {
            return (null, null);
        }

        var before = entity.ToContract();
        entity.Status = NewsletterEntity.Confirmed;
        entity.ConfirmedAt ??= now;
        await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
        return (entity, before);
    }

    public async Task<List<NewsletterEntity>> ListAsync(CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var list = new List<NewsletterEntity>();
        await foreach (var entity in table.QueryAsync<NewsletterEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            list.Add(entity);
        }

        return list;
    }

    private async Task<TableClient> TableAsync(CancellationToken cancellationToken)
    {
        var table = storage.Tables.GetTableClient(TableName);
        if (!_created)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
            _created = true;
        }

        return table;
    }
}

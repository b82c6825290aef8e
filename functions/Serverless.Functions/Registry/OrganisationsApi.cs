using Microsoft.AspNetCore.Http.HttpResults;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Http;
using Serverless.Functions.Platform.Security;

namespace Serverless.Functions.Registry;

/// <summary>Member organisations: names per language, type, country, level of government, official email domains.</summary>
public static class OrganisationsApi
{
    public const string RecordType = "organisation";

    public static IEndpointRouteBuilder MapOrganisationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/registry/organisations").WithTags("Registry").RequireAuthorization(Policies.Coordinator);

        api.MapGet("/", ListAsync).WithName("ListOrganisations")
            .WithSummary("List organisations");
        api.MapGet("/{id}", GetAsync).WithName("GetOrganisation")
            .WithSummary("Get an organisation");
        api.MapPost("/", CreateAsync).WithName("CreateOrganisation")
            .WithSummary("Register an organisation");
        api.MapPut("/{id}", UpdateAsync).WithName("UpdateOrganisation").WithSummary("Update an organisation")
            .WithDescription("Replaces the organisation; send If-Match with its ETag to avoid overwriting someone else's change.")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        api.MapDelete("/{id}", DeleteAsync).WithName("DeleteOrganisation")
            .WithSummary("Delete an organisation")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return app;
    }

    private static readonly Dictionary<string, Func<OrganisationEntity, string?>> SortKeys = new()
    {
        ["name"] = o => o.NameIn("en"),
        ["country"] = o => o.Country,
        ["type"] = o => o.Type,
        ["level"] = o => o.Level,
        ["createdAt"] = o => o.CreatedAt.UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture),
    };

    public static async Task<Results<Ok<PagedList<Organisation>>, ValidationProblem>> ListAsync(
        OrganisationStore store, string? page, string? pageSize, string? sort, string? q, string? country, CancellationToken cancellationToken)
    {
        IEnumerable<OrganisationEntity> all = await store.ListAsync(cancellationToken);
        if (!string.IsNullOrWhiteSpace(q))
        {
            all = all.Where(o => o.NameMap.Values.Any(n => n.Contains(q.Trim(), StringComparison.OrdinalIgnoreCase)) || o.Domains.Contains(q.Trim(), StringComparison.OrdinalIgnoreCase));
        }

        if (!string.IsNullOrWhiteSpace(country))
        {
            all = all.Where(o => string.Equals(o.Country, country.Trim(), StringComparison.OrdinalIgnoreCase));
        }

        return Paging.TryApply(all, page, pageSize, sort, "name", SortKeys, o => o.ToContract(), out var result, out var errors)
            ? TypedResults.Ok(result)
            : TypedResults.ValidationProblem(errors);
    }

    public static async Task<Results<Ok<Organisation>, NotFound>> GetAsync(string id, OrganisationStore store, HttpContext context, CancellationToken cancellationToken)
    {
        var organisation = await store.GetAsync(id, cancellationToken);
        if (organisation is null)
        {
            return TypedResults.NotFound();
        }

        context.SetETag(organisation.ETag);
        return TypedResults.Ok(organisation.ToContract());
    }

    public static async Task<Results<Created<Organisation>, ValidationProblem>> CreateAsync(
        OrganisationRequest request, OrganisationStore store, IAuditLog audit, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        var errors = RegistryValidation.ValidateOrganisation(request, creating: true);
        var existing = await store.ListAsync(cancellationToken);
        AddDomainConflicts(request, existing, null, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = time.GetUtcNow();
        var entity = new OrganisationEntity { RowKey = request.Id ?? Guid.NewGuid().ToString("N"), CreatedAt = now };
        Apply(request, entity, now);
        if (await store.CreateAsync(entity, cancellationToken) == WriteOutcome.Exists)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [$"An organisation with the id '{entity.Id}' exists."] });
        }

        await audit.RecordAsync(new AuditRecord(RecordType, entity.Id, "created", After: entity.ToAudit()), cancellationToken);
        context.SetETag(entity.ETag);
        return TypedResults.Created($"/api/registry/organisations/{entity.Id}", entity.ToContract());
    }

    public static async Task<Results<Ok<Organisation>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id, OrganisationRequest request, OrganisationStore store, IAuditLog audit, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        var entity = await store.GetAsync(id, cancellationToken);
        if (entity is null)
        {
            return TypedResults.NotFound();
        }

        var errors = RegistryValidation.ValidateOrganisation(request, creating: false);
        AddDomainConflicts(request, await store.ListAsync(cancellationToken), id, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var before = entity.ToAudit();
        Apply(request, entity, time.GetUtcNow());
        if (await store.UpdateAsync(entity, context.IfMatchOr(entity.ETag), cancellationToken) != WriteOutcome.Done)
        {
            return Changed();
        }

        await audit.RecordAsync(new AuditRecord(RecordType, id, "updated", before, entity.ToAudit()), cancellationToken);
        context.SetETag(entity.ETag);
        return TypedResults.Ok(entity.ToContract());
    }

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteAsync(
        string id, OrganisationStore store, PeopleStore people, IAuditLog audit, HttpContext context, CancellationToken cancellationToken)
    {
        var entity = await store.GetAsync(id, cancellationToken);
        if (entity is null)
        {
            return TypedResults.NotFound();
        }

        var members = (await people.ListAsync(cancellationToken)).Count(p => p.OrganisationId == id);
        if (members > 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"The organisation still has {members} registered people; move or remove them first.");
        }

        if (await store.DeleteAsync(id, context.IfMatchOr(entity.ETag), cancellationToken) != WriteOutcome.Done)
        {
            return Changed();
        }

        await audit.RecordAsync(new AuditRecord(RecordType, id, "deleted", entity.ToAudit()), cancellationToken);
        return TypedResults.NoContent();
    }

    internal static ProblemHttpResult Changed() => TypedResults.Problem(
        statusCode: StatusCodes.Status412PreconditionFailed,
        title: "The record was changed by someone else since you opened it. Reload it and try again.");

    private static void Apply(OrganisationRequest request, OrganisationEntity entity, DateTimeOffset now)
    {
        var names = request.Names!.Where(n => !string.IsNullOrWhiteSpace(n.Value)).ToDictionary(n => n.Key, n => n.Value.Trim());
        entity.Names = System.Text.Json.JsonSerializer.Serialize(names);
        entity.Type = request.Type!.Trim();
        entity.Country = request.Country!;
        entity.Level = request.Level!;
        entity.Domains = string.Join(',', (request.Domains ?? []).Select(d => d.Trim().ToLowerInvariant()).Distinct());
        entity.UpdatedAt = now;
    }

    private static void AddDomainConflicts(OrganisationRequest request, List<OrganisationEntity> existing, string? selfId, Dictionary<string, string[]> errors)
    {
        if (errors.ContainsKey("domains") || request.Domains is null)
        {
            return;
        }

        foreach (var domain in request.Domains.Select(d => d.Trim().ToLowerInvariant()))
        {
            if (existing.FirstOrDefault(o => o.Id != selfId && o.DomainList.Contains(domain)) is { } owner)
            {
                errors["domains"] = [$"The domain {domain} already belongs to {owner.NameIn("en")}."];
                return;
            }
        }
    }
}

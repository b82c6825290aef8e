using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Files;
using Serverless.Functions.Platform.Http;
using Serverless.Functions.Platform.Localization;
using Serverless.Functions.Platform.Security;

namespace Serverless.Functions.Registry;

/// <summary>Registered people: CRUD for coordinators and admins, and the CSV export. Roles are changed through the roles API.</summary>
public static class PeopleApi
{
    public const string RecordType = "person";

    public static IEndpointRouteBuilder MapPeopleApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/registry").WithTags("Registry").RequireAuthorization(Policies.Coordinator);

        api.MapGet("/people", ListAsync).WithName("ListPeople")
            .WithSummary("List people");
        api.MapGet("/people.csv", ExportAsync).WithName("ExportPeople").WithSummary("Export people as CSV")
            .WithDescription("Every person as CSV (UTF-8 with BOM), in the columns the import takes.");
        api.MapGet("/people/{id}", GetAsync).WithName("GetPerson")
            .WithSummary("Get a person");
        api.MapPost("/people", CreateAsync).WithName("CreatePerson")
            .WithSummary("Register a person");
        api.MapPut("/people/{id}", UpdateAsync).WithName("UpdatePerson").WithSummary("Update a person")
            .WithDescription("Replaces the person's details; send If-Match with its ETag.")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        api.MapDelete("/people/{id}", DeleteAsync).WithName("DeletePerson")
            .WithSummary("Delete a person")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return app;
    }

    private static readonly Dictionary<string, Func<PersonEntity, string?>> SortKeys = new()
    {
        ["name"] = p => p.Name,
        ["email"] = p => p.Email,
        ["organisationId"] = p => p.OrganisationId,
        ["preferredLanguage"] = p => p.PreferredLanguage,
        ["createdAt"] = p => p.CreatedAt.UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture),
    };

    public static async Task<Results<Ok<PagedList<Person>>, ValidationProblem>> ListAsync(
        PeopleStore store, string? page, string? pageSize, string? sort, string? q, string? organisationId, string? role, CancellationToken cancellationToken)
    {
        IEnumerable<PersonEntity> all = await store.ListAsync(cancellationToken);
        if (!string.IsNullOrWhiteSpace(q))
        {
            var text = q.Trim();
            all = all.Where(p => p.Name.Contains(text, StringComparison.OrdinalIgnoreCase) || p.Email.Contains(text, StringComparison.OrdinalIgnoreCase));
        }

        if (!string.IsNullOrWhiteSpace(organisationId))
        {
            all = all.Where(p => p.OrganisationId == organisationId.Trim());
        }

        if (!string.IsNullOrWhiteSpace(role))
        {
            all = all.Where(p => p.RoleList.Contains(role.Trim()));
        }

        return Paging.TryApply(all, page, pageSize, sort, "name", SortKeys, p => p.ToContract(), out var result, out var errors)
            ? TypedResults.Ok(result)
            : TypedResults.ValidationProblem(errors);
    }

    public static async Task<Results<Ok<Person>, NotFound>> GetAsync(string id, PeopleStore store, HttpContext context, CancellationToken cancellationToken)
    {
        var person = await store.GetAsync(id, cancellationToken);
        if (person is null)
        {
            return TypedResults.NotFound();
        }

        context.SetETag(person.ETag);
        return TypedResults.Ok(person.ToContract());
    }

    public static async Task<Results<Created<Person>, ValidationProblem>> CreateAsync(
        PersonRequest request, PeopleStore store, OrganisationStore organisations, IAuditLog audit, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        var errors = await ValidateAsync(request, organisations, cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = time.GetUtcNow();
        var person = new PersonEntity { Id = Guid.NewGuid().ToString("N"), CreatedAt = now };
        Apply(request, person, now);
        if (await store.CreateAsync(person, cancellationToken) != WriteOutcome.Done)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["email"] = [$"{person.Email} is already registered."] });
        }

        await audit.RecordAsync(new AuditRecord(RecordType, person.Id, "created", After: person.ToAudit()), cancellationToken);
        context.SetETag(person.ETag);
        return TypedResults.Created($"/api/registry/people/{person.Id}", person.ToContract());
    }

    public static async Task<Results<Ok<Person>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id, PersonRequest request, PeopleStore store, OrganisationStore organisations, IAuditLog audit, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        var person = await store.GetAsync(id, cancellationToken);
        if (person is null)
        {
            return TypedResults.NotFound();
        }

        var errors = await ValidateAsync(request, organisations, cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var before = person.ToAudit();
        var previousEmail = person.Email;
        Apply(request, person, time.GetUtcNow());
        switch (await store.UpdateAsync(person, previousEmail, context.IfMatchOr(person.ETag), cancellationToken))
        {
            case WriteOutcome.EmailTaken:
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["email"] = [$"{person.Email} is already registered."] });
            case WriteOutcome.Done:
                break;
            default:
                return OrganisationsApi.Changed();
        }

        await audit.RecordAsync(new AuditRecord(RecordType, id, "updated", before, person.ToAudit()), cancellationToken);
        context.SetETag(person.ETag);
        return TypedResults.Ok(person.ToContract());
    }

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteAsync(
        string id, PeopleStore store, IAuditLog audit, [FromServices] IEnumerable<IPersonErasureObserver> erasureObservers, HttpContext context, CancellationToken cancellationToken)
    {
        var person = await store.GetAsync(id, cancellationToken);
        if (person is null)
        {
            return TypedResults.NotFound();
        }

        if (await store.DeleteAsync(person, context.IfMatchOr(person.ETag), cancellationToken) != WriteOutcome.Done)
        {
            return OrganisationsApi.Changed();
        }

        foreach (var observer in erasureObservers)
        {
            await observer.PersonErasedAsync(person.Id, CancellationToken.None);
        }

        await audit.RecordAsync(new AuditRecord(RecordType, id, "deleted", person.ToAudit()), cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<FileContentHttpResult> ExportAsync(PeopleStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var people = (await store.ListAsync(cancellationToken)).OrderBy(p => p.Name, StringComparer.InvariantCultureIgnoreCase);
        var rows = people.Select(p => new[]
        {
            p.Name, p.Email, p.OrganisationId ?? "", p.NetworkRole ?? "", p.PreferredLanguage,
            p.ConsentGivenAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "", p.ConsentTextVersion ?? "",
        });
        var bytes = Csv.WriteUtf8(PeopleCsv.Columns, rows);
        var name = $"people-{time.GetUtcNow():yyyy-MM-dd}.csv";
        return TypedResults.File(bytes, "text/csv; charset=utf-8", name);
    }

    private static async Task<Dictionary<string, string[]>> ValidateAsync(PersonRequest request, OrganisationStore organisations, CancellationToken cancellationToken)
    {
        var organisationIds = (await organisations.ListAsync(cancellationToken)).Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
        return RegistryValidation.ValidatePerson(
            request.Name, request.Email, request.OrganisationId, request.NetworkRole, request.PreferredLanguage,
            request.Consent?.GivenAt, request.Consent?.TextVersion, organisationIds);
    }

    private static void Apply(PersonRequest request, PersonEntity person, DateTimeOffset now)
    {
        person.Name = request.Name!.Trim();
        person.Email = PeopleStore.NormalizeEmail(request.Email!);
        person.OrganisationId = request.OrganisationId!.Trim();
        person.NetworkRole = string.IsNullOrWhiteSpace(request.NetworkRole) ? null : request.NetworkRole.Trim();
        person.PreferredLanguage = Languages.Normalize(request.PreferredLanguage);
        person.ConsentGivenAt = request.Consent?.GivenAt;
        person.ConsentTextVersion = request.Consent?.GivenAt is null ? null : request.Consent.TextVersion?.Trim();
        person.UpdatedAt = now;
    }
}

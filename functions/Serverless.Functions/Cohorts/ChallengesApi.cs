using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Http;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Cohorts;

/// <summary>
/// The cohort's management challenges: a board where coordinators group them by theme and assign
/// them to workshop groups, and a fishbone (Ishikawa) diagram per challenge. Writes are
/// conditional on the participant record's ETag (If-Match) and audited.
/// </summary>
public static class ChallengesApi
{
    public const string RecordType = "cohort-challenge";
    public const int MaxCategories = 8;
    public const int MaxCauses = 10;
    public const int MaxSubCauses = 5;
    public const int MaxText = 150;
    public const int MaxFishboneJson = 30_000;

    public static IEndpointRouteBuilder MapCohortChallengesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/cohorts/{cohortId}/challenges").WithTags("Cohort challenges").RequireAuthorization(Policies.Coordinator);
        api.MapGet("/", ListAsync).WithName("ListCohortChallenges")
            .WithSummary("List a cohort's management challenges");
        api.MapPut("/{personId}", AssignAsync).WithName("AssignCohortChallenge").WithSummary("Set a challenge's theme and workshop group")
            .WithDescription("Sets the challenge's theme and workshop group; If-Match with its ETag.")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        api.MapPut("/{personId}/fishbone", SaveFishboneAsync).WithName("SaveCohortChallengeFishbone").WithSummary("Save a challenge's fishbone diagram")
            .WithDescription("Replaces the challenge's fishbone diagram; If-Match with its ETag.")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return app;
    }

    public sealed record Challenge(string PersonId, string Name, string? OrganisationId, string Title, string Description, string? Theme, string? WorkshopGroup, Fishbone Fishbone, string ETag);

    public sealed record AssignRequest(string? Theme, string? WorkshopGroup);

    public static async Task<Results<Ok<List<Challenge>>, NotFound>> ListAsync(string cohortId, CohortStore store, HttpContext context, CancellationToken cancellationToken)
    {
        if (await store.GetCohortAsync(cohortId, cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }

        context.Response.Headers.CacheControl = "no-store";
        var rows = await store.ListCandidatesAsync(cohortId, cancellationToken);
        return TypedResults.Ok(rows.Where(HasChallenge).OrderBy(r => r.Name, StringComparer.InvariantCultureIgnoreCase).Select(ToContract).ToList());
    }

    public static async Task<Results<Ok<Challenge>, NotFound, ValidationProblem, ProblemHttpResult>> AssignAsync(
        string cohortId, string personId, AssignRequest? request, CohortStore store, IAuditLog audit, HttpContext context, CancellationToken cancellationToken)
    {
        var row = await store.GetCandidateAsync(cohortId, personId, cancellationToken);
        if (row is null || !HasChallenge(row))
        {
            return TypedResults.NotFound();
        }

        var errors = new Dictionary<string, string[]>();
        if (request?.Theme is { Length: > 100 })
        {
            errors["theme"] = ["The theme is at most 100 characters."];
        }

        if (request?.WorkshopGroup is { Length: > 100 })
        {
            errors["workshopGroup"] = ["The workshop group is at most 100 characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var before = new { row.ChallengeTheme, row.WorkshopGroup };
        row.ChallengeTheme = CohortsApi.NullIfEmpty(request!.Theme);
        row.WorkshopGroup = CohortsApi.NullIfEmpty(request.WorkshopGroup);
        return await WriteAsync(row, context, store, audit, "assigned", before, new { row.ChallengeTheme, row.WorkshopGroup }, cancellationToken);
    }

    public static async Task<Results<Ok<Challenge>, NotFound, ValidationProblem, ProblemHttpResult>> SaveFishboneAsync(
        string cohortId, string personId, Fishbone? request, CohortStore store, IAuditLog audit, HttpContext context, CancellationToken cancellationToken)
    {
        var row = await store.GetCandidateAsync(cohortId, personId, cancellationToken);
        if (row is null || !HasChallenge(row))
        {
            return TypedResults.NotFound();
        }

        var errors = Validate(request);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var clean = new Fishbone([.. request!.Categories.Select(c => new FishboneCategory(c.Name.Trim(), [.. (c.Causes ?? []).Select(k => new FishboneCause(k.Text.Trim(), [.. (k.SubCauses ?? []).Select(s => s.Trim())]))]))]);
        var json = TableJson.Write(clean);
        if (json.Length > MaxFishboneJson)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["categories"] = ["The diagram is too large; shorten or remove some causes."] });
        }

        var before = ParseFishbone(row.Fishbone);
        row.Fishbone = json;
        return await WriteAsync(row, context, store, audit, "fishbone-saved", before, clean, cancellationToken);
    }

    public static Dictionary<string, string[]> Validate(Fishbone? fishbone)
    {
        var errors = new Dictionary<string, string[]>();
        if (fishbone?.Categories is not { } categories)
        {
            errors["categories"] = ["Send the diagram's categories."];
            return errors;
        }

        if (categories.Count > MaxCategories)
        {
            errors["categories"] = [$"At most {MaxCategories} categories."];
            return errors;
        }

        for (var i = 0; i < categories.Count; i++)
        {
            var category = categories[i];
            if (category is null || string.IsNullOrWhiteSpace(category.Name) || category.Name.Trim().Length > 80)
            {
                errors[$"categories[{i}].name"] = ["Name the category (at most 80 characters)."];
                continue;
            }

            var causes = category.Causes ?? [];
            if (causes.Count > MaxCauses)
            {
                errors[$"categories[{i}].causes"] = [$"At most {MaxCauses} causes a category."];
                continue;
            }

            for (var j = 0; j < causes.Count; j++)
            {
                var cause = causes[j];
                if (cause is null || string.IsNullOrWhiteSpace(cause.Text) || cause.Text.Trim().Length > MaxText)
                {
                    errors[$"categories[{i}].causes[{j}].text"] = [$"Write the cause (at most {MaxText} characters)."];
                    continue;
                }

                var subs = cause.SubCauses ?? [];
                if (subs.Count > MaxSubCauses)
                {
                    errors[$"categories[{i}].causes[{j}].subCauses"] = [$"At most {MaxSubCauses} sub-causes a cause."];
                    continue;
                }

                for (var k = 0; k < subs.Count; k++)
                {
                    if (string.IsNullOrWhiteSpace(subs[k]) || subs[k].Trim().Length > MaxText)
                    {
                        errors[$"categories[{i}].causes[{j}].subCauses[{k}]"] = [$"Write the sub-cause (at most {MaxText} characters)."];
                    }
                }
            }
        }

        return errors;
    }

    private static async Task<Results<Ok<Challenge>, NotFound, ValidationProblem, ProblemHttpResult>> WriteAsync(
        CandidateEntity row, HttpContext context, CohortStore store, IAuditLog audit, string action, object? before, object? after, CancellationToken cancellationToken)
    {
        row.ETag = context.IfMatchOr(row.ETag);
        try
        {
            await store.UpdateAsync(row, cancellationToken);
        }
        catch (WriteConflictException)
        {
            return OrganisationsApi.Changed();
        }

        await audit.RecordAsync(new AuditRecord(RecordType, row.CohortId + "/" + row.PersonId, action, before, after), cancellationToken);
        context.Response.Headers.ETag = row.ETag.ToString();
        return TypedResults.Ok(ToContract(row));
    }

    private static bool HasChallenge(CandidateEntity c) => c.HasChallenge && c.Status is CandidateStatus.Onboarding or CandidateStatus.Onboarded;

    private static Fishbone ParseFishbone(string? json)
    {
        if (!string.IsNullOrEmpty(json))
        {
            try
            {
                if (JsonSerializer.Deserialize<Fishbone>(json, TableJson.Options) is { Categories: not null } parsed)
                {
                    return parsed;
                }
            }
            catch (JsonException)
            {
            }
        }

        // An empty diagram: the portal offers the usual categories in the reader's language.
        return new Fishbone([]);
    }

    private static Challenge ToContract(CandidateEntity c) =>
        new(c.PersonId, c.Name, c.OrganisationId, c.ChallengeTitle ?? "", c.ChallengeDescription ?? "", c.ChallengeTheme, c.WorkshopGroup, ParseFishbone(c.Fishbone), c.ETag.ToString());
}

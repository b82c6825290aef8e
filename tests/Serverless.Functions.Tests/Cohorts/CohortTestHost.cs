using System.Net.Http.Json;
using System.Text.Json;
using Serverless.Functions.Registry;
using Serverless.Functions.Tests.Identity;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Cohorts;

/// <summary>Helpers for cohort tests: an app on its own task hub, a programme with a cohort, candidates accepted through the API.</summary>
internal static class CohortTestHost
{
    public static PlatformFactory Create(StackFixture stack, string? taskHub = null, params (string Key, string? Value)[] settings) => PortalTestHost.Create(
        stack,
        [
            ("Durable:TaskHubName", taskHub ?? "co" + Guid.NewGuid().ToString("N")[..10]),
            ("RateLimits:PerClientPermits", "100000"),
            ("Cohorts:FirstRefresh", "00:00:00.500"),
            .. settings,
        ]);

    public static object CohortBody(string programmeId, string coordinatorId, int capacity = 40, IEnumerable<object>? organisations = null, string? name = null) => new
    {
        programmeId,
        name = name ?? "Edition 2027 — מחזור 2027",
        startDate = "2027-01-10",
        endDate = "2027-07-30",
        capacity,
        coordinatorId,
        managerIds = Array.Empty<string>(),
        steeringCommittee = new[] { new { name = "דוד מזרחי", role = "Civil Service Commission" } },
        organisations = organisations ?? [],
        budget = new[] { new { label = "Workshops and facilitation", planned = 42000m, spent = 12500m }, new { label = "Study visit", planned = 30000m, spent = 0m } },
        currency = "EUR",
    };

    /// <summary>A programme and a cohort coordinated by the given person; returns the cohort id.</summary>
    public static async Task<string> CreateCohortAsync(HttpClient admin, string coordinatorId, int capacity = 40, IEnumerable<object>? organisations = null)
    {
        using var programme = await admin.PostAsJsonAsync("/api/cohorts/programmes", new { name = "Digital Leaders", description = "Senior public servants leading digital transformation." });
        programme.EnsureSuccessStatusCode();
        var programmeId = (await programme.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var cohort = await admin.PostAsJsonAsync("/api/cohorts", CohortBody(programmeId, coordinatorId, capacity, organisations));
        cohort.EnsureSuccessStatusCode();
        return (await cohort.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>Imports the addresses as candidates and accepts them all; returns the person ids by address.</summary>
    public static async Task<Dictionary<string, string>> AcceptAsync(HttpClient admin, string cohortId, IReadOnlyList<string> emails, string language = "en")
    {
        var csv = "email,name,language\n" + string.Concat(emails.Select((e, i) => $"{e},Participant {i:D2},{language}\n"));
        using var imported = await admin.PostAsJsonAsync($"/api/cohorts/{cohortId}/candidates/import", new { csv });
        imported.EnsureSuccessStatusCode();
        var candidates = (await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{cohortId}/candidates")).EnumerateArray().ToList();
        var ids = candidates.Where(c => emails.Contains(c.GetProperty("email").GetString()!)).ToDictionary(c => c.GetProperty("email").GetString()!, c => c.GetProperty("personId").GetString()!);
        await Parallel.ForEachAsync(ids.Values, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, ct) =>
        {
            using var response = await admin.PutAsJsonAsync($"/api/cohorts/{cohortId}/candidates/{id}/status", new { status = "accepted" }, ct);
            response.EnsureSuccessStatusCode();
        });
        return ids;
    }

    public static HttpRequestMessage WithToken(HttpMethod method, string url, string token, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("X-Cohort-Token", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    /// <summary>The participant's full onboarding: profile, consent and a management challenge.</summary>
    public static async Task<HttpResponseMessage> CompleteOnboardingAsync(HttpClient client, string token, string challenge = "Low uptake of the e-services portal")
    {
        using var request = WithToken(HttpMethod.Put, "/api/cohort-onboarding", token, new
        {
            jobTitle = "Head of digital services",
            bio = "Leads the service design team.",
            consent = true,
            challengeTitle = challenge,
            challengeDescription = "Citizens keep calling instead of using the portal; the fishbone workshop will look at causes.",
        });
        return await client.SendAsync(request);
    }

    public static async Task<JsonElement> WaitForProgressAsync(HttpClient admin, string cohortId, Func<JsonElement, bool> done, TimeSpan timeout) =>
        (await Wait.ForAsync(() => ProgressAsync(admin, cohortId), p => p is { } progress && done(progress), $"the onboarding of cohort {cohortId}", timeout, TimeSpan.FromMilliseconds(500)))!.Value;

    /// <summary>The cohort's onboarding progress, or null while the API does not answer it (a poll that failed is tried again).</summary>
    private static async Task<JsonElement?> ProgressAsync(HttpClient admin, string cohortId)
    {
        using var response = await admin.GetAsync($"/api/cohorts/{cohortId}/onboarding");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    public static bool AllRoundsCompleted(JsonElement progress) =>
        progress.GetProperty("rounds").EnumerateArray().All(r => r.GetProperty("runtimeStatus").GetString() == "Completed");

    public static Task<PersonEntity> SeedCoordinatorAsync(PlatformFactory factory, string? email = null) =>
        factory.SeedPersonAsync(email: email, name: "יוסי לוי", language: "he", roles: "coordinator");
}

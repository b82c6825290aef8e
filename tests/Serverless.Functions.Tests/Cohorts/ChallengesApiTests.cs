using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Serverless.Functions.Tests.Identity;

namespace Serverless.Functions.Tests.Cohorts;

[Collection(StackCollection.Name)]
public sealed class ChallengesApiTests(StackFixture stack)
{
    [Fact]
    public async Task ChallengeBoard_AssignGroupAndSaveFishbone_RoundTripsAndRefusesStaleOrBadInput()
    {
        await using var factory = CohortTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("coordinator");
        var coordinator = await CohortTestHost.SeedCoordinatorAsync(factory);
        var cohortId = await CohortTestHost.CreateCohortAsync(admin, coordinator.Id);
        var domain = $"f{Guid.NewGuid():N}"[..10] + ".gov.example";
        string[] emails = [$"michal@{domain}", $"rachel@{domain}"];
        await CohortTestHost.AcceptAsync(admin, cohortId, emails);
        (await admin.PostAsJsonAsync($"/api/cohorts/{cohortId}/onboarding", new { deadline = DateTimeOffset.UtcNow.AddDays(7), reminderHoursBefore = 0 })).EnsureSuccessStatusCode();
        var token = PortalTestHost.TokenFrom((await stack.Mail.WaitForMessagesToAsync(emails[0], 1, TimeSpan.FromSeconds(30)))[0].GetProperty("text").GetString()!);
        using var anonymous = await factory.ClientAsync();
        (await CohortTestHost.CompleteOnboardingAsync(anonymous, token, "Slow adoption of digital services")).EnsureSuccessStatusCode();

        var board = await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{cohortId}/challenges");
        var challenge = Assert.Single(board.EnumerateArray());
        var personId = challenge.GetProperty("personId").GetString()!;
        var etag = challenge.GetProperty("eTag").GetString()!;

        using var assign = new HttpRequestMessage(HttpMethod.Put, $"/api/cohorts/{cohortId}/challenges/{personId}") { Content = JsonContent.Create(new { theme = "Digital adoption", workshopGroup = "Group A" }) };
        assign.Headers.TryAddWithoutValidation("If-Match", etag);
        using var assigned = await admin.SendAsync(assign);
        var afterAssign = await assigned.Content.ReadFromJsonAsync<JsonElement>();

        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/cohorts/{cohortId}/challenges/{personId}/fishbone") { Content = JsonContent.Create(new { categories = Array.Empty<object>() }) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        using var staleResponse = await admin.SendAsync(stale);

        var fishbone = new
        {
            categories = new object[]
            {
                new { name = "Methods", causes = new[] { new { text = "Forms copied from paper", subCauses = new[] { "No redesign before digitising" } } } },
                new { name = "People", causes = new[] { new { text = "Clerks advise calling", subCauses = Array.Empty<string>() } } },
            },
        };
        using var save = new HttpRequestMessage(HttpMethod.Put, $"/api/cohorts/{cohortId}/challenges/{personId}/fishbone") { Content = JsonContent.Create(fishbone) };
        save.Headers.TryAddWithoutValidation("If-Match", afterAssign.GetProperty("eTag").GetString());
        using var saved = await admin.SendAsync(save);
        using var bad = await admin.PutAsJsonAsync($"/api/cohorts/{cohortId}/challenges/{personId}/fishbone", new { categories = new[] { new { name = "", causes = Array.Empty<object>() }, new { name = "People", causes = new object[] { new { text = new string('x', 151), subCauses = Array.Empty<string>() } } } } });
        using var unknown = await admin.PutAsJsonAsync($"/api/cohorts/{cohortId}/challenges/nobody", new { theme = "x" });
        var read = Assert.Single((await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{cohortId}/challenges")).EnumerateArray());

        Assert.Equal("Slow adoption of digital services", challenge.GetProperty("title").GetString());
        Assert.Empty(challenge.GetProperty("fishbone").GetProperty("categories").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, staleResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(["categories[0].name", "categories[1].causes[0].text"], (await bad.ProblemAsync()).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(("Digital adoption", "Group A"), (read.GetProperty("theme").GetString(), read.GetProperty("workshopGroup").GetString()));
        var categories = read.GetProperty("fishbone").GetProperty("categories");
        Assert.Equal(2, categories.GetArrayLength());
        Assert.Equal("No redesign before digitising", categories[0].GetProperty("causes")[0].GetProperty("subCauses")[0].GetString());
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serverless.Functions.Cohorts;
using Serverless.Functions.DemoData;
using Serverless.Functions.Tests.Identity;

namespace Serverless.Functions.Tests.Cohorts;

[Collection(StackCollection.Name)]
public sealed class CohortDemoDataTests(StackFixture stack)
{
    [Fact]
    public async Task Load_AfterTheDemoNetwork_CreatesTheDigitalLeadersCohortOnceWithOnboardedChallenges()
    {
        // The network is loaded once per storage account; whichever test loads it first registers the
        // same first admin the demo network's own tests expect, so the order of the classes does not matter.
        await using var factory = CohortTestHost.Create(stack, settings: ("Auth:FirstAdminEmail", "admin@innovation.localhost"));
        await factory.Services.GetRequiredService<DemoDataLoader>().LoadAsync(default);
        var demo = factory.Services.GetServices<IHostedService>().OfType<CohortDemoData>().Single();

        await demo.LoadAsync(default);
        await demo.LoadAsync(default);
        using var admin = await factory.SignedInAsAsync("coordinator");
        var cohort = await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{CohortDemoData.CohortId}");
        var candidates = await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{CohortDemoData.CohortId}/candidates");
        var challenges = await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{CohortDemoData.CohortId}/challenges");

        Assert.Equal(40, cohort.GetProperty("capacity").GetInt32());
        Assert.Equal(3, cohort.GetProperty("organisations").GetArrayLength());
        Assert.Equal(4, cohort.GetProperty("budget").GetArrayLength());
        Assert.Equal(3, cohort.GetProperty("seatsTaken").GetInt32());
        Assert.Equal(4, candidates.GetArrayLength());
        Assert.Equal(2, cohort.GetProperty("counts").GetProperty("onboarded").GetInt32());
        Assert.Equal(2, challenges.GetArrayLength());
        Assert.Contains(challenges.EnumerateArray(), c => c.GetProperty("fishbone").GetProperty("categories").GetArrayLength() == 4);
    }
}

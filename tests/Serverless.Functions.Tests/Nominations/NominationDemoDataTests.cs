using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serverless.Functions.DemoData;
using Serverless.Functions.Nominations;
using Serverless.Functions.Tests.Identity;

namespace Serverless.Functions.Tests.Nominations;

[Collection(StackCollection.Name)]
public sealed class NominationDemoDataTests(StackFixture stack)
{
    [Fact]
    public async Task Load_AfterTheDemoNetwork_CreatesTheExcellenceMakersCallsOnceWithARankedBoard()
    {
        // The same first admin as DemoDataTests, whichever of the two loads the shared network first.
        await using var factory = NominationTestHost.Create(stack, null, ("Auth:FirstAdminEmail", "admin@innovation.localhost"));
        await factory.Services.GetRequiredService<DemoDataLoader>().LoadAsync(default);
        var demo = factory.Services.GetServices<IHostedService>().OfType<NominationDemoData>().Single();

        await demo.LoadAsync(default);
        await demo.LoadAsync(default);
        using var coordinator = await factory.SignedInAsAsync("coordinator");
        var open = await coordinator.GetFromJsonAsync<JsonElement>($"/api/nominations/calls/{NominationDemoData.OpenCallId}");
        var openBoard = await coordinator.GetFromJsonAsync<JsonElement>($"/api/nominations/calls/{NominationDemoData.OpenCallId}/board");
        var pastBoard = await coordinator.GetFromJsonAsync<JsonElement>($"/api/nominations/calls/{NominationDemoData.PastCallId}/board");
        var project = (await coordinator.GetFromJsonAsync<JsonElement>("/api/nominations/projects")).EnumerateArray().Single(p => p.GetProperty("id").GetString() == "rta-smart-signals");

        Assert.True(open.GetProperty("isOpen").GetBoolean());
        Assert.Equal(["clarity", "impact", "feasibility"], open.GetProperty("criteria").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        Assert.Equal("وضوح الأهداف", open.GetProperty("criteria")[0].GetProperty("labels").GetProperty("ar").GetString());
        Assert.Equal(5, open.GetProperty("reviewers").GetArrayLength());
        Assert.Equal(3, openBoard.GetProperty("entries").GetArrayLength());
        var past = pastBoard.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["rta-smart-signals", "police-community-app", "moe-digital-enrolment"], past.Select(e => e.GetProperty("nominationId").GetString()));
        Assert.Equal([false, true, false], past.Select(e => e.GetProperty("disagreement").GetBoolean()));
        Assert.All(past, e => Assert.Equal(3, e.GetProperty("reviewCount").GetInt32()));
        Assert.Equal("selected", past[0].GetProperty("status").GetString());
        Assert.Equal(("research", "overdue"), (project.GetProperty("stageName").GetString(), project.GetProperty("health").GetString()));
    }
}

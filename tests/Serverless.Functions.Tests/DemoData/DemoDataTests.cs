using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.DemoData;
using Serverless.Functions.Registry;
using Serverless.Functions.Tests.Identity;

namespace Serverless.Functions.Tests.DemoData;

[Collection(StackCollection.Name)]
public sealed class DemoDataTests(StackFixture stack)
{
    [Fact]
    public async Task Load_StartedTwiceAtOnce_LoadsTheNetworkOnce()
    {
        await using var first = PortalTestHost.Create(stack, ("Auth:FirstAdminEmail", "admin@innovation.localhost"));
        await using var second = PortalTestHost.Create(stack, ("Auth:FirstAdminEmail", "admin@innovation.localhost"));
        var loaders = new[] { first, second }.Select(f => f.Services.GetRequiredService<DemoDataLoader>()).ToList();

        var results = await Task.WhenAll(loaders.Select(l => l.LoadAsync(default)));
        var later = await loaders[0].LoadAsync(default);

        Assert.True(results.Count(loaded => loaded) <= 1);
        Assert.False(later);
        var organisations = await first.Services.GetRequiredService<OrganisationStore>().ListAsync(default);
        var people = await first.Services.GetRequiredService<PeopleStore>().ListAsync(default);
        Assert.Equal(DemoNetwork.Organisations.Length, organisations.Count(o => DemoNetwork.Organisations.Any(d => d.Id == o.Id)));
        Assert.True(organisations.Count(o => DemoNetwork.Organisations.Any(d => d.Id == o.Id)) >= 12);
        Assert.Equal(DemoNetwork.People.Length, people.Count(p => p.Id.StartsWith("demo-", StringComparison.Ordinal) && p.Id != "demo-admin"));
        Assert.Equal(["ar", "bg", "el", "en", "he", "hu", "lv", "pl"], people.Where(p => p.Id.StartsWith("demo-", StringComparison.Ordinal)).Select(p => p.PreferredLanguage).Distinct().Order());
        var admin = await first.Services.GetRequiredService<PeopleStore>().FindByEmailAsync("admin@innovation.localhost", default);
        Assert.Contains("admin", admin!.RoleList);
        Assert.Equal("Kancelaria Prezesa Rady Ministrów", organisations.Single(o => o.Id == "pl-kprm").NameIn("pl"));
    }

    [Fact]
    public async Task DemoData_OffByDefault_OutsideDevelopment()
    {
        await using var factory = PortalTestHost.Create(stack);

        var options = factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DemoDataOptions>>().Value;

        Assert.False(options.Enabled);
    }
}

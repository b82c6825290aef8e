namespace Serverless.Browser.Tests;

/// <summary>The Content-Security-Policy leaves the portal and the API documentation working: they render and the browser refuses nothing.</summary>
[Collection(PortalCollection.Name)]
public sealed class SecurityHeadersTests(PortalFixture portal)
{
    [Fact]
    public async Task Portal_UnderItsPolicy_RendersWithNothingRefused()
    {
        await using var page = await portal.Browser.NewPageAsync(locale: "en-GB");

        await page.GotoAsync(portal.BaseUrl + "/");
        await page.WaitForTextAsync("All systems are working.");
        await page.SelectOptionAsync(Browser.Target.ByLabel("Language"), "he");
        await page.WaitForFunctionAsync("document.documentElement.dir === 'rtl'");
        await page.GotoAsync(portal.BaseUrl + "/workshops");
        await page.WaitForTextAsync("סדנאות");

        await AssertNothingRefusedAsync(page);
    }

    [Fact]
    public async Task ApiDocs_UnderTheirPolicy_ShowTheOperationsWithNothingRefused()
    {
        await using var page = await portal.Browser.NewPageAsync(locale: "en-GB");

        await page.GotoAsync(portal.BaseUrl + "/api/docs/index.html");
        await page.WaitForTextAsync("/api/auth/sign-in", TimeSpan.FromSeconds(30));

        await AssertNothingRefusedAsync(page);
    }

    /// <summary>A signed-out page's 401 from /api/auth/me is logged as a failed load; anything else, a refusal by the policy above all, fails.</summary>
    private static async Task AssertNothingRefusedAsync(Browser.BrowserPage page)
    {
        var problems = (await page.ProblemsAsync()).Where(p => !p.Contains("status of 401", StringComparison.Ordinal)).ToList();
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }
}

using Serverless.Browser.Tests.Browser;

namespace Serverless.Browser.Tests;

[Collection(PortalCollection.Name)]
public sealed class PortalHomeTests(PortalFixture portal)
{
    [Fact]
    public async Task HomePage_English_ShowsHeadingHealthyStorageAndNoAxeViolations()
    {
        await using var page = await portal.Browser.NewPageAsync(locale: "en-GB");

        var status = await page.GotoAsync(portal.BaseUrl + "/");
        await page.WaitForTextAsync("All systems are working.");

        Assert.Equal(200, status);
        Assert.Equal("Innovation Network", await page.TextAsync("h1"));
        Assert.Equal("en", await page.AttributeAsync("html", "lang"));
        var violations = await page.AxeAsync();
        Assert.True(violations.Count == 0, AxeViolation.Describe(violations));
    }

    [Fact]
    public async Task HomePage_SwitchedToArabic_IsLaidOutRightToLeftWithNoAxeViolations()
    {
        await using var page = await portal.Browser.NewPageAsync(locale: "en-GB");
        await page.GotoAsync(portal.BaseUrl + "/");

        await page.SelectOptionAsync(Target.ByLabel("Language"), "ar");
        await page.WaitForTextAsync("شبكة الابتكار");

        Assert.Equal("rtl", await page.AttributeAsync("html", "dir"));
        Assert.Equal("ar", await page.AttributeAsync("html", "lang"));
        // Right to left for real: the heading's text starts at the right edge of its box.
        var direction = await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('h1')).direction");
        Assert.Equal("rtl", direction);
        var violations = await page.AxeAsync();
        Assert.True(violations.Count == 0, AxeViolation.Describe(violations));
    }

    [Fact]
    public async Task ClientRoute_DeepLink_IsServedByThePortal()
    {
        await using var page = await portal.Browser.NewPageAsync(locale: "en-GB");

        var status = await page.GotoAsync(portal.BaseUrl + "/workshops");

        Assert.Equal(200, status);
        Assert.Equal("Workshops", await page.TextAsync("h1"));
    }
}

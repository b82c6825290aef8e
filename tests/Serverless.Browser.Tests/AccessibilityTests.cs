using Serverless.Browser.Tests.Browser;

namespace Serverless.Browser.Tests;

[Collection(PortalCollection.Name)]
public sealed class AccessibilityTests(PortalFixture portal)
{
    /// <summary>Pages anyone can open, each with an element that shows it has finished loading.</summary>
    private static readonly (string Path, string Ready)[] PublicPages =
    [
        ("/", ".status-panel"),
        ("/sign-in", "main p"),
        ("/sign-in/complete#token=not-a-real-token", "main button.button"),
        ("/newsletter", "#newsletter-email"),
        ("/newsletter/confirm#token=not-a-real-token", "main button.button"),
    ];

    [Theory]
    [InlineData("en")]
    [InlineData("ar")]
    public async Task EveryPortalPage_SignedInAsAdmin_HasNoAxeViolations(string language)
    {
        var organisationId = await RegistrySeed.OrganisationAsync(portal);
        var personId = await RegistrySeed.PersonAsync(portal, organisationId);
        (string Path, string Ready)[] adminPages =
        [
            ("/registry/people", ".data-table tbody th a"),
            ("/registry/people/new", "#person-name"),
            ($"/registry/people/{personId}", "#roles-heading"),
            ("/registry/organisations", ".data-table tbody th a"),
            ("/registry/organisations/new", "#organisation-type"),
            ($"/registry/organisations/{organisationId}", "#organisation-type"),
            ("/registry/import", "#import-file"),
            ($"/admin/audit?recordType=person&recordId={personId}", "#audit-record-type"),
            ("/admin/audit", "#audit-record-type"),
            ("/admin/workflows", "main h1"),
            ("/account", ".summary-list"),
        ];
        var failures = new List<string>();

        await using (var visitor = await portal.Browser.NewPageAsync(locale: language == "ar" ? "ar-AE" : "en-GB"))
        {
            foreach (var (path, ready) in PublicPages)
            {
                await CheckAsync(visitor, path, ready, language, failures);
            }
        }

        await using var page = await portal.Browser.NewPageAsync(locale: "en-GB");
        await PortalSignIn.SignInAsAdminAsync(portal, page, language);
        foreach (var (path, ready) in PublicPages.Concat(adminPages))
        {
            await CheckAsync(page, path, ready, language, failures);
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public async Task PeoplePage_InArabic_IsLaidOutRightToLeft()
    {
        await using var page = await portal.Browser.NewPageAsync(locale: "en-GB");
        await PortalSignIn.SignInAsAdminAsync(portal, page, "ar");
        await page.GotoAsync(portal.BaseUrl + "/registry/people");
        await page.WaitForAsync(Target.ByRole("heading", "الأشخاص"));

        Assert.Equal("rtl", await page.AttributeAsync("html", "dir"));
        Assert.Equal("ar", await page.AttributeAsync("html", "lang"));
        Assert.Equal("rtl", await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('main')).direction"));
        // The navigation starts at the right: its first item lies to the right of the next ones.
        var firstLeft = await page.EvaluateAsync<double>("document.querySelector('nav.site-nav li:first-child').getBoundingClientRect().left");
        var secondRight = await page.EvaluateAsync<double>("document.querySelector('nav.site-nav li:nth-child(2)').getBoundingClientRect().right");
        var lastRight = await page.EvaluateAsync<double>("document.querySelector('nav.site-nav li:last-child').getBoundingClientRect().right");
        Assert.True(firstLeft >= secondRight, $"first item starts at {firstLeft}, second ends at {secondRight}");
        Assert.True(firstLeft > lastRight || await SameLineAsync(page) == false, $"first item starts at {firstLeft}, last ends at {lastRight}");
        // And the heading's text hugs the right edge of the main column.
        var headingGap = await page.EvaluateAsync<double>(
            "(() => { const h = document.querySelector('main h1'); const r = document.createRange(); r.selectNodeContents(h); return h.getBoundingClientRect().right - r.getBoundingClientRect().right; })()");
        Assert.True(headingGap < 2, $"the heading text ends {headingGap}px from the right edge");
    }

    private static async Task<bool> SameLineAsync(BrowserPage page) =>
        await page.EvaluateAsync<bool>(
            "(() => { const items = document.querySelectorAll('nav.site-nav li'); return items[0].getBoundingClientRect().top === items[items.length - 1].getBoundingClientRect().top; })()");

    private async Task CheckAsync(BrowserPage page, string path, string ready, string language, List<string> failures)
    {
        await page.GotoAsync(portal.BaseUrl + path);
        try
        {
            await page.WaitForAsync(Target.Css(ready), TimeSpan.FromSeconds(15));
            await page.WaitForFunctionAsync($"document.documentElement.lang === '{language}' && !document.querySelector('[aria-busy=\"true\"]')");
        }
        catch (BrowserDriverException ex)
        {
            var state = await page.EvaluateAsync<string>("document.documentElement.lang + ' busy=' + !!document.querySelector('[aria-busy=\"true\"]') + ' h1=' + document.querySelector('h1')?.textContent");
            failures.Add($"{path} ({language}) did not finish loading ({state}): {ex.Message}");
            return;
        }

        var violations = await page.AxeAsync();
        if (violations.Count > 0)
        {
            failures.Add($"{path} ({language}):\n{AxeViolation.Describe(violations)}");
        }
    }
}

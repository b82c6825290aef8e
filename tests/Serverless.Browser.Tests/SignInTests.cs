using System.Text.RegularExpressions;
using Serverless.Browser.Tests.Browser;
using Serverless.Testing;

namespace Serverless.Browser.Tests;

[Collection(PortalCollection.Name)]
public sealed partial class SignInTests(PortalFixture portal)
{
    [Fact]
    public async Task SignIn_FirstAdminThroughTheInbox_ShowsNameAndAdminNavigation()
    {
        await using var page = await portal.Browser.NewPageAsync(locale: "en-GB");

        var link = await PortalSignIn.RequestLinkAsync(portal, page, portal.FirstAdminEmail);
        await page.GotoAsync(link);
        // Opening the link does nothing by itself: the page waits for the button.
        await page.WaitForAsync(Target.ByRole("button", "Complete sign-in"));
        Assert.False(await page.IsVisibleAsync(Target.ByRole("link", "People")));
        await page.ClickAsync(Target.ByRole("button", "Complete sign-in"));
        // Signing in adopts the person's remembered language, which other tests may have changed.
        await page.WaitForAsync(Target.Css(".session-menu__sign-out"));
        await page.SelectOptionAsync(Target.Css("#language-select"), "en");
        await page.WaitForAsync(Target.ByRole("button", "Sign out"));

        var name = portal.FirstAdminEmail.Split('@')[0];
        Assert.Equal(name, await page.TextAsync("#session-name"));
        var nav = await page.TextsAsync(Target.Css("nav.site-nav a"));
        Assert.Contains("People", nav);
        Assert.Contains("Organisations", nav);
        Assert.Contains("Import people", nav);
        Assert.Contains("Audit log", nav);
        Assert.Contains("Workflows", nav);
        // The token left the address bar.
        Assert.DoesNotContain("token=", await page.UrlAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_UsedLinkOpenedAgain_ShowsAlreadyUsedPageAndNoSession()
    {
        string link;
        await using (var first = await portal.Browser.NewPageAsync(locale: "en-GB"))
        {
            link = await PortalSignIn.RequestLinkAsync(portal, first, portal.FirstAdminEmail);
            await first.GotoAsync(link);
            await first.ClickAsync(Target.ByRole("button", "Complete sign-in"));
            await first.WaitForAsync(Target.Css(".session-menu__sign-out"));
        }

        await using var page = await portal.Browser.NewPageAsync(locale: "en-GB");
        await page.GotoAsync(link);
        await page.ClickAsync(Target.ByRole("button", "Complete sign-in"));

        await page.WaitForAsync(Target.ByRole("heading", "This sign-in link has already been used"));
        Assert.True(await page.IsVisibleAsync(Target.ByRole("link", "Ask for a new sign-in link")));
        Assert.True(await page.IsVisibleAsync(Target.Css(".session-menu a[href='/sign-in']")));
        Assert.False(await page.IsVisibleAsync(Target.Css(".session-menu__sign-out")));
        var me = await page.EvaluateAsync<int>("fetch('/api/auth/me').then(r => r.status)");
        Assert.Equal(401, me);
    }

    [Fact]
    public async Task SignOut_AfterSigningIn_EndsTheSession()
    {
        await using var page = await portal.Browser.NewPageAsync(locale: "en-GB");
        await PortalSignIn.SignInAsAdminAsync(portal, page, "en");

        await page.ClickAsync(Target.ByRole("button", "Sign out"));

        await page.WaitForAsync(Target.Css(".session-menu a[href='/sign-in']"));
        Assert.Equal(401, await page.EvaluateAsync<int>("fetch('/api/auth/me').then(r => r.status)"));
    }

    [Fact]
    public async Task SignInPage_UnknownAddress_ShowsTheSameNeutralMessage()
    {
        await using var page = await portal.Browser.NewPageAsync(locale: "en-GB");
        await page.GotoAsync(portal.BaseUrl + "/sign-in");

        await page.FillAsync(Target.ByLabel("Email address"), "nobody-" + Guid.NewGuid().ToString("N")[..8] + "@browser.test");
        await page.ClickAsync(Target.ByRole("button", "Email me a sign-in link"));

        await page.WaitForTextAsync("If this address is registered, a sign-in link is on its way to it.");
    }
}

/// <summary>Signing in the way a person does: ask on the sign-in page, read the link from the inbox, complete.</summary>
internal static partial class PortalSignIn
{
    private static readonly TimeSpan MailTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Asks for a link on the sign-in page (in English) and returns it, read from the inbox, pointing at this server.</summary>
    public static async Task<string> RequestLinkAsync(PortalFixture portal, BrowserPage page, string email)
    {
        var before = (await portal.Mail.GetMessagesToAsync(email)).Count;
        await page.GotoAsync(portal.BaseUrl + "/sign-in");
        await page.SelectOptionAsync(Target.Css("#language-select"), "en");
        await page.FillAsync(Target.ByLabel("Email address"), email);
        await page.ClickAsync(Target.ByRole("button", "Email me a sign-in link"));
        await page.WaitForTextAsync("If this address is registered, a sign-in link is on its way to it.");

        var messages = await portal.Mail.WaitForMessagesToAsync(email, before + 1, MailTimeout);
        Assert.True(messages.Count > before, $"No sign-in email reached {email}.");
        var text = messages[^1].GetProperty("text").GetString() ?? "";
        var match = LinkPattern().Match(text);
        Assert.True(match.Success, "The email holds no sign-in link: " + text);
        // The link is built from Auth:PublicBaseUrl; the browser uses the same server by BaseUrl.
        return portal.BaseUrl + match.Groups["path"].Value;
    }

    /// <summary>Signs in as the first admin and leaves the page in <paramref name="language"/>.</summary>
    public static async Task SignInAsAdminAsync(PortalFixture portal, BrowserPage page, string language)
    {
        var link = await RequestLinkAsync(portal, page, portal.FirstAdminEmail);
        await page.GotoAsync(link);
        await page.ClickAsync(Target.Css("main button.button"));
        await page.WaitForAsync(Target.Css(".session-menu__sign-out"));
        // Sign-in adopts the person's remembered language; choose the one the test needs.
        await ChooseLanguageAsync(page, language);
    }

    /// <summary>
    /// Chooses the language with the page's switcher and waits until it is saved on the signed-in
    /// person's record, so a page loaded next starts in it instead of racing the save.
    /// </summary>
    public static async Task ChooseLanguageAsync(BrowserPage page, string language)
    {
        await page.SelectOptionAsync(Target.Css("#language-select"), language);
        await page.WaitForFunctionAsync($"document.documentElement.lang === '{language}'");
        await Wait.UntilAsync(
            async () => await page.EvaluateAsync<string>("fetch('/api/auth/me').then(r => r.json()).then(m => m.language)") == language,
            $"the language '{language}' to be saved on the person's record",
            TimeSpan.FromSeconds(15));
    }

    [GeneratedRegex(@"https?://[^/\s]+(?<path>/sign-in/complete#token=[A-Za-z0-9_\-]+)")]
    private static partial Regex LinkPattern();
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.Identity;
using Serverless.Functions.Platform.Security;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Identity;

[Collection(StackCollection.Name)]
public sealed class SignInTests(StackFixture stack)
{
    private static readonly TimeSpan MailTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task SignIn_FirstAdminThroughTheInbox_SessionShowsAdminRole()
    {
        var admin = PortalTestHost.UniqueEmail("first-admin");
        await using var factory = PortalTestHost.Create(stack, ("Auth:FirstAdminEmail", admin));
        using var client = await factory.ClientAsync();

        using var asked = await client.PostAsJsonAsync("/api/auth/sign-in", new { email = admin.ToUpperInvariant(), language = "en" });
        Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
        var mail = Assert.Single(await stack.Mail.WaitForMessagesToAsync(admin, 1, MailTimeout));
        var text = mail.GetProperty("text").GetString()!;
        Assert.Contains("http://portal.test/sign-in/complete#token=", text, StringComparison.Ordinal);
        using var unauthenticated = await client.GetAsync("/api/auth/me");
        using var completed = await client.PostAsJsonAsync("/api/auth/complete", new { token = PortalTestHost.TokenFrom(text) });
        var me = await client.GetFromJsonAsync<JsonElement>("/api/auth/me");

        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        Assert.Contains("inn.session=", string.Join(";", completed.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);
        Assert.Contains("httponly", string.Join(";", completed.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(admin, me.GetProperty("email").GetString());
        Assert.Equal(["admin", "member"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task SignIn_UnknownAddress_SameAnswerAndNoEmail()
    {
        await using var factory = PortalTestHost.Create(stack);
        var known = await factory.SeedPersonAsync();
        var unknown = PortalTestHost.UniqueEmail("nobody");
        using var client = await factory.ClientAsync();

        using var forKnown = await client.PostAsJsonAsync("/api/auth/sign-in", new { email = known.Email });
        using var forUnknown = await client.PostAsJsonAsync("/api/auth/sign-in", new { email = unknown });

        Assert.Equal(HttpStatusCode.Accepted, forUnknown.StatusCode);
        Assert.Equal(forKnown.StatusCode, forUnknown.StatusCode);
        Assert.Equal(await forKnown.Content.ReadAsStringAsync(), await forUnknown.Content.ReadAsStringAsync());
        Assert.Single(await stack.Mail.WaitForMessagesToAsync(known.Email, 1, MailTimeout));
        Assert.Empty(await stack.Mail.GetMessagesToAsync(unknown));
    }

    [Fact]
    public async Task SignIn_ArabicPreferringPerson_GetsTheEmailInArabicWithTheNameEncoded()
    {
        await using var factory = PortalTestHost.Create(stack);
        var person = await factory.SeedPersonAsync(language: "ar", name: "ليلى <b>حداد</b>");
        using var client = await factory.ClientAsync();

        await client.PostAsJsonAsync("/api/auth/sign-in", new { email = person.Email, language = "en" });

        var mail = Assert.Single(await stack.Mail.WaitForMessagesToAsync(person.Email, 1, MailTimeout));
        Assert.Equal("رابط تسجيل الدخول إلى شبكة الابتكار", mail.GetProperty("subject").GetString());
        var html = mail.GetProperty("html").GetString()!;
        Assert.Contains("dir=\"rtl\"", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetLanguage_ToPolish_IsRememberedAndTheNextEmailIsPolish()
    {
        await using var factory = PortalTestHost.Create(stack);
        var person = await factory.SeedPersonAsync(language: "en");
        using var client = await factory.SignedInClientAsync(person);

        using var changed = await client.PutAsJsonAsync("/api/auth/me/language", new { language = "pl" });
        using var refused = await client.PutAsJsonAsync("/api/auth/me/language", new { language = "xx" });
        var me = await client.GetFromJsonAsync<JsonElement>("/api/auth/me");
        await client.PostAsJsonAsync("/api/auth/sign-in", new { email = person.Email });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.ProblemAsync()).GetProperty("errors").TryGetProperty("language", out _));
        Assert.Equal("pl", me.GetProperty("language").GetString());
        var mail = Assert.Single(await stack.Mail.WaitForMessagesToAsync(person.Email, 1, MailTimeout));
        Assert.Equal("Twój link do logowania w Sieci Innowacji", mail.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Complete_ExpiredToken_Returns400TokenExpiredAndNoSession()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var baseFactory = PortalTestHost.Create(stack);
        await using var factory = baseFactory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(time)));
        var person = await factory.SeedPersonAsync();
        var token = await factory.Services.GetRequiredService<ActionTokens>().IssueAsync("sign-in", person.Id, TimeSpan.FromMinutes(15), default);
        using var client = await factory.ClientAsync();

        time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        using var response = await client.PostAsJsonAsync("/api/auth/complete", new { token });
        using var me = await client.GetAsync("/api/auth/me");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("token_expired", (await response.ProblemAsync()).GetProperty("code").GetString());
        Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("inn.session=", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task Complete_TokenUsedTwice_SecondIs400TokenUsedAndNoSession()
    {
        await using var factory = PortalTestHost.Create(stack);
        var person = await factory.SeedPersonAsync();
        var token = await factory.Services.GetRequiredService<ActionTokens>().IssueAsync("sign-in", person.Id, TimeSpan.FromMinutes(15), default);
        using var first = await factory.ClientAsync();
        using var second = await factory.ClientAsync();

        using var used = await first.PostAsJsonAsync("/api/auth/complete", new { token });
        using var again = await second.PostAsJsonAsync("/api/auth/complete", new { token });
        using var me = await second.GetAsync("/api/auth/me");

        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal("token_used", (await again.ProblemAsync()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("not a token")]
    [InlineData("")]
    public async Task Complete_ForgedToken_Returns400TokenInvalid(string token)
    {
        await using var factory = PortalTestHost.Create(stack);
        using var client = await factory.ClientAsync();

        using var response = await client.PostAsJsonAsync("/api/auth/complete", new { token });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("token_invalid", (await response.ProblemAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Complete_SignInTokenOfAnotherPurpose_IsInvalid()
    {
        await using var factory = PortalTestHost.Create(stack);
        var person = await factory.SeedPersonAsync();
        var token = await factory.Services.GetRequiredService<ActionTokens>().IssueAsync("newsletter-confirm", person.Id, TimeSpan.FromMinutes(15), default);
        using var client = await factory.ClientAsync();

        using var response = await client.PostAsJsonAsync("/api/auth/complete", new { token });

        Assert.Equal("token_invalid", (await response.ProblemAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task SignIn_StrangerAsksTwentyTimes_OwnerStillSignsInAndTheInboxGetsThreeEmails()
    {
        var sent = new CountingEmailSender();
        await using var factory = PortalTestHost.Create(stack, sent.Register);
        var owner = await factory.SeedPersonAsync();
        using var stranger = await factory.ClientAsync();
        using var ownersBrowser = await factory.ClientAsync();

        var answers = new List<(HttpStatusCode Status, string Body)>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await stranger.PostAsJsonAsync("/api/auth/sign-in", new { email = owner.Email });
            answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        using var ownersRequest = await ownersBrowser.PostAsJsonAsync("/api/auth/sign-in", new { email = owner.Email });
        var links = factory.Services.GetRequiredService<SignInLinks>();
        await Wait.UntilAsync(() => links.Pending == 0, "every sign-in request to be handled");
        var inbox = await stack.Mail.WaitForMessagesToAsync(owner.Email, sent.To(owner.Email), MailTimeout);
        using var signedIn = await ownersBrowser.PostAsJsonAsync("/api/auth/complete", new { token = PortalTestHost.TokenFrom(inbox[^1].GetProperty("text").GetString()!) });

        Assert.All(answers, a => Assert.Equal((HttpStatusCode.Accepted, answers[0].Body), a));
        Assert.Equal(HttpStatusCode.Accepted, ownersRequest.StatusCode);
        Assert.Equal(answers[0].Body, await ownersRequest.Content.ReadAsStringAsync());
        Assert.Equal(3, sent.To(owner.Email));
        Assert.Equal(3, inbox.Count);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }

    [Fact]
    public async Task SignIn_OwnerSignsInFourTimesInARow_GetsAFreshLinkEachTime()
    {
        await using var factory = PortalTestHost.Create(stack);
        var owner = await factory.SeedPersonAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 4; i++)
        {
            using var browser = await factory.ClientAsync();
            using var _ = await browser.PostAsJsonAsync("/api/auth/sign-in", new { email = owner.Email });
            var inbox = await stack.Mail.WaitForMessagesToAsync(owner.Email, i, MailTimeout);
            using var signedIn = await browser.PostAsJsonAsync("/api/auth/complete", new { token = PortalTestHost.TokenFrom(inbox[^1].GetProperty("text").GetString()!) });
            statuses.Add(signedIn.StatusCode);
        }

        // The limit of three emails per window holds against strangers; using a link shows the inbox is the owner's.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], statuses);
    }

    [Fact]
    public async Task SignIn_LinkEmailedEarlier_StillWorksAfterAStrangersFloodOfRequests()
    {
        await using var factory = PortalTestHost.Create(stack);
        var owner = await factory.SeedPersonAsync();
        using var ownersBrowser = await factory.ClientAsync();
        using var stranger = await factory.ClientAsync();

        await ownersBrowser.PostAsJsonAsync("/api/auth/sign-in", new { email = owner.Email });
        var first = Assert.Single(await stack.Mail.WaitForMessagesToAsync(owner.Email, 1, MailTimeout));
        for (var i = 0; i < 10; i++)
        {
            using var _ = await stranger.PostAsJsonAsync("/api/auth/sign-in", new { email = owner.Email });
        }

        var links = factory.Services.GetRequiredService<SignInLinks>();
        await Wait.UntilAsync(() => links.Pending == 0, "every sign-in request to be handled");
        using var signedIn = await ownersBrowser.PostAsJsonAsync("/api/auth/complete", new { token = PortalTestHost.TokenFrom(first.GetProperty("text").GetString()!) });

        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }

    [Fact]
    public async Task SignIn_RegisteredAddress_AnswersBeforeTheEmailIsWritten()
    {
        var sent = new CountingEmailSender();
        await using var factory = PortalTestHost.Create(stack, sent.Register);
        var person = await factory.SeedPersonAsync();
        using var client = await factory.ClientAsync();
        sent.Hold();

        // The email cannot be written until released, so an answer now did not wait for the look-up or the email.
        using var answered = await client.PostAsJsonAsync("/api/auth/sign-in", new { email = person.Email }).WaitAsync(TimeSpan.FromSeconds(30));
        var written = sent.To(person.Email);
        sent.Release();

        Assert.Equal(HttpStatusCode.Accepted, answered.StatusCode);
        Assert.Equal(0, written);
        Assert.Single(await stack.Mail.WaitForMessagesToAsync(person.Email, 1, MailTimeout));
    }

    [Fact]
    public async Task SignIn_OneClientManyAddresses_IsLimitedPerClient()
    {
        await using var factory = PortalTestHost.Create(stack, ("RateLimits:PerClientPermits", "3"));
        using var client = await factory.ClientAsync();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.PostAsJsonAsync("/api/auth/sign-in", new { email = PortalTestHost.UniqueEmail("spray") });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task SignIn_WithoutAntiforgeryHeader_Returns400AndSendsNothing()
    {
        await using var factory = PortalTestHost.Create(stack);
        var person = await factory.SeedPersonAsync();
        using var client = factory.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/auth/sign-in", new { email = person.Email });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("antiforgery_invalid", (await response.ProblemAsync()).GetProperty("code").GetString());
        // A request that got through would be counted from its answer until its email is in the outbox.
        await Wait.UntilAsync(() => factory.Services.GetRequiredService<SignInLinks>().Pending == 0, "every sign-in request to be handled");
        Assert.Empty(await EmailOutboxTestKit.RowsToAsync(stack, person.Email));
        Assert.Empty(await EmailOutboxTestKit.WaitForOutboxDrainedAsync(stack, person.Email));
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        await using var factory = PortalTestHost.Create(stack);
        using var client = await factory.SignedInAsAsync();

        using var signedOut = await client.PostAsync("/api/auth/sign-out", null);
        using var me = await client.GetAsync("/api/auth/me");

        Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task SignIn_InvalidEmail_Returns400NamingEmail()
    {
        await using var factory = PortalTestHost.Create(stack);
        using var client = await factory.ClientAsync();

        using var response = await client.PostAsJsonAsync("/api/auth/sign-in", new { email = "not-an-address" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ProblemAsync()).GetProperty("errors").TryGetProperty("email", out _));
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Serverless.Functions.Tests.Identity;

namespace Serverless.Functions.Tests.Registry;

[Collection(StackCollection.Name)]
public sealed class NewsletterTests(StackFixture stack)
{
    [Fact]
    public async Task Subscribe_AddressOutsideMemberDomains_Returns400NamingEmailAndSendsNothing()
    {
        await using var factory = PortalTestHost.Create(stack);
        await factory.SeedOrganisationAsync();
        using var client = await factory.ClientAsync();
        var email = PortalTestHost.UniqueEmail("outsider", "gmail.example");

        using var response = await client.PostAsJsonAsync("/api/public/newsletter", new { email, name = "Outsider", language = "en" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ProblemAsync()).GetProperty("errors").TryGetProperty("email", out _));
        // The request is answered: an email it asked for would be in the outbox already.
        Assert.Empty(await EmailOutboxTestKit.RowsToAsync(stack, email));
        Assert.Empty(await EmailOutboxTestKit.WaitForOutboxDrainedAsync(stack, email));
    }

    [Fact]
    public async Task Subscribe_OfficialSubdomainAddress_DoubleOptInConfirmsOnce()
    {
        await using var factory = PortalTestHost.Create(stack);
        var org = await factory.SeedOrganisationAsync();
        using var client = await factory.ClientAsync();
        var email = PortalTestHost.UniqueEmail("eleni", "innovation." + org.Domains);

        using var asked = await client.PostAsJsonAsync("/api/public/newsletter", new { email, name = "Ελένη", language = "el" });
        var mail = Assert.Single(await stack.Mail.WaitForMessagesToAsync(email, 1, TimeSpan.FromSeconds(20)));
        var text = mail.GetProperty("text").GetString()!;
        using var confirmed = await client.PostAsJsonAsync("/api/public/newsletter/confirm", new { token = PortalTestHost.TokenFrom(text) });
        using var again = await client.PostAsJsonAsync("/api/public/newsletter/confirm", new { token = PortalTestHost.TokenFrom(text) });

        Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
        Assert.Equal("Επιβεβαιώστε την εγγραφή σας στο Δίκτυο Καινοτομίας", mail.GetProperty("subject").GetString());
        Assert.Contains("http://portal.test/newsletter/confirm#token=", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal("confirmed", (await confirmed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal("token_used", (await again.ProblemAsync()).GetProperty("code").GetString());
    }
}

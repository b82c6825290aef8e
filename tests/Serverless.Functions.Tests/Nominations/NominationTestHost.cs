using System.Net.Http.Json;
using System.Text.Json;
using Serverless.Functions.Nominations;
using Serverless.Functions.Registry;
using Serverless.Functions.Tests.Identity;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Nominations;

/// <summary>Helpers for nomination tests: an app on its own task hub, a panel of reviewers, a call, a nominating organisation.</summary>
internal static class NominationTestHost
{
    public static PlatformFactory Create(StackFixture stack, string? taskHub = null, params (string Key, string? Value)[] settings) => PortalTestHost.Create(
        stack,
        [
            ("Durable:TaskHubName", taskHub ?? "nom" + Guid.NewGuid().ToString("N")[..10]),
            ("RateLimits:PerClientPermits", "100000"),
            .. settings,
        ]);

    public static readonly object[] Criteria =
    [
        new { id = "clarity", labels = new Dictionary<string, string> { ["en"] = "Clarity of goals", ["pl"] = "Jasność celów" }, weight = 2.0 },
        new { id = "impact", labels = new Dictionary<string, string> { ["en"] = "Expected positive impact", ["ar"] = "الأثر الإيجابي المتوقع" }, weight = 1.0 },
        new { id = "feasibility", labels = new Dictionary<string, string> { ["en"] = "Practical feasibility", ["el"] = "Πρακτική εφικτότητα" }, weight = 1.0 },
    ];

    public static object CallBody(IEnumerable<string> reviewers, int perNomination = 2, bool passFail = false, bool shareComments = true, DateTimeOffset? closesAt = null, DateTimeOffset? deadline = null, string? id = null, Dictionary<string, List<string>>? conflicts = null) => new
    {
        id,
        titles = new Dictionary<string, string> { ["en"] = "Excellence Makers 2031", ["ar"] = "صنّاع التميّز ٢٠٣١" },
        descriptions = new Dictionary<string, string> { ["en"] = "Nominate an improvement project of your organisation." },
        opensAt = DateTimeOffset.UtcNow.AddDays(-1),
        closesAt = closesAt ?? DateTimeOffset.UtcNow.AddDays(10),
        reviewDeadline = deadline ?? DateTimeOffset.UtcNow.AddDays(20),
        criteria = passFail ? [] : Criteria,
        scaleMax = 5,
        passFail,
        reviewers = reviewers.ToList(),
        reviewsPerNomination = perNomination,
        threshold = 60.0,
        shareComments,
        declaredConflicts = conflicts,
    };

    public static async Task<string> CreateCallAsync(HttpClient admin, object body)
    {
        using var created = await admin.PostAsJsonAsync("/api/nominations/calls", body);
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public static object NominationBody(bool submit = false, string title = "Digital appointment booking for municipal services") => new
    {
        title,
        goals = "Cut waiting times at service counters by half within a year.",
        expectedImpact = "Residents save a visit; staff plan their day.",
        feasibility = "Uses the existing citizen portal; two developers for six months.",
        team = "Anna Kowalska (lead), Piotr Nowak, Layla Haddad",
        submit,
    };

    /// <summary>A nominating organisation and a member of it, signed in.</summary>
    public static async Task<(OrganisationEntity Organisation, PersonEntity Person, HttpClient Client)> NominatorAsync(PlatformFactory factory, string? email = null)
    {
        var organisation = await factory.SeedOrganisationAsync();
        var person = await factory.SeedPersonAsync(email: email, name: "Anna Kowalska", organisationId: organisation.Id);
        return (organisation, person, await factory.SignedInClientAsync(person));
    }

    /// <summary>Reviewers, each in an organisation of their own, with unique addresses at one domain.</summary>
    public static async Task<List<PersonEntity>> ReviewersAsync(PlatformFactory factory, int count, string domain)
    {
        var list = new List<PersonEntity>();
        for (var i = 0; i < count; i++)
        {
            var organisation = await factory.SeedOrganisationAsync();
            list.Add(await factory.SeedPersonAsync(email: $"reviewer{i}@{domain}", name: $"Expert {i}", organisationId: organisation.Id, roles: "reviewer"));
        }

        return list;
    }

    public static async Task<string> SubmitAsync(HttpClient nominator, string callId, string title = "Digital appointment booking for municipal services")
    {
        using var response = await nominator.PostAsJsonAsync($"/api/nominations/calls/{callId}/nominations", NominationBody(submit: true, title: title));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public static HttpRequestMessage WithToken(HttpMethod method, string url, string token, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add(ReviewLinks.TokenHeader, token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    public static async Task<(System.Net.HttpStatusCode Status, JsonElement Body)> ReviewAsync(HttpClient client, HttpMethod method, string token, object? body = null)
    {
        using var request = WithToken(method, "/api/nominations/review", token, body);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public static object Scores(int clarity, int impact, int feasibility, string comment = "Clear goals and a realistic plan.") =>
        new { action = "submit", scores = new Dictionary<string, int> { ["clarity"] = clarity, ["impact"] = impact, ["feasibility"] = feasibility }, comment };

    public static Task<JsonElement> WaitForBoardAsync(HttpClient admin, string callId, Func<JsonElement, bool> done, TimeSpan timeout) =>
        Wait.ForAsync(() => admin.GetFromJsonAsync<JsonElement>($"/api/nominations/calls/{callId}/board"), done, $"the board of call {callId}", timeout, TimeSpan.FromMilliseconds(300));
}

internal static class MailExtensions
{
    /// <summary>Waits until at least <paramref name="count"/> messages reached addresses at the domain; returns (address, message) pairs in arrival order.</summary>
    public static async Task<List<(string To, JsonElement Message)>> WaitForDomainAsync(this MailDevFixture mail, string domain, int count, TimeSpan timeout) =>
        [.. (await mail.WaitForMessagesAsync(m => To(m).EndsWith("@" + domain, StringComparison.OrdinalIgnoreCase), count, "to addresses at " + domain, timeout)).Select(m => (To(m), m))];

    private static string To(JsonElement message) => message.GetProperty("to").EnumerateArray().First().GetProperty("address").GetString()!;

    public static string Text(this JsonElement message) => message.GetProperty("text").GetString()!;

    public static string Subject(this JsonElement message) => message.GetProperty("subject").GetString()!;
}

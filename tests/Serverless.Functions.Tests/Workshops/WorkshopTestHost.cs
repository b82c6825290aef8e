using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Registry;
using Serverless.Functions.Tests.Identity;
using Serverless.Functions.Workshops;

namespace Serverless.Functions.Tests.Workshops;

/// <summary>Helpers for workshop tests: an app on its own task hub, a series with a session, and invitation links issued directly.</summary>
internal static class WorkshopTestHost
{
    public static PlatformFactory Create(StackFixture stack, string? taskHub = null, params (string Key, string? Value)[] settings) =>
        PortalTestHost.Create(stack, Settings(taskHub, settings));

    /// <summary>The same app reading the clock from <paramref name="time"/> (a FakeTimeProvider the test moves on instead of waiting).</summary>
    public static PlatformFactory Create(StackFixture stack, TimeProvider time) =>
        PortalTestHost.Create(stack, services => services.AddSingleton(time), Settings(null, []));

    private static (string Key, string? Value)[] Settings(string? taskHub, (string Key, string? Value)[] settings) =>
    [
        ("Durable:TaskHubName", taskHub ?? "ws" + Guid.NewGuid().ToString("N")[..10]),
        ("RateLimits:PerClientPermits", "100000"),
        .. settings,
    ];

    public static object SessionBody(string? id = null, int capacity = 40, bool waitlist = true, DateTimeOffset? deadline = null, string start = "2031-07-13T10:00", string end = "2031-07-13T12:00") => new
    {
        id,
        titles = new Dictionary<string, string> { ["en"] = "Co-design workshop — first session", ["el"] = "Πρώτο εργαστήριο συν-σχεδιασμού" },
        descriptions = new Dictionary<string, string> { ["en"] = "Innovation as an improvement mechanism." },
        start,
        end,
        timeZone = "Europe/Athens",
        onlineUrl = "https://meet.example.org/codesign-1",
        capacity,
        waitlist,
        registrationDeadline = deadline ?? DateTimeOffset.UtcNow.AddDays(30),
    };

    /// <summary>Creates a series with one question (max 200 characters) and one session; returns (seriesId, sessionId).</summary>
    public static async Task<(string SeriesId, string SessionId)> CreateSeriesAsync(HttpClient admin, int capacity = 40, bool waitlist = true, DateTimeOffset? deadline = null)
    {
        using var created = await admin.PostAsJsonAsync("/api/workshops/series", new
        {
            titles = new Dictionary<string, string> { ["en"] = "Co-design of the Innovation Development Model", ["el"] = "Συν-σχεδιασμός Μοντέλου Ανάπτυξης Καινοτομίας" },
            descriptions = new Dictionary<string, string> { ["en"] = "Online co-design workshops." },
            questions = new[] { new { id = "challenge", labels = new Dictionary<string, string> { ["en"] = "Your management challenge" }, maxLength = 200, required = true } },
        });
        created.EnsureSuccessStatusCode();
        var seriesId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var session = await admin.PostAsJsonAsync($"/api/workshops/series/{seriesId}/sessions", SessionBody(capacity: capacity, waitlist: waitlist, deadline: deadline));
        session.EnsureSuccessStatusCode();
        var sessionId = (await session.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        return (seriesId, sessionId);
    }

    /// <summary>A campaign record and invitation rows written directly (no orchestration), with one link per person.</summary>
    public static async Task<(string CampaignId, List<string> Tokens)> InviteDirectlyAsync(PlatformFactory factory, string seriesId, IReadOnlyList<PersonEntity> people, DateTimeOffset? deadline = null, DateTimeOffset? linkExpiry = null)
    {
        var store = factory.Services.GetRequiredService<WorkshopStore>();
        var links = factory.Services.GetRequiredService<InvitationLinks>();
        var campaignId = "t" + Guid.NewGuid().ToString("N")[..12];
        await store.AddAsync(new CampaignEntity { RowKey = campaignId, SeriesId = seriesId, Name = "test", Deadline = deadline ?? DateTimeOffset.UtcNow.AddDays(20), Total = people.Count, CreatedAt = DateTimeOffset.UtcNow }, default);
        var tokens = new string[people.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, people.Count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var p = people[i];
            await store.AddAsync(new InvitationEntity { PartitionKey = WorkshopStore.CampaignPartition(campaignId), RowKey = p.Id, CampaignId = campaignId, SeriesId = seriesId, PersonId = p.Id, Email = p.Email, Name = p.Name, Status = InvitationStatus.Sent, CreatedAt = DateTimeOffset.UtcNow }, ct);
            tokens[i] = await links.IssueInvitationAsync(campaignId, p.Id, linkExpiry ?? DateTimeOffset.UtcNow.AddDays(60), ct);
        });
        return (campaignId, [.. tokens]);
    }

    public static async Task<List<PersonEntity>> SeedPeopleAsync(PlatformFactory factory, int count, string language = "en")
    {
        var people = new PersonEntity[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            people[i] = await factory.SeedPersonAsync(language: language, name: $"Invitee {i:D4}"));
        return [.. people];
    }

    public static HttpRequestMessage WithToken(HttpMethod method, string url, string token, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add(InvitationLinks.TokenHeader, token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    public static async Task<HttpResponseMessage> RegisterAsync(HttpClient client, string token, string sessionId, string answer = "Measuring the results of innovation projects.")
    {
        using var request = WithToken(HttpMethod.Post, "/api/workshops/invitation/registration", token, new { sessionId, answers = new Dictionary<string, string> { ["challenge"] = answer }, consent = true });
        return await client.SendAsync(request);
    }

    public static async Task<JsonElement> SendAsync(HttpClient client, HttpMethod method, string url, string token, object? body = null)
    {
        using var request = WithToken(method, url, token, body);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}

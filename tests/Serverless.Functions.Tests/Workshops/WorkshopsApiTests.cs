using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Tests.Identity;
using Serverless.Functions.Workshops;

namespace Serverless.Functions.Tests.Workshops;

[Collection(StackCollection.Name)]
public sealed class WorkshopsApiTests(StackFixture stack)
{
    [Fact]
    public async Task CreateSeriesAndSession_ValidInput_StoresLocalTimesAndUtcAndEmptyCounters()
    {
        await using var factory = WorkshopTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("coordinator");

        var (seriesId, sessionId) = await WorkshopTestHost.CreateSeriesAsync(admin, capacity: 25);
        var series = await admin.GetFromJsonAsync<JsonElement>($"/api/workshops/series/{seriesId}");

        var session = series.GetProperty("sessions").EnumerateArray().Single();
        Assert.Equal(sessionId, session.GetProperty("id").GetString());
        Assert.Equal("2031-07-13T10:00", session.GetProperty("start").GetString());
        Assert.Equal("Europe/Athens", session.GetProperty("timeZone").GetString());
        Assert.Equal(new DateTimeOffset(2031, 7, 13, 7, 0, 0, TimeSpan.Zero), session.GetProperty("startUtc").GetDateTimeOffset());
        Assert.Equal(25, session.GetProperty("seats").GetProperty("capacity").GetInt32());
        Assert.Equal(0, session.GetProperty("seats").GetProperty("taken").GetInt32());
        Assert.Equal("challenge", series.GetProperty("questions")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task CreateSession_BadFields_Returns400NamingEachFieldAndWritesNothing()
    {
        await using var factory = WorkshopTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var (seriesId, _) = await WorkshopTestHost.CreateSeriesAsync(admin);

        using var response = await admin.PostAsJsonAsync($"/api/workshops/series/{seriesId}/sessions", new
        {
            titles = new Dictionary<string, string> { ["tlh"] = "Qapla'" },
            start = "2031-07-13T12:00",
            end = "2031-07-13T10:00",
            timeZone = "Mars/Olympus",
            onlineUrl = "javascript:alert(1)",
            capacity = 0,
            registrationDeadline = (DateTimeOffset?)null,
        });
        var series = await admin.GetFromJsonAsync<JsonElement>($"/api/workshops/series/{seriesId}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var fields = (await response.ProblemAsync()).GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("titles.tlh", fields);
        Assert.Contains("timeZone", fields);
        Assert.Contains("onlineUrl", fields);
        Assert.Contains("capacity", fields);
        Assert.Contains("registrationDeadline", fields);
        Assert.Single(series.GetProperty("sessions").EnumerateArray());
    }

    [Fact]
    public async Task CreateSeries_BadQuestionsAndNoTitle_Returns400AndMemberCannotCreate()
    {
        await using var factory = WorkshopTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        using var member = await factory.SignedInAsAsync();

        using var bad = await admin.PostAsJsonAsync("/api/workshops/series", new
        {
            titles = new Dictionary<string, string>(),
            questions = new[] { new { id = "Bad Id", labels = new Dictionary<string, string> { ["en"] = "?" }, maxLength = 0, required = false } },
        });
        using var forbidden = await member.PostAsJsonAsync("/api/workshops/series", new { titles = new Dictionary<string, string> { ["en"] = "x" } });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var fields = (await bad.ProblemAsync()).GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["questions[0].id", "questions[0].maxLength", "titles"], fields.Order());
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task UpdateSession_StaleETag_Returns412AndCapacityBelowTakenIsRefused()
    {
        await using var factory = WorkshopTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var (seriesId, sessionId) = await WorkshopTestHost.CreateSeriesAsync(admin, capacity: 2);
        var people = await WorkshopTestHost.SeedPeopleAsync(factory, 2);
        var (_, tokens) = await WorkshopTestHost.InviteDirectlyAsync(factory, seriesId, people);
        using var client = await factory.ClientAsync();
        foreach (var token in tokens)
        {
            using var registered = await WorkshopTestHost.RegisterAsync(client, token, sessionId);
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/workshops/series/{seriesId}/sessions/{sessionId}") { Content = JsonContent.Create(WorkshopTestHost.SessionBody(capacity: 30)) };
        stale.Headers.TryAddWithoutValidation("If-Match", "W/\"datetime'2000-01-01T00%3A00%3A00.0000000Z'\"");
        using var conflict = await admin.SendAsync(stale);
        using var mistyped = new HttpRequestMessage(HttpMethod.Put, $"/api/workshops/series/{seriesId}/sessions/{sessionId}") { Content = JsonContent.Create(WorkshopTestHost.SessionBody(capacity: 30)) };
        mistyped.Headers.TryAddWithoutValidation("If-Match", "not an etag");
        using var malformed = await admin.SendAsync(mistyped);
        using var tooSmall = await admin.PutAsJsonAsync($"/api/workshops/series/{seriesId}/sessions/{sessionId}", WorkshopTestHost.SessionBody(capacity: 1));
        using var deleteRefused = await admin.DeleteAsync($"/api/workshops/series/{seriesId}/sessions/{sessionId}");

        Assert.Equal(HttpStatusCode.PreconditionFailed, conflict.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooSmall.StatusCode);
        Assert.True((await tooSmall.ProblemAsync()).GetProperty("errors").TryGetProperty("capacity", out _));
        Assert.Equal(HttpStatusCode.Conflict, deleteRefused.StatusCode);
        Assert.Equal("session_has_registrations", (await deleteRefused.ProblemAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task AttendanceSurveyAndResults_AttendeesRate_ResultsAggregatePerSessionAndSeries()
    {
        await using var factory = WorkshopTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("coordinator");
        var (seriesId, sessionId) = await WorkshopTestHost.CreateSeriesAsync(admin);
        var people = await WorkshopTestHost.SeedPeopleAsync(factory, 3);
        var (_, tokens) = await WorkshopTestHost.InviteDirectlyAsync(factory, seriesId, people);
        using var client = await factory.ClientAsync();
        foreach (var token in tokens)
        {
            (await WorkshopTestHost.RegisterAsync(client, token, sessionId)).Dispose();
        }

        foreach (var p in people.Take(2))
        {
            using var marked = await admin.PutAsJsonAsync($"/api/workshops/series/{seriesId}/registrations/{p.Id}/attendance", new { attended = true });
            Assert.Equal(HttpStatusCode.OK, marked.StatusCode);
        }

        using var sent = await admin.PostAsync($"/api/workshops/series/{seriesId}/sessions/{sessionId}/survey", null);
        using var again = await admin.PostAsync($"/api/workshops/series/{seriesId}/sessions/{sessionId}/survey", null);
        var surveyMail = await stack.Mail.WaitForMessagesToAsync(people[0].Email, 2, TimeSpan.FromSeconds(20));
        var surveyToken = PortalTestHost.TokenFrom(surveyMail.Single(m => m.GetProperty("subject").GetString()!.Contains("How was", StringComparison.Ordinal)).GetProperty("text").GetString()!);
        var secondMail = await stack.Mail.WaitForMessagesToAsync(people[1].Email, 2, TimeSpan.FromSeconds(20));
        var secondToken = PortalTestHost.TokenFrom(secondMail.Single(m => m.GetProperty("subject").GetString()!.Contains("How was", StringComparison.Ordinal)).GetProperty("text").GetString()!);

        var page = await WorkshopTestHost.SendAsync(client, HttpMethod.Get, "/api/workshops/survey", surveyToken);
        using var bad = WorkshopTestHost.WithToken(HttpMethod.Post, "/api/workshops/survey", surveyToken, new { ratings = new { overall = 6, content = 4 }, comment = "" });
        using var badResponse = await client.SendAsync(bad);
        await WorkshopTestHost.SendAsync(client, HttpMethod.Post, "/api/workshops/survey", surveyToken, new { ratings = new { overall = 5, content = 4, facilitation = 5 }, comment = "<b>Great</b> workshop" });
        await WorkshopTestHost.SendAsync(client, HttpMethod.Post, "/api/workshops/survey", secondToken, new { ratings = new { overall = 3, content = 4, facilitation = 4 } });
        using var twice = WorkshopTestHost.WithToken(HttpMethod.Post, "/api/workshops/survey", surveyToken, new { ratings = new { overall = 1, content = 1, facilitation = 1 } });
        using var twiceResponse = await client.SendAsync(twice);
        var results = await admin.GetFromJsonAsync<JsonElement>($"/api/workshops/series/{seriesId}/feedback");

        Assert.Equal(2, (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sent").GetInt32());
        Assert.Equal(0, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sent").GetInt32());
        Assert.False(page.GetProperty("submitted").GetBoolean());
        Assert.Equal(HttpStatusCode.BadRequest, badResponse.StatusCode);
        var badFields = (await badResponse.ProblemAsync()).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToList();
        Assert.Equal(["ratings.facilitation", "ratings.overall"], badFields);
        Assert.Equal(HttpStatusCode.Conflict, twiceResponse.StatusCode);
        var overall = results.GetProperty("series").GetProperty("ratings").EnumerateArray().First(r => r.GetProperty("question").GetString() == "overall");
        Assert.Equal(2, overall.GetProperty("count").GetInt32());
        Assert.Equal(4.0, overall.GetProperty("average").GetDouble());
        Assert.Equal([0, 0, 1, 0, 1], overall.GetProperty("distribution").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal("<b>Great</b> workshop", results.GetProperty("sessions")[0].GetProperty("comments")[0].GetString());
    }

    [Fact]
    public async Task ExportRegistrations_AnswersWithFormulasAndMarkup_AreCsvTextDefused()
    {
        await using var factory = WorkshopTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var (seriesId, sessionId) = await WorkshopTestHost.CreateSeriesAsync(admin);
        var people = await WorkshopTestHost.SeedPeopleAsync(factory, 1);
        var (_, tokens) = await WorkshopTestHost.InviteDirectlyAsync(factory, seriesId, people);
        using var client = await factory.ClientAsync();
        (await WorkshopTestHost.RegisterAsync(client, tokens[0], sessionId, "=HYPERLINK(\"http://evil\") <script>x</script>")).Dispose();

        var csv = await admin.GetStringAsync($"/api/workshops/series/{seriesId}/registrations.csv");

        Assert.StartsWith("name,email,organisationId,sessionId,sessionStart,status,waitlistPosition,attended,registeredAt,answer:challenge", csv.TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil\"\") <script>x</script>\"", csv, StringComparison.Ordinal);
        Assert.NotNull(factory.Services.GetRequiredService<WorkshopStore>());
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Serverless.Functions.Tests.Identity;

namespace Serverless.Functions.Tests.Workshops;

/// <summary>An invitee reads the server's field errors in the language of the page, or else in their own.</summary>
[Collection(StackCollection.Name)]
public sealed class RegistrationLanguageTests(StackFixture stack)
{
    [Fact]
    public async Task Register_MissingAnswerOnArabicPage_ProblemAndFieldErrorsAreInArabic()
    {
        await using var factory = WorkshopTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var (seriesId, sessionId) = await WorkshopTestHost.CreateSeriesAsync(admin);
        var people = await WorkshopTestHost.SeedPeopleAsync(factory, 1, language: "el");
        var (_, tokens) = await WorkshopTestHost.InviteDirectlyAsync(factory, seriesId, people);
        using var client = await factory.ClientAsync();

        using var request = WorkshopTestHost.WithToken(HttpMethod.Post, "/api/workshops/invitation/registration", tokens[0], new { sessionId, answers = new Dictionary<string, string>() });
        request.Headers.AcceptLanguage.ParseAdd("ar");
        using var response = await client.SendAsync(request);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var registrations = await admin.GetFromJsonAsync<JsonElement>($"/api/workshops/series/{seriesId}/registrations");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("يجب تصحيح بعض الحقول.", problem.GetProperty("title").GetString());
        Assert.Equal("أجب عن هذا السؤال.", problem.GetProperty("errors").GetProperty("answers.challenge")[0].GetString());
        Assert.Equal("وافق على استخدام بياناتك لأغراض ورش العمل لكي تسجّل.", problem.GetProperty("errors").GetProperty("consent")[0].GetString());
        Assert.Empty(registrations.EnumerateArray());
    }

    [Fact]
    public async Task Register_NoLanguageAsked_ErrorsAreInTheInviteesLanguage()
    {
        await using var factory = WorkshopTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var (seriesId, _) = await WorkshopTestHost.CreateSeriesAsync(admin);
        var people = await WorkshopTestHost.SeedPeopleAsync(factory, 1, language: "pl");
        var (_, tokens) = await WorkshopTestHost.InviteDirectlyAsync(factory, seriesId, people);
        using var client = await factory.ClientAsync();

        using var request = WorkshopTestHost.WithToken(HttpMethod.Post, "/api/workshops/invitation/registration", tokens[0], new { sessionId = "no-such-session", answers = new Dictionary<string, string> { ["challenge"] = new string('x', 201) }, consent = true });
        using var response = await client.SendAsync(request);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Wybierz jedno ze spotkań cyklu.", errors.GetProperty("sessionId")[0].GetString());
        Assert.Equal("Odpowiedź jest za długa. Limit znaków: 200; użyto: 201.", errors.GetProperty("answers.challenge")[0].GetString());
    }
}

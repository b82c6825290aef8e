using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serverless.Functions.DemoData;
using Serverless.Functions.Tests.Identity;
using Serverless.Functions.Workshops;

namespace Serverless.Functions.Tests.Workshops;

[Collection(StackCollection.Name)]
public sealed class WorkshopDemoDataTests(StackFixture stack)
{
    [Fact]
    public async Task Load_AfterTheDemoNetwork_CreatesTheGreekCoDesignSeriesOnceWithFeedback()
    {
        // The same first admin as DemoDataTests, whichever of the two loads the shared network first.
        await using var factory = WorkshopTestHost.Create(stack, null, ("Auth:FirstAdminEmail", "admin@innovation.localhost"));
        await factory.Services.GetRequiredService<DemoDataLoader>().LoadAsync(default);
        var demo = factory.Services.GetServices<IHostedService>().OfType<WorkshopDemoData>().Single();

        await demo.LoadAsync(default);
        await demo.LoadAsync(default);
        using var admin = await factory.SignedInAsAsync("coordinator");
        var series = await admin.GetFromJsonAsync<JsonElement>($"/api/workshops/series/{WorkshopDemoData.SeriesId}");
        var registrations = await admin.GetFromJsonAsync<JsonElement>($"/api/workshops/series/{WorkshopDemoData.SeriesId}/registrations");
        var feedback = await admin.GetFromJsonAsync<JsonElement>($"/api/workshops/series/{WorkshopDemoData.PilotSeriesId}/feedback");

        var sessions = series.GetProperty("sessions").EnumerateArray().ToList();
        Assert.Equal(3, sessions.Count);
        Assert.All(sessions, s => Assert.EndsWith("T10:00", s.GetProperty("start").GetString(), StringComparison.Ordinal));
        Assert.All(sessions, s => Assert.Equal("Europe/Athens", s.GetProperty("timeZone").GetString()));
        Assert.Equal("Συν-σχεδιασμός Μοντέλου Ανάπτυξης Καινοτομίας Δημοσίων Οργανώσεων", series.GetProperty("titles").GetProperty("el").GetString());
        Assert.Equal("Your management challenge", series.GetProperty("questions")[0].GetProperty("labels").GetProperty("en").GetString());
        Assert.Equal(4, registrations.GetArrayLength());
        Assert.Equal(5, feedback.GetProperty("series").GetProperty("responses").GetInt32());

        // The upcoming sessions remind their registrants, as sessions created in the portal do.
        var durable = factory.Services.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>();
        foreach (var session in await factory.Services.GetRequiredService<WorkshopStore>().ListSessionsAsync(WorkshopDemoData.SeriesId, default))
        {
            var reminder = await durable.GetInstanceAsync(SessionReminderOrchestrator.InstanceIdFor(session.SeriesId, session.Id, session.StartUtc));
            Assert.NotNull(reminder);
            Assert.Equal(nameof(SessionReminderOrchestrator), reminder.Name);
        }
    }
}

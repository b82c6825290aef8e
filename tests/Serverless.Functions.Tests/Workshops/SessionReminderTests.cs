using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Tests.Identity;
using Serverless.Functions.Workshops;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Workshops;

[Collection(StackCollection.Name)]
public sealed class SessionReminderTests(StackFixture stack)
{
    [Fact]
    public async Task Reminder_LeadTimeBeforeTheSession_EmailsEveryoneWithASeatOnce()
    {
        // The session starts on 13 July 2031 at 07:00 UTC; the lead is set so that the reminder falls due in a few seconds.
        var start = new DateTimeOffset(2031, 7, 13, 7, 0, 0, TimeSpan.Zero);
        var lead = start - DateTimeOffset.UtcNow - TimeSpan.FromSeconds(8);
        await using var factory = WorkshopTestHost.Create(stack, null, ("Workshops:SessionReminderLead", lead.ToString("c", CultureInfo.InvariantCulture)));
        using var admin = await factory.SignedInAsAsync("admin");
        var (seriesId, sessionId) = await WorkshopTestHost.CreateSeriesAsync(admin, capacity: 1);
        var people = await WorkshopTestHost.SeedPeopleAsync(factory, 2, language: "pl");
        var (_, tokens) = await WorkshopTestHost.InviteDirectlyAsync(factory, seriesId, people);
        using var client = await factory.ClientAsync();
        foreach (var token in tokens)
        {
            using var registered = await WorkshopTestHost.RegisterAsync(client, token, sessionId);
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        var seated = await stack.Mail.WaitForMessagesToAsync(people[0].Email, 2, TimeSpan.FromSeconds(40));
        // The reminders are all in the outbox once the session's reminder orchestration has finished.
        var durable = factory.Services.GetRequiredService<DurableTaskClient>();
        var reminderId = SessionReminderOrchestrator.InstanceIdFor(seriesId, sessionId, start);
        await Wait.UntilAsync(async () => (await durable.GetInstanceAsync(reminderId))?.RuntimeStatus == OrchestrationRuntimeStatus.Completed, "the session's reminder orchestration to complete");
        var waiting = await EmailOutboxTestKit.WaitForOutboxDrainedAsync(stack, people[1].Email);

        Assert.Equal(2, seated.Count);
        // The confirmation and the reminder, in whichever order the deliveries finished.
        var reminder = Assert.Single(seated, m => m.GetProperty("subject").GetString()!.StartsWith("Przypomnienie", StringComparison.Ordinal));
        Assert.Contains("Europe/Athens", reminder.GetProperty("text").GetString()!, StringComparison.Ordinal);
        Assert.Single(waiting);
        Assert.NotNull(await admin.GetFromJsonAsync<object>($"/api/workshops/series/{seriesId}"));
    }
}

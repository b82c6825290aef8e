using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using Serverless.Functions.AzureHost;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Tests.Identity;

namespace Serverless.Functions.Tests.AzureHost;

/// <summary>
/// The Functions host cannot run here, so its entry points are called directly, as the worker would
/// call them, and must reach the same handlers as the local app: the same answers over HTTP, the
/// endpoints using the client the [DurableClient] binding gave, the outbox delivered from the queue
/// trigger and the sweep from the timer.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class FunctionEntryPointTests(StackFixture stack)
{
    [Fact]
    public async Task HttpFunction_AnswersEveryKindOfCaller_AsTheLocalApp()
    {
        await using var local = PortalTestHost.Create(stack);
        using var host = AzureHostTestKit.Build(stack);
        using var anonymous = local.CreateClient();
        var client = Substitute.For<DurableTaskClient>("test");

        (HttpMethod Method, string Path, string? Json)[] requests =
        [
            (HttpMethod.Get, "/api/no-such-route", null),
            (HttpMethod.Get, "/api/auth/me", null),
            (HttpMethod.Get, "/api/admin/orchestrations", null),
            (HttpMethod.Post, "/api/auth/sign-in", "{\"email\":\"someone@example.gov\"}"),
            (HttpMethod.Get, "/api/workshops/invitation?token=not-a-token", null),
            (HttpMethod.Get, "/api/admin/orchestrations?pageSize=0", null),
        ];
        foreach (var (method, path, json) in requests)
        {
            using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
            using var expected = await anonymous.SendAsync(request);
            var actual = await host.InvokeAsync(client, method, path, json);

            Assert.True((int)expected.StatusCode == actual.Status, $"{method} {path}: local {(int)expected.StatusCode}, Azure {actual.Status}: {actual.Body}");
            Assert.Equal(expected.Content.Headers.ContentType?.MediaType, actual.ContentType?.Split(';')[0]);
            if (actual.ContentType?.StartsWith("application/problem+json", StringComparison.Ordinal) == true)
            {
                Assert.Equal(Title(await expected.Content.ReadAsStringAsync()), Title(actual.Body));
            }
        }

        // The health endpoint answers in both; in Azure the host runs the engine and the check says so.
        var health = await host.InvokeAsync(client, HttpMethod.Get, "/api/health");
        Assert.Equal(200, health.Status);
        Assert.Contains("run by the Functions host", health.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpFunction_SignedInAdmin_ReachesTheEndpointWithTheBoundClient()
    {
        await using var local = PortalTestHost.Create(stack);
        using var host = AzureHostTestKit.Build(stack);
        var (_, cookie) = await local.SignInWithCookieAsync(await local.SeedPersonAsync(roles: "admin"));
        var client = Substitute.For<DurableTaskClient>("test");
        client.GetInstanceAsync("campaign-x", Arg.Any<bool>(), Arg.Any<CancellationToken>()).Returns((OrchestrationMetadata?)null);

        // A session made by the local app (shared keys and sessions table) is believed by the worker.
        var me = await host.InvokeAsync(client, HttpMethod.Get, "/api/auth/me", cookie: cookie);
        var missing = await host.InvokeAsync(client, HttpMethod.Get, "/api/admin/orchestrations/campaign-x", cookie: cookie);

        Assert.Equal(200, me.Status);
        Assert.Equal(404, missing.Status);
        Assert.Equal("No such orchestration instance.", Title(missing.Body));
        await client.Received().GetInstanceAsync("campaign-x", Arg.Any<bool>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task QueueTrigger_DeliversTheOutboxRow_AndTimer_DeliversWhatIsDue()
    {
        using var host = AzureHostTestKit.Build(stack);
        var functions = ActivatorUtilities.CreateInstance<MaintenanceFunctions>(host.Services);
        var sender = host.Services.GetRequiredService<IEmailSender>();
        var client = Substitute.For<DurableTaskClient>("test");
        var first = PortalTestHost.UniqueEmail("queue");
        var second = PortalTestHost.UniqueEmail("timer");

        // In Azure the sender only writes the row and nudges the queue; nothing is delivered until a trigger runs.
        await sender.SendAsync(Message(first));
        await sender.SendAsync(Message(second));
        Assert.Empty(await stack.Mail.GetMessagesToAsync(first));

        var outcome = await functions.DeliverEmailAsync(Message(first).KeyHash, client, default);
        Assert.Equal(DispatchOutcome.Delivered, outcome);
        Assert.Single(await stack.Mail.WaitForMessagesToAsync(first, 1, TimeSpan.FromSeconds(30)));

        await functions.SweepAsync(new TimerInfo(), client, default);
        Assert.Single(await stack.Mail.WaitForMessagesToAsync(second, 1, TimeSpan.FromSeconds(30)));
        Assert.Single(await stack.Mail.GetMessagesToAsync(first));
    }

    private static EmailMessage Message(string to) => new()
    {
        MessageKey = "azure-entry-" + to,
        To = to,
        Subject = "Entry point check",
        TextBody = "Delivered by a trigger.",
        HtmlBody = "<p>Delivered by a trigger.</p>",
    };

    private static string? Title(string problem) =>
        JsonDocument.Parse(problem).RootElement.TryGetProperty("title", out var title) ? title.GetString() : null;
}

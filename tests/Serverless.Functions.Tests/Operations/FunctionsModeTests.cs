using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Durable;
using Serverless.Functions.Tests.Identity;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Operations;

/// <summary>
/// Functions mode (DESIGN §2): pollers off; the test plays the Functions host, taking each queue
/// message and delivering it to the invocation endpoint named in FunctionDefinitions.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class FunctionsModeTests(StackFixture stack)
{
    private static readonly string Definitions = Path.Combine(RepositoryPaths.Root, "functions", "Serverless.Functions", "FunctionDefinitions");

    [Fact]
    public async Task Invocations_QueueMessagesDeliveredByTheHost_RunAnOrchestrationToCompletion()
    {
        var hub = "fn" + Guid.NewGuid().ToString("N")[..8];
        await using var factory = PortalTestHost.Create(
            stack,
            services => services.AddDurableTask(r => r.AddOrchestrator<ApprovalOrchestrator>().AddActivity<RecordDecision>()),
            ("Durable:TaskHubName", hub),
            ("Durable:EnablePollers", "false"),
            ("Email:EnablePollers", "false"));
        using var host = factory.CreateClient();
        var client = factory.Services.GetRequiredService<DurableTaskClient>();
        var queues = new Dictionary<string, QueueClient>
        {
            ["orchestrations"] = Queue(hub + "-control"),
            ["activities"] = Queue(hub + "-workitems"),
        };

        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalOrchestrator), "proposal 3");
        var delivered = await PumpAsync(host, queues, until: async () => (await client.GetInstanceAsync(id))?.RuntimeStatus == OrchestrationRuntimeStatus.Running);
        await client.RaiseEventAsync(id, "Decision", "approved");
        delivered += await PumpAsync(host, queues, until: async () => (await client.GetInstanceAsync(id))?.IsCompleted == true);

        var done = await client.GetInstanceAsync(id, getInputsAndOutputs: true);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done!.RuntimeStatus);
        Assert.Equal("PROPOSAL 3: APPROVED", done.ReadOutputAs<string>());
        Assert.True(delivered >= 3, $"only {delivered} invocations were needed");
    }

    [Fact]
    public void FunctionDefinitions_EveryQueueAndTimerTrigger_HasAnInvocationEndpoint()
    {
        var expected = new[] { "activities", "email-outbox", "http", "orchestrations", "sweeper" };
        var folders = Directory.GetDirectories(Definitions).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(expected, folders);

        foreach (var folder in folders)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Definitions, folder!, "function.json")));
            var trigger = json.RootElement.GetProperty("bindings")[0].GetProperty("type").GetString();
            Assert.Equal(folder switch { "http" => "httpTrigger", "sweeper" => "timerTrigger", _ => "queueTrigger" }, trigger);
        }
    }

    [Fact]
    public async Task SweeperInvocation_TimerTick_AnswersWithWhatItDid()
    {
        await using var factory = PortalTestHost.Create(stack, ("Durable:EnablePollers", "false"), ("Email:EnablePollers", "false"));
        using var host = factory.CreateClient();

        using var response = await host.PostAsJsonAsync("/sweeper", new { Data = new { timer = new { IsPastDue = false } }, Metadata = new { } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("swept:", body.GetProperty("logs")[0].GetString(), StringComparison.Ordinal);
    }

    private QueueClient Queue(string name) =>
        new(stack.Storage.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    // Plays the Functions host: receive, POST the custom-handler payload, delete on 200.
    private static async Task<int> PumpAsync(HttpClient host, Dictionary<string, QueueClient> queues, Func<Task<bool>> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var delivered = 0;
        while (!await until())
        {
            Assert.True(DateTime.UtcNow < deadline, "the orchestration did not progress");
            var any = false;
            foreach (var (function, queue) in queues)
            {
                await queue.CreateIfNotExistsAsync();
                foreach (var message in (await queue.ReceiveMessagesAsync(16, TimeSpan.FromSeconds(30))).Value)
                {
                    any = true;
                    using var response = await host.PostAsJsonAsync("/" + function, new
                    {
                        Data = new { message = message.MessageText },
                        Metadata = new { message.DequeueCount, Id = message.MessageId },
                    });
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                    delivered++;
                }
            }

            if (!any)
            {
                await Task.Delay(50);
            }
        }

        return delivered;
    }
}

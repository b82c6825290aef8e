using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Serverless.Functions.Tests.Identity;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Operations;

/// <summary>
/// Functions mode (docs/design.md §2): pollers off; the test plays the Functions host, taking each queue
/// message and delivering it to the invocation endpoint named in FunctionDefinitions.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class FunctionsModeTests(StackFixture stack)
{
    private static readonly string Definitions = Path.Combine(RepositoryPaths.Root, "functions", "Serverless.Functions", "FunctionDefinitions");

    [Fact]
    public void FunctionDefinitions_EveryQueueAndTimerTrigger_HasAnInvocationEndpoint()
    {
        var expected = new[] { "email-outbox", "http", "sweeper" };
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
        await using var factory = PortalTestHost.Create(stack, ("Durable:EnableWorker", "false"), ("Email:EnablePollers", "false"));
        using var host = factory.CreateClient();

        using var response = await host.PostAsJsonAsync("/sweeper", new { Data = new { timer = new { IsPastDue = false } }, Metadata = new { } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("swept:", body.GetProperty("logs")[0].GetString(), StringComparison.Ordinal);
    }
}

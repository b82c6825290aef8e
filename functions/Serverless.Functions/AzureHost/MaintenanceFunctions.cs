using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Functions;

namespace Serverless.Functions.AzureHost;

/// <summary>
/// The host's timer and queue triggers, calling the handlers that the local app's hosted services
/// call: the email outbox delivers the row a queue message names (locally: <see cref="EmailDispatcherService"/>
/// polling the same queue), and every 30 seconds the outbox sweep and the features' maintenance sweeps
/// run (locally: the dispatcher's sweep and <see cref="MaintenanceSweepService"/>).
/// </summary>
public sealed class MaintenanceFunctions(
    EmailDispatcher dispatcher,
    IEnumerable<IMaintenanceSweep> sweeps,
    DurableClientAccessor clients,
    ILogger<MaintenanceFunctions> logger)
{
    public const string EmailOutbox = "email-outbox";
    public const string Sweeper = "sweeper";

    [Function(EmailOutbox)]
    public async Task<DispatchOutcome> DeliverEmailAsync(
        [QueueTrigger(EmailOutbox, Connection = "AzureWebJobsStorage")] string keyHash,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        clients.Bind(client);
        var outcome = await dispatcher.DispatchAsync(keyHash, cancellationToken);
        logger.LogDebug("Email {KeyHash}: {Outcome}", keyHash, outcome);
        return outcome;
    }

    [Function(Sweeper)]
    public async Task<int> SweepAsync(
        [TimerTrigger("*/30 * * * * *")] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        clients.Bind(client);
        var delivered = await dispatcher.SweepAsync(cancellationToken);
        var repaired = await MaintenanceSweepService.RunAllAsync(sweeps, logger, cancellationToken);
        logger.LogInformation("Swept: {Delivered} emails delivered, {Repaired} items repaired", delivered, repaired);
        return delivered + repaired;
    }
}

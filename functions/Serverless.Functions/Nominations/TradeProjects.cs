using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Serverless.Functions.Platform.Durable;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Nominations;

/// <summary>
/// A selected nomination's TRADE project: created with its tracking (<see cref="TradeProjectOrchestrator"/>)
/// when the nomination is selected, and woken when its team lead reports or its approver decides a gate.
/// </summary>
public sealed class TradeProjects(NominationStore store, DurableTaskClient durable, IOptions<NominationOptions> options, TimeProvider time)
{
    /// <summary>Creates the project of a selected nomination and starts its tracking (idempotent: fixed ids).</summary>
    public async Task StartAsync(NominationEntity nomination, string approverId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await store.TryAddAsync(
            new ProjectEntity
            {
                RowKey = nomination.Id,
                CallId = nomination.CallId,
                NominationId = nomination.Id,
                Title = nomination.Title,
                OrganisationId = nomination.OrganisationId,
                TeamLeadId = nomination.SubmitterId,
                Team = nomination.Team,
                GateApproverId = approverId,
                Deliverables = TableJson.Write(TradeStages.DefaultDeliverables),
                CreatedAt = now,
                UpdatedAt = now,
            },
            ct);
        await durable.StartOnceAsync(
            nameof(TradeProjectOrchestrator),
            new TradeProjectOrchestrator.Input(nomination.Id, options.Value.ProgressReportInterval, options.Value.ProgressReminderBefore),
            TradeProjectOrchestrator.InstanceIdFor(nomination.Id),
            ct);
    }

    /// <summary>A project written without its tracking running (demo data) wakes nothing: the provider drops the event, and the record is what counts.</summary>
    public Task WakeAsync(string projectId, string eventName, object payload, CancellationToken ct) =>
        durable.RaiseEventAsync(TradeProjectOrchestrator.InstanceIdFor(projectId), eventName, payload, ct);
}

using Serverless.Functions.Platform.Functions;

namespace Serverless.Functions.Workshops;

/// <summary>
/// Finishes registrations whose request stopped after the seat was granted (see
/// <see cref="RegistrationEntity.FollowUpDueAt"/>): rows owed for longer than a request can take.
/// </summary>
public sealed class RegistrationFollowUpSweep(WorkshopStore store, RegistrationService registrations, TimeProvider time) : IMaintenanceSweep
{
    /// <summary>A request finishes its own follow-up well within this.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var completed = 0;
        foreach (var row in await store.ListFollowUpsDueAsync(time.GetUtcNow() - Grace, cancellationToken))
        {
            if (await registrations.CompleteFollowUpAsync(row, cancellationToken))
            {
                completed++;
            }
        }

        return completed;
    }
}

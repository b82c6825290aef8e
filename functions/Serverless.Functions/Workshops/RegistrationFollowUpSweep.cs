using Serverless.Functions.Platform.Functions;

namespace Serverless.Functions.Workshops;

/// <summary>
/// Finishes registrations whose request stopped after the seat was granted (see
/// <see cref="RegistrationEntity.FollowUpDueAt"/>): rows owed for longer than a request can take.
/// </summary>
public sealed class RegistrationFollowUpSweep(WorkshopStore store, RegistrationFollowUps followUps, RegistrationEmails emails, TimeProvider time) : IMaintenanceSweep
{
    /// <summary>A request finishes its own follow-up well within this.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var completed = 0;
        var places = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var row in await store.ListFollowUpsDueAsync(time.GetUtcNow() - Grace, cancellationToken))
        {
            // A waitlisted person's email names their place: each series' waitlist is read once per sweep, not once per row.
            int? place = null;
            if (row.Status == RegistrationStatus.Waitlisted)
            {
                if (!places.TryGetValue(row.SeriesId, out var series))
                {
                    places[row.SeriesId] = series = await emails.WaitlistPlacesAsync(row.SeriesId, cancellationToken);
                }

                place = series.TryGetValue(row.PersonId, out var p) ? p : null;
            }

            if (await followUps.CompleteAsync(row, place, cancellationToken))
            {
                completed++;
            }
        }

        return completed;
    }
}

using System.Collections.Concurrent;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Serverless.Functions.Platform.Durable;
using Serverless.Functions.Platform.Functions;

namespace Serverless.Functions.Cohorts;

/// <summary>
/// Schedules an onboarding round that a start request numbered (and whose participants it took in)
/// but did not live to schedule. Only rounds of cohorts untouched for <see cref="Grace"/> are
/// considered, so a start still in progress is left alone; a round seen scheduled is not looked at again.
/// </summary>
public sealed class CohortOnboardingSweep(CohortStore store, DurableTaskClient durable, IOptions<CohortOptions> options, TimeProvider time) : IMaintenanceSweep
{
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, bool> _scheduled = new(StringComparer.Ordinal);

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var started = 0;
        foreach (var cohort in await store.ListCohortsAsync(cancellationToken))
        {
            started += await SweepCohortAsync(cohort, cancellationToken);
        }

        return started;
    }

    /// <summary>Schedules the cohort's rounds that have no orchestration; returns how many it started.</summary>
    public async Task<int> SweepCohortAsync(CohortEntity cohort, CancellationToken cancellationToken)
    {
        if (cohort.OnboardingRounds == 0 || cohort.OnboardingDeadline is not { } deadline || cohort.Timestamp is not { } touched || time.GetUtcNow() - touched < Grace)
        {
            return 0;
        }

        var started = 0;
        for (var round = 1; round <= cohort.OnboardingRounds; round++)
        {
            var instanceId = CohortOnboardingOrchestrator.InstanceIdFor(cohort.Id, round);
            if (_scheduled.ContainsKey(instanceId))
            {
                continue;
            }

            if (await durable.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken) is null)
            {
                var hours = options.Value.DefaultReminderHoursBefore;
                var input = new CohortOnboardingOrchestrator.Input(cohort.Id, round, deadline.UtcDateTime, hours > 0 ? deadline.UtcDateTime.AddHours(-hours) : null, options.Value.FirstRefresh);
                await durable.StartOnceAsync(nameof(CohortOnboardingOrchestrator), input, instanceId, cancellationToken);
                started++;
            }

            _scheduled[instanceId] = true;
        }

        return started;
    }
}

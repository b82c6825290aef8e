using System.Security.Cryptography;
using System.Text;
using Microsoft.DurableTask;

namespace Serverless.Functions.Platform.Durable;

/// <summary>What every orchestrator of the platform does the same way: how it retries an activity, and how it waits for its children.</summary>
public static class OrchestrationSteps
{
    /// <summary>
    /// The retry policy of every activity call: five attempts, two seconds after the first failure,
    /// doubling, never more than a minute apart. Activities are idempotent, so a retry is safe.
    /// </summary>
    public static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(2), 2, TimeSpan.FromMinutes(1)));

    /// <summary>
    /// The first <paramref name="length"/> hex digits of the SHA-256 of a business key: the part of
    /// an instance id that makes it deterministic (a repeated start is harmless) and safe as a key.
    /// </summary>
    public static string InstanceKey(string businessKey, int length) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(businessKey)))[..length];

    /// <summary>
    /// Waits for every child (activities or sub-orchestrations scheduled together), adding each
    /// result to the progress as it finishes and reporting the progress as the custom status, so
    /// the workflow monitor shows a long fan-out moving. Returns the progress once all are done.
    /// </summary>
    public static async Task<TProgress> WhenAllReportingAsync<TResult, TProgress>(
        this TaskOrchestrationContext context, IEnumerable<Task<TResult>> children, TProgress progress, Func<TProgress, TResult, TProgress> add)
    {
        context.SetCustomStatus(progress);
        var pending = children.ToList();
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending);
            pending.Remove(done);
            progress = add(progress, await done);
            context.SetCustomStatus(progress);
        }

        return progress;
    }
}

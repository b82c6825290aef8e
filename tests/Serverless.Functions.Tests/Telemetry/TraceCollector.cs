using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;

namespace Serverless.Functions.Tests.Telemetry;

/// <summary>Every span of the given traces that ends in this process (other tests' apps share the process and its sources).</summary>
internal sealed class TraceCollector(params ActivityTraceId[] traceIds) : BaseProcessor<Activity>
{
    private readonly ConcurrentDictionary<ActivitySpanId, Activity> _spans = new();

    public IReadOnlyList<Activity> All => [.. _spans.Values.OrderBy(s => s.StartTimeUtc)];

    public Activity? Find(Func<Activity, bool> predicate) => _spans.Values.FirstOrDefault(predicate);

    /// <summary>The span and its parents, up to the first one whose parent did not end here.</summary>
    public List<Activity> AncestryOf(Activity span)
    {
        var chain = new List<Activity> { span };
        while (_spans.TryGetValue(chain[^1].ParentSpanId, out var parent) && chain.Count < 20)
        {
            chain.Add(parent);
        }

        return chain;
    }

    public override void OnEnd(Activity data)
    {
        if (traceIds.Contains(data.TraceId))
        {
            _spans.TryAdd(data.SpanId, data);
        }
    }
}

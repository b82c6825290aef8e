using System.Collections;
using System.Diagnostics;
using Xunit.Sdk;

namespace Serverless.Testing;

/// <summary>
/// The tests' one way to wait: poll a condition until it holds, or fail saying what was awaited and
/// what was last seen. A test never sleeps a fixed time; a generous timeout costs nothing when the
/// condition is met early.
/// </summary>
public static class Wait
{
    /// <summary>Long enough for a loaded machine; a met condition returns at once.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Polls until <paramref name="condition"/> holds.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null, TimeSpan? every = null, Func<string>? context = null) =>
        ForAsync(() => Task.FromResult(condition()), done => done, what, timeout, every, _ => "the condition did not hold", context);

    /// <summary>Polls until <paramref name="condition"/> holds.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, TimeSpan? every = null, Func<string>? context = null) =>
        ForAsync(condition, done => done, what, timeout, every, _ => "the condition did not hold", context);

    /// <summary>
    /// Observes a value until <paramref name="done"/> accepts it and returns that value; on timeout
    /// fails naming <paramref name="what"/>, the last value (through <paramref name="describe"/>, or
    /// its count or text) and <paramref name="context"/> (for example a process's last log lines).
    /// </summary>
    public static async Task<T> ForAsync<T>(
        Func<Task<T>> observe,
        Func<T, bool> done,
        string what,
        TimeSpan? timeout = null,
        TimeSpan? every = null,
        Func<T, string>? describe = null,
        Func<string>? context = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var last = await observe();
            if (done(last))
            {
                return last;
            }

            if (clock.Elapsed > limit)
            {
                var seen = describe is not null ? describe(last) : Describe(last);
                var more = context is null ? "" : "\n" + context();
                throw new XunitException($"Timed out after {limit} waiting for {what}. Last observed: {seen}{more}");
            }

            await Task.Delay(every ?? DefaultInterval);
        }
    }

    private static string Describe(object? value) => value switch
    {
        null => "nothing",
        string text => text,
        ICollection list => $"{list.Count} item(s)",
        _ => value.ToString() ?? "",
    };
}

using System.Diagnostics;

namespace Serverless.Testing;

/// <summary>Runs a program of the repository (a build, a script) from a test and waits for its end.</summary>
public static class CommandLine
{
    public sealed record Result(int ExitCode, string Output, string Errors);

    /// <summary>
    /// Runs the program in the repository root, reading its output and errors to the end. A program
    /// started from <c>dotnet test</c> does not inherit the test run's own MSBuild and VSTest settings,
    /// which would change what a nested build does.
    /// </summary>
    public static async Task<Result> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException(program + " did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return new Result(process.ExitCode, await output, await errors);
    }

    /// <summary>Ends a started process and everything it started, if it still runs, and releases it.</summary>
    public static async ValueTask StopAsync(this Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Gone already.
        }

        process.Dispose();
    }
}

using System.Diagnostics;
using Serverless.Testing;

namespace Serverless.Functions.Tests.AzureHost;

/// <summary>
/// The function app as azd deploys it: <c>dotnet publish -c Release</c> of functions/Serverless.Functions
/// into a temporary folder, once for the test class.
/// </summary>
public sealed class PublishedFunctionsApp : IAsyncLifetime
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("published-functions-").FullName;

    public async Task InitializeAsync()
    {
        var project = Path.Combine(RepositoryPaths.Root, "functions", "Serverless.Functions", "Serverless.Functions.csproj");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "publish", project, "-c", "Release", "-o", Folder, "--nologo", "-v", "quiet", "-clp:ErrorsOnly" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryPaths.Root,
        };

        // dotnet test hands its own MSBuild settings to child processes; a nested build must not inherit them.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}):\n{await output}\n{await errors}");
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }

    public string Read(string file) => File.ReadAllText(Path.Combine(Folder, file));
}

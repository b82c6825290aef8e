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
        var publish = await CommandLine.RunAsync("dotnet", ["publish", project, "-c", "Release", "-o", Folder, "--nologo", "-v", "quiet", "-clp:ErrorsOnly"], TimeSpan.FromMinutes(10));
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed ({publish.ExitCode}):\n{publish.Output}\n{publish.Errors}");
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }

    public string Read(string file) => File.ReadAllText(Path.Combine(Folder, file));
}

using Serverless.Functions.AzureHost;
using Serverless.Functions.Platform.Configuration;
using Serverless.Functions.Platform.Durable;
using Serverless.Functions.Platform.Hosting;
using Serverless.Functions.Platform.Http;

// In Azure the Functions host starts this executable as its .NET isolated worker.
if (FunctionsApp.IsStartedByFunctionsHost(args))
{
    await FunctionsApp.RunAsync(args);
    return;
}

// Locally and in the tests: one ASP.NET Core process with the orchestration engine in it.
var builder = WebApplication.CreateBuilder(args);

// Settings: appsettings, then the "app" section of host.json, then environment.
builder.Configuration.AddHostJsonAppSection();
builder.Configuration.AddEnvironmentVariables();

builder.AddFeatures();
builder.AddDurable();

var app = builder.Build();

app.UseApiMiddleware();
app.MapApis();
app.UseWebAssets();

await app.RunAsync();

/// <summary>The entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;

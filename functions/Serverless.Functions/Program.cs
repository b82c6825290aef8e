using Serverless.Functions.Audit;
using Serverless.Functions.Cohorts;
using Serverless.Functions.DemoData;
using Serverless.Functions.Health;
using Serverless.Functions.Identity;
using Serverless.Functions.Nominations;
using Serverless.Functions.Operations;
using Serverless.Functions.Platform.Configuration;
using Serverless.Functions.Platform.Durable;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Functions;
using Serverless.Functions.Platform.Http;
using Serverless.Functions.Platform.Localization;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Registry;
using Serverless.Functions.Workshops;

var builder = WebApplication.CreateBuilder(args);

// Settings: appsettings, then the "app" section of host.json, then environment (app settings in Azure).
builder.Configuration.AddHostJsonAppSection();
builder.Configuration.AddEnvironmentVariables();

// Azure Functions runs this app as a custom handler and tells it which port to listen on.
if (Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT") is { Length: > 0 } port)
{
    builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
}

builder.AddPlatform();
builder.AddStorage();
builder.AddEmail();
builder.AddDurable();
builder.AddMessageCatalogue();
builder.AddAudit();
builder.AddSecurity();
builder.AddIdentity();
builder.AddRegistry();
builder.AddDemoData();
builder.AddWorkshops();
builder.AddNominations();
builder.AddCohorts();

var app = builder.Build();

app.UsePlatform();
app.UseSecurity();
app.MapHealthApi();
app.MapAuthApi();
app.MapRegistryApi();
app.MapWorkshopsApi();
app.MapNominationsApi();
app.MapCohortsApi();
app.MapAuditApi();
app.MapOrchestrationsAdminApi();
app.MapCustomHandlerApi();
app.UseWebAssets();

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;

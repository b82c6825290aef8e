using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Registry;

namespace Serverless.Functions.DemoData;

public sealed class DemoDataOptions
{
    public const string SectionName = "DemoData";

    /// <summary>On in appsettings.Development.json only; never honoured in Azure.</summary>
    public bool Enabled { get; set; }
}

/// <summary>
/// Loads the demo network once per storage account. Every row has a fixed id and is added, not
/// overwritten, so two processes starting together (or a load cut short) end with the same data;
/// the marker row, added last, says the load finished and makes later starts skip it.
/// </summary>
public sealed class DemoDataLoader(
    StorageClients storage,
    OrganisationStore organisations,
    PeopleStore people,
    IAuditLog audit,
    IOptions<AuthOptions> auth,
    TimeProvider time,
    ILogger<DemoDataLoader> logger)
{
    public const string MarkerTable = "DemoData";
    public const string MarkerPartition = "marker";
    public const string NetworkMarker = "network-v1";
    private const string Actor = "system:demo-data";

    /// <summary>True when this call finished the load; false when it had been loaded before.</summary>
    public async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        var markers = storage.Tables.GetTableClient(MarkerTable);
        await markers.CreateIfNotExistsAsync(cancellationToken);
        if ((await markers.GetEntityIfExistsAsync<TableEntity>(MarkerPartition, NetworkMarker, cancellationToken: cancellationToken)).HasValue)
        {
            return false;
        }

        var now = time.GetUtcNow();
        foreach (var o in DemoNetwork.Organisations)
        {
            var entity = new OrganisationEntity
            {
                RowKey = o.Id,
                Names = JsonSerializer.Serialize(o.Names),
                Type = o.Type,
                Country = o.Country,
                Level = o.Level,
                Domains = o.Domain,
                CreatedAt = now,
                UpdatedAt = now,
            };
            if (await organisations.CreateAsync(entity, cancellationToken) == WriteOutcome.Done)
            {
                await audit.RecordAsync(new AuditRecord(OrganisationsApi.RecordType, entity.Id, "created", After: entity.ToAudit()) { Actor = Actor }, cancellationToken);
            }
        }

        foreach (var p in DemoNetwork.People)
        {
            var person = new PersonEntity
            {
                Id = p.Id,
                Name = p.Name,
                Email = PeopleStore.NormalizeEmail(p.Email),
                OrganisationId = p.OrganisationId,
                NetworkRole = p.NetworkRole,
                PreferredLanguage = p.Language,
                ConsentGivenAt = now,
                ConsentTextVersion = "demo-2025-1",
                CreatedAt = now,
                UpdatedAt = now,
            };
            person.SetRoles(p.Roles);
            await CreatePersonAsync(person, cancellationToken);
        }

        if (auth.Value.FirstAdminEmail is { Length: > 0 } adminEmail && await people.FindByEmailAsync(adminEmail, cancellationToken) is null)
        {
            var admin = new PersonEntity
            {
                Id = "demo-admin",
                Name = "Network Administrator",
                Email = PeopleStore.NormalizeEmail(adminEmail),
                NetworkRole = "platform administrator",
                PreferredLanguage = "en",
                CreatedAt = now,
                UpdatedAt = now,
            };
            admin.SetRoles([Roles.Admin, Roles.Member]);
            await CreatePersonAsync(admin, cancellationToken);
        }

        try
        {
            await markers.AddEntityAsync(new TableEntity(MarkerPartition, NetworkMarker) { ["LoadedAt"] = time.GetUtcNow() }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status409Conflict)
        {
            return false;
        }

        logger.LogInformation(
            "Demo network loaded: {Organisations} organisations, {People} people; sign in as {Admin} through the local inbox",
            DemoNetwork.Organisations.Length,
            DemoNetwork.People.Length,
            auth.Value.FirstAdminEmail ?? "(no Auth:FirstAdminEmail)");
        return true;
    }

    private async Task CreatePersonAsync(PersonEntity person, CancellationToken cancellationToken)
    {
        if (await people.CreateAsync(person, cancellationToken) == WriteOutcome.Done)
        {
            await audit.RecordAsync(new AuditRecord(PeopleApi.RecordType, person.Id, "created", After: person.ToAudit()) { Actor = Actor }, cancellationToken);
        }
    }
}

/// <summary>Runs the loader at start-up when DemoData:Enabled is on, outside Azure; waits out a storage emulator that is still starting.</summary>
public sealed class DemoDataService(DemoDataLoader loader, IOptions<DemoDataOptions> options, ILogger<DemoDataService> logger) : BackgroundService
{
    /// <summary>App Service and Functions set these in Azure; demo data never goes there.</summary>
    public static bool RunningInAzure =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WEBSITE_INSTANCE_ID"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WEBSITE_SITE_NAME"));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled || RunningInAzure)
        {
            return;
        }

        for (var attempt = 1; attempt <= 5 && !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await loader.LoadAsync(stoppingToken);
                return;
            }
            catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or StorageConfigurationException or AggregateException)
            {
                logger.LogWarning("Demo data not loaded yet (attempt {Attempt} of 5): {Reason}", attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(3 * attempt), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}

public static class DemoDataExtensions
{
    public static IHostApplicationBuilder AddDemoData(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<DemoDataOptions>(builder.Configuration.GetSection(DemoDataOptions.SectionName));
        builder.Services.AddSingleton<DemoDataLoader>();
        builder.Services.AddHostedService<DemoDataService>();
        return builder;
    }
}

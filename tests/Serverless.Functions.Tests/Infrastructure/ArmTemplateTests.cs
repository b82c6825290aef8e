using System.ComponentModel;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Serverless.Functions.Platform.Durable;

namespace Serverless.Functions.Tests.Infrastructure;

/// <summary>
/// A deployment cannot be tried here, so these read the ARM template compiled from infra/main.bicep
/// and check what the app needs from it in Azure: the isolated worker's runtime, app settings that
/// name real options, the identity's roles and the Static Web App's backend.
/// </summary>
public sealed partial class ArmTemplateTests(CompiledInfrastructure infra) : IClassFixture<CompiledInfrastructure>
{
    /// <summary>Sections set in "Section__Property" form that no options class of the app binds, and who reads them.</summary>
    private static readonly Dictionary<string, string> SectionsReadByOthers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["AzureWebJobsStorage"] = "the Functions host's storage connection (host storage, Durable task hub, queue triggers)",
        ["AzureFunctionsJobHost"] = "host.json overrides, read by the Functions host",
        ["Logging"] = "Microsoft.Extensions.Logging",
    };

    private static readonly string[] StorageRoles =
    [
        "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", // Storage Blob Data Owner
        "974c5e8b-45b9-4653-ba55-5f855dd0fb88", // Storage Queue Data Contributor
        "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", // Storage Table Data Contributor
    ];

    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    /// <summary>Settings the app needs in Azure, with the value where the template sets a literal one (null: any value).</summary>
    public static TheoryData<string, string?> RequiredSettings => new()
    {
        { "AzureWebJobsStorage__accountName", null },
        { "AzureWebJobsStorage__credential", "managedidentity" },
        { "AzureWebJobsStorage__clientId", null },
        { "AZURE_CLIENT_ID", null },
        { "APPLICATIONINSIGHTS_CONNECTION_STRING", null },
        { "Storage__TableEndpoint", null },
        { "Storage__QueueEndpoint", null },
        { "Storage__BlobEndpoint", null },
        { "Durable__TaskHubName", null },
        { "Email__Provider", "AzureCommunicationServices" },
        { "Email__AcsEndpoint", null },
        { "Email__From", null },
        { "Email__EnablePollers", "false" },
        { "Auth__PublicBaseUrl", null },
        { "DemoData__Enabled", "false" },
    };

    [Fact]
    public void FunctionApp_RunsTheIsolatedWorkerOnDotnet10_OnAFlexConsumptionPlan()
    {
        var site = infra.FunctionApp;

        Assert.Equal("dotnet-isolated", site.Text("properties.functionAppConfig.runtime.name"));
        Assert.Equal("10.0", site.Text("properties.functionAppConfig.runtime.version"));
        Assert.Contains("linux", site.Text("kind"), StringComparison.OrdinalIgnoreCase);
        var plan = Assert.Single(site.Deployment.Resources, r => r.Type == "Microsoft.Web/serverfarms");
        Assert.Equal(ResourceId("Microsoft.Web/serverfarms", plan.Text("name")), site.Text("properties.serverFarmId"));
        Assert.Equal("FC1", plan.Text("sku.name"));
        Assert.Equal("FlexConsumption", plan.Text("sku.tier"));
    }

    [Fact]
    public void AppSettings_InSectionPropertyForm_NameAPublicSettablePropertyOfTheSectionsOptions()
    {
        var options = OptionsClassesBySection();
        Assert.Contains(DurableOptions.SectionName, options.Keys); // the reflection finds the app's options at all
        var problems = new List<string>();
        foreach (var (name, value) in infra.AppSettings)
        {
            var path = name.Split("__");
            if (path.Length < 2 || SectionsReadByOthers.ContainsKey(path[0]))
            {
                continue;
            }

            if (!options.TryGetValue(path[0], out var types))
            {
                problems.Add($"{name}: no options class has SectionName \"{path[0]}\"");
                continue;
            }

            var property = types.Select(t => Property(t, path[1..])).FirstOrDefault(p => p is not null);
            if (property is null)
            {
                problems.Add($"{name}: {string.Join(" or ", types.Select(t => t.Name))} has no public settable property {string.Join('.', path[1..])}");
                continue;
            }

            // A literal value must convert to the property's type, as the configuration binder will do it.
            if (value is JsonValue && !ArmDeployment.Text(value).Contains(ArmDeployment.SymbolPrefix, StringComparison.Ordinal))
            {
                var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                try
                {
                    TypeDescriptor.GetConverter(type).ConvertFromInvariantString(ArmDeployment.Text(value));
                }
                catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException)
                {
                    problems.Add($"{name}: \"{ArmDeployment.Text(value)}\" is no {type.Name} ({e.Message})");
                }
            }
        }

        Assert.True(problems.Count == 0, "App settings the app does not read as set:\n" + string.Join('\n', problems));
    }

    [Theory]
    [MemberData(nameof(RequiredSettings))]
    public void AppSettings_TheAppNeedsInAzure_AreSet(string name, string? literal)
    {
        Assert.True(infra.AppSettings.TryGetValue(name, out var value), $"The function app's settings lack {name}; it has {string.Join(", ", infra.AppSettings.Keys)}.");
        Assert.False(string.IsNullOrWhiteSpace(ArmDeployment.Text(value)), name + " is empty.");
        if (literal is not null)
        {
            Assert.Equal(literal, ArmDeployment.Text(value));
        }
    }

    [Fact]
    public void AppSettings_FlexConsumptionAndKeylessStorage_LeaveOutWhatThePlatformRefuses()
    {
        // Flex Consumption takes the runtime from functionAppConfig and rejects these as app settings;
        // a connection string would need the account keys, which are off.
        string[] refused = ["FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "AzureWebJobsStorage", "Storage__ConnectionString"];

        Assert.Empty(infra.AppSettings.Keys.Intersect(refused, StringComparer.OrdinalIgnoreCase));
        Assert.Matches(TaskHubNamePattern(), ArmDeployment.Text(infra.AppSettings["Durable__TaskHubName"]));
    }

    [Fact]
    public void Identity_TheAppRunsAsAndConnectsWith_IsOneUserAssignedIdentity()
    {
        var identity = infra.IdentityId;

        Assert.StartsWith(ArmDeployment.SymbolPrefix + "resource(Microsoft.ManagedIdentity/userAssignedIdentities/", identity, StringComparison.Ordinal);
        Assert.Equal(identity, infra.FunctionApp.Text("properties.keyVaultReferenceIdentity"));
        var clientId = Reference(identity, "clientId");
        Assert.Equal(clientId, ArmDeployment.Text(infra.AppSettings["AZURE_CLIENT_ID"]));
        Assert.Equal(clientId, ArmDeployment.Text(infra.AppSettings["AzureWebJobsStorage__clientId"]));
        Assert.Equal("UserAssignedIdentity", infra.FunctionApp.Text("properties.functionAppConfig.deployment.storage.authentication.type"));
        Assert.Equal(identity, infra.FunctionApp.Text("properties.functionAppConfig.deployment.storage.authentication.userAssignedIdentityResourceId"));
    }

    [Fact]
    public void RoleAssignments_GiveTheAppIdentity_TheDurableFunctionsRolesOnTheHostStorageAccount()
    {
        var principal = Reference(infra.IdentityId, "principalId");
        var account = ArmDeployment.Text(infra.AppSettings["AzureWebJobsStorage__accountName"]);
        var storage = ResourceId("Microsoft.Storage/storageAccounts", account);
        Assert.Contains(infra.Main.AllResources, r => r.Type == "Microsoft.Storage/storageAccounts" && r.Text("name") == account);
        foreach (var endpoint in new[] { "Blob", "Queue", "Table" })
        {
            // The app's own clients and the host's connection reach the same account.
            Assert.Contains(account, ArmDeployment.Text(infra.AppSettings[$"Storage__{endpoint}Endpoint"]), StringComparison.Ordinal);
        }

        var granted = AppRoles(principal).Where(r => r.Scope == storage).Select(r => r.Role).ToList();

        Assert.All(StorageRoles, role => Assert.Contains(role, granted));
    }

    [Fact]
    public void RoleAssignments_GiveTheAppIdentity_TelemetryPublishingOnApplicationInsights()
    {
        var principal = Reference(infra.IdentityId, "principalId");
        var insights = Assert.Single(infra.Main.AllResources, r => r.Type == "Microsoft.Insights/components");

        Assert.Equal("true", insights.Text("properties.DisableLocalAuth"));
        Assert.Contains(AppRoles(principal), r => r.Role == MonitoringMetricsPublisher && r.Scope == ResourceId("Microsoft.Insights/components", insights.Text("name")));
        Assert.Equal("Authorization=AAD", ArmDeployment.Text(infra.AppSettings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]).Split(';')[^1]);
    }

    [Fact]
    public void StaticWebApp_LinksTheFunctionAppAsItsBackend_AndEmailedLinksOpenIt()
    {
        var web = Assert.Single(infra.Main.AllResources, r => r.Type == "Microsoft.Web/staticSites");
        var backend = Assert.Single(infra.Main.AllResources, r => r.Type == "Microsoft.Web/staticSites/linkedBackends");
        var webName = web.Text("name");

        Assert.Equal("Standard", web.Text("sku.name"));
        Assert.Equal(webName + "/api", backend.Text("name"));
        Assert.Equal(ResourceId("Microsoft.Web/sites", infra.FunctionApp.Text("name")), backend.Text("properties.backendResourceId"));
        Assert.Equal("https://" + Reference(ResourceId("Microsoft.Web/staticSites", webName), "defaultHostname"), ArmDeployment.Text(infra.AppSettings["Auth__PublicBaseUrl"]));
    }

    private List<(string Scope, string Role)> AppRoles(string principal) =>
        [.. infra.Main.AllResources
            .Where(r => r.Type == "Microsoft.Authorization/roleAssignments" && !r.IsConditional && r.Text("properties.principalId") == principal)
            .Select(r => (r.Text("scope"), RoleGuid().Match(r.Text("properties.roleDefinitionId")).Groups[1].Value))];

    private static string ResourceId(string type, string name) => $"{ArmDeployment.SymbolPrefix}resource({type}/{name})";

    private static string Reference(string resourceId, string property) => $"{ArmDeployment.SymbolPrefix}reference({resourceId}).{property}";

    private static Dictionary<string, List<Type>> OptionsClassesBySection()
    {
        Type[] types;
        try
        {
            types = typeof(DurableOptions).Assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = [.. e.Types.OfType<Type>()];
        }

        return types
            .Select(t => (Type: t, Field: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string))
            .GroupBy(x => (string)x.Field!.GetRawConstantValue()!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Type).ToList(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The property the configuration binder sets for this path: settable at the end, an object to bind into on the way.</summary>
    private static PropertyInfo? Property(Type type, string[] path)
    {
        PropertyInfo? property = null;
        foreach (var (segment, i) in path.Select((s, i) => (s, i)))
        {
            property = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .FirstOrDefault(p => string.Equals(p.Name, segment, StringComparison.OrdinalIgnoreCase) && p.GetIndexParameters().Length == 0);
            var last = i == path.Length - 1;
            if (property is null || (last && property.SetMethod is not { IsPublic: true }) || (!last && !property.PropertyType.IsClass))
            {
                return null;
            }

            type = property.PropertyType;
        }

        return property;
    }

    [GeneratedRegex("roleDefinitions/([0-9a-fA-F-]{36})\\)$")]
    private static partial Regex RoleGuid();

    // DurableOptions.TaskHubName: 3-45 letters and digits, starting with a letter.
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,44}$")]
    private static partial Regex TaskHubNamePattern();
}

/// <summary>infra/main.bicep compiled once for the class, with the function app and its settings found.</summary>
public sealed class CompiledInfrastructure : IAsyncLifetime
{
    internal ArmDeployment Main { get; private set; } = null!;

    internal ArmResource FunctionApp { get; private set; } = null!;

    /// <summary>The resource id of the one user-assigned identity the function app runs as.</summary>
    internal string IdentityId { get; private set; } = null!;

    /// <summary>The function app's settings, from its appsettings config resource and siteConfig.appSettings.</summary>
    internal Dictionary<string, JsonNode?> AppSettings { get; } = new(StringComparer.OrdinalIgnoreCase);

    public async Task InitializeAsync()
    {
        Main = await ArmDeployment.CompileMainAsync();
        FunctionApp = Assert.Single(Main.AllResources, r => r.Type == "Microsoft.Web/sites" && r.Text("kind").Contains("functionapp", StringComparison.OrdinalIgnoreCase));

        var identities = FunctionApp.Evaluate("identity.userAssignedIdentities")?.AsObject() ?? [];
        IdentityId = Assert.Single(identities).Key;

        var siteName = FunctionApp.Text("name");
        foreach (var config in FunctionApp.Deployment.Resources.Where(r => r.Type == "Microsoft.Web/sites/config" && r.Text("name") == siteName + "/appsettings"))
        {
            foreach (var (name, value) in config.Evaluate("properties")?.AsObject() ?? [])
            {
                AppSettings[name] = value?.DeepClone();
            }
        }

        foreach (var setting in FunctionApp.Evaluate("properties.siteConfig.appSettings")?.AsArray() ?? [])
        {
            AppSettings[ArmDeployment.Text(setting?["name"])] = setting?["value"]?.DeepClone();
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

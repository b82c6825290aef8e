using System.Runtime.Serialization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Platform.Validation;

namespace Serverless.Functions.Registry;

/// <summary>An organisation in the Organisations table (partition "org", row = id).</summary>
public sealed class OrganisationEntity : ITableEntity
{
    public string PartitionKey { get; set; } = OrganisationStore.Partition;

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary>Names by language, as a JSON object ({"en": "...", "ar": "..."}).</summary>
    public string Names { get; set; } = "{}";

    public string Type { get; set; } = "";

    /// <summary>ISO 3166-1 alpha-2.</summary>
    public string Country { get; set; } = "";

    /// <summary>national, regional or local.</summary>
    public string Level { get; set; } = "";

    /// <summary>Official email domains, lower case, comma-separated.</summary>
    public string Domains { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    [IgnoreDataMember]
    public string Id => RowKey;

    [IgnoreDataMember]
    public IReadOnlyDictionary<string, string> NameMap => JsonSerializer.Deserialize<Dictionary<string, string>>(Names) ?? [];

    [IgnoreDataMember]
    public IReadOnlyList<string> DomainList => Domains.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The name in the language asked for, else English, else any.</summary>
    public string NameIn(string language)
    {
        var names = NameMap;
        return names.TryGetValue(language, out var name) ? name : names.TryGetValue("en", out var en) ? en : names.Values.FirstOrDefault() ?? Id;
    }

    /// <summary>True when the address is on one of the official domains or a subdomain of one.</summary>
    public bool OwnsAddress(string email)
    {
        var at = email.LastIndexOf('@');
        if (at < 0)
        {
            return false;
        }

        var host = email[(at + 1)..].Trim().TrimEnd('.').ToLowerInvariant();
        return DomainList.Any(d => host == d || host.EndsWith("." + d, StringComparison.Ordinal));
    }

    public Organisation ToContract() => new(Id, NameMap, Type, Country, Level, DomainList, CreatedAt, UpdatedAt, ETag.ToString());

    public object ToAudit() => ToContract() with { ETag = "" };
}

public sealed record Organisation(
    string Id,
    IReadOnlyDictionary<string, string> Names,
    string Type,
    string Country,
    string Level,
    IReadOnlyList<string> Domains,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string ETag);

/// <summary>Create or replace an organisation. <see cref="Id"/> is optional on create (a readable slug such as "kprm-pl").</summary>
public sealed record OrganisationRequest(string? Id, Dictionary<string, string>? Names, string? Type, string? Country, string? Level, List<string>? Domains);

/// <summary>Organisations are few (hundreds): one partition, listed whole and sorted in memory.</summary>
public sealed class OrganisationStore(StorageClients storage)
{
    public const string TableName = "Organisations";
    public const string Partition = "org";
    private volatile bool _created;

    public async Task<OrganisationEntity?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (!FieldRules.IsValidId(id))
        {
            return null;
        }

        var table = await TableAsync(cancellationToken);
        var found = await table.GetEntityIfExistsAsync<OrganisationEntity>(Partition, id, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    public async Task<List<OrganisationEntity>> ListAsync(CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var list = new List<OrganisationEntity>();
        await foreach (var org in table.QueryAsync<OrganisationEntity>(o => o.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            list.Add(org);
        }

        return list;
    }

    public async Task<WriteOutcome> CreateAsync(OrganisationEntity organisation, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        try
        {
            var response = await table.AddEntityAsync(organisation, cancellationToken);
            organisation.ETag = response.Headers.ETag ?? organisation.ETag;
            return WriteOutcome.Done;
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status409Conflict)
        {
            return WriteOutcome.Exists;
        }
    }

    public async Task<WriteOutcome> UpdateAsync(OrganisationEntity organisation, ETag ifMatch, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        try
        {
            var response = await table.UpdateEntityAsync(organisation, ifMatch, TableUpdateMode.Replace, cancellationToken);
            organisation.ETag = response.Headers.ETag ?? organisation.ETag;
            return WriteOutcome.Done;
        }
        catch (RequestFailedException ex) when (ex.Status is StatusCodes.Status412PreconditionFailed or StatusCodes.Status404NotFound)
        {
            return WriteOutcome.Conflict;
        }
    }

    public async Task<WriteOutcome> DeleteAsync(string id, ETag ifMatch, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        try
        {
            await table.DeleteEntityAsync(Partition, id, ifMatch, cancellationToken);
            return WriteOutcome.Done;
        }
        catch (RequestFailedException ex) when (ex.Status is StatusCodes.Status412PreconditionFailed or StatusCodes.Status404NotFound)
        {
            return WriteOutcome.Conflict;
        }
    }

    private async Task<TableClient> TableAsync(CancellationToken cancellationToken)
    {
        var table = storage.Tables.GetTableClient(TableName);
        if (!_created)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
            _created = true;
        }

        return table;
    }
}

using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Registry;

/// <summary>A person in the People table (partition "people", row "person|{id}").</summary>
public sealed class PersonEntity : ITableEntity
{
    public string PartitionKey { get; set; } = PeopleStore.Partition;

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public string Email { get; set; } = "";

    public string? OrganisationId { get; set; }

    public string? NetworkRole { get; set; }

    public string PreferredLanguage { get; set; } = "en";

    /// <summary>Portal roles, comma-separated.</summary>
    public string Roles { get; set; } = Platform.Security.Roles.Member;

    public DateTimeOffset? ConsentGivenAt { get; set; }

    public string? ConsentTextVersion { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    [IgnoreDataMember]
    public IReadOnlyList<string> RoleList => Roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public void SetRoles(IEnumerable<string> roles) =>
        Roles = string.Join(',', roles.Where(Platform.Security.Roles.IsKnown).Distinct().Order(StringComparer.Ordinal));

    public PersonEntity Copy() => (PersonEntity)MemberwiseClone();

    public Person ToContract() => new(
        Id, Name, Email, OrganisationId, NetworkRole, PreferredLanguage, RoleList,
        ConsentGivenAt is { } at ? new Consent(at, ConsentTextVersion ?? "") : null,
        CreatedAt, UpdatedAt, ETag.ToString());

    /// <summary>What the audit log keeps of a person: the contract without the storage ETag.</summary>
    public object ToAudit() => ToContract() with { ETag = "" };
}

/// <summary>Keeps email addresses unique: row "email|{hash of the lower-cased address}" in the people partition.</summary>
public sealed class EmailIndexEntity : ITableEntity
{
    public string PartitionKey { get; set; } = PeopleStore.Partition;

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string PersonId { get; set; } = "";
}

public sealed record Consent(DateTimeOffset GivenAt, string TextVersion);

public sealed record Person(
    string Id,
    string Name,
    string Email,
    string? OrganisationId,
    string? NetworkRole,
    string PreferredLanguage,
    IReadOnlyList<string> Roles,
    Consent? Consent,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string ETag);

public sealed record ConsentRequest(DateTimeOffset? GivenAt, string? TextVersion);

public sealed record PersonRequest(string? Name, string? Email, string? OrganisationId, string? NetworkRole, string? PreferredLanguage, ConsentRequest? Consent);

public enum WriteOutcome
{
    Done,
    NotFound,

    /// <summary>The record changed since it was read (ETag mismatch).</summary>
    Conflict,

    /// <summary>Another person already has this email address.</summary>
    EmailTaken,

    /// <summary>A record with this id exists.</summary>
    Exists,
}

/// <summary>
/// People and their email index share one partition, so a create, an address change or a
/// delete writes both in one transaction and the address stays unique without read-then-write.
/// </summary>
public sealed class PeopleStore(StorageClients storage, SessionStore sessions)
{
    public const string TableName = "People";
    public const string Partition = "people";
    private const string PersonPrefix = "person|";
    private const string EmailPrefix = "email|";

    /// <summary>A row rewritten by every delete: its ETag changes whenever someone is erased.</summary>
    private const string ErasureMarkerRow = "erasures";
    private volatile bool _created;

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    public static string PersonRow(string id) => PersonPrefix + id;

    public static string EmailRow(string email) => EmailPrefix + SecureToken.Hash(NormalizeEmail(email));

    public async Task<PersonEntity?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 100 || id.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)))
        {
            return null;
        }

        var table = await TableAsync(cancellationToken);
        var found = await table.GetEntityIfExistsAsync<PersonEntity>(Partition, PersonRow(id), cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    public async Task<PersonEntity?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var index = await table.GetEntityIfExistsAsync<EmailIndexEntity>(Partition, EmailRow(email), cancellationToken: cancellationToken);
        return index.HasValue && index.Value is { } row ? await GetAsync(row.PersonId, cancellationToken) : null;
    }

    /// <summary>
    /// The people with these addresses, by normalised address (unknown addresses are left out).
    /// A long list reads the whole email index in pages instead of one point read per address.
    /// </summary>
    public async Task<Dictionary<string, PersonEntity>> FindManyByEmailAsync(IReadOnlyCollection<string> emails, CancellationToken cancellationToken)
    {
        var wanted = emails.Select(NormalizeEmail).Distinct(StringComparer.Ordinal).ToDictionary(EmailRow, e => e, StringComparer.Ordinal);
        var found = new System.Collections.Concurrent.ConcurrentDictionary<string, PersonEntity>(StringComparer.Ordinal);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken };
        if (wanted.Count <= 100)
        {
            await Parallel.ForEachAsync(wanted.Values, parallel, async (email, ct) =>
            {
                if (await FindByEmailAsync(email, ct) is { } person)
                {
                    found[email] = person;
                }
            });
            return new(found, StringComparer.Ordinal);
        }

        var table = await TableAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {EmailPrefix} and RowKey lt {"email}"}");
        var hits = new List<(string Email, string PersonId)>();
        await foreach (var index in table.QueryAsync<EmailIndexEntity>(filter, maxPerPage: 1000, select: ["RowKey", "PersonId"], cancellationToken: cancellationToken))
        {
            if (wanted.TryGetValue(index.RowKey, out var email))
            {
                hits.Add((email, index.PersonId));
            }
        }

        await Parallel.ForEachAsync(hits, parallel, async (hit, ct) =>
        {
            if (await GetAsync(hit.PersonId, ct) is { } person)
            {
                found[hit.Email] = person;
            }
        });
        return new(found, StringComparer.Ordinal);
    }

    public async Task<List<PersonEntity>> ListAsync(CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {PersonPrefix} and RowKey lt {"person}"}");
        var people = new List<PersonEntity>();
        await foreach (var person in table.QueryAsync<PersonEntity>(filter, cancellationToken: cancellationToken))
        {
            people.Add(person);
        }

        return people;
    }

    public async Task<WriteOutcome> CreateAsync(PersonEntity person, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        try
        {
            var response = await table.SubmitTransactionAsync(AddActions(person), cancellationToken);
            person.ETag = response.Value[0].Headers.ETag ?? person.ETag;
            return WriteOutcome.Done;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == StatusCodes.Status409Conflict)
        {
            return ex.FailedTransactionActionIndex == 0 ? WriteOutcome.Exists : WriteOutcome.EmailTaken;
        }
    }

    /// <summary>
    /// Creates up to 50 new people (with their email index rows) in one transaction: all or none.
    /// False when any of them exists or any address is taken meanwhile; the caller then creates
    /// them one by one with <see cref="CreateAsync"/>, which tells each case apart.
    /// </summary>
    public async Task<bool> TryCreateManyAsync(IReadOnlyList<PersonEntity> people, CancellationToken cancellationToken)
    {
        if (people.Count is 0 or > 50 || people.Select(p => EmailRow(p.Email)).Distinct(StringComparer.Ordinal).Count() != people.Count)
        {
            return false;
        }

        var table = await TableAsync(cancellationToken);
        try
        {
            var response = await table.SubmitTransactionAsync(people.SelectMany(AddActions), cancellationToken);
            for (var i = 0; i < people.Count; i++)
            {
                people[i].ETag = response.Value[i * 2].Headers.ETag ?? people[i].ETag;
            }

            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == StatusCodes.Status409Conflict)
        {
            return false;
        }
    }

    /// <summary>The two Adds that create a person: its row, and its email index row (so an address is taken once).</summary>
    private static TableTransactionAction[] AddActions(PersonEntity person)
    {
        person.PartitionKey = Partition;
        person.RowKey = PersonRow(person.Id);
        return
        [
            new(TableTransactionActionType.Add, person),
            new(TableTransactionActionType.Add, new EmailIndexEntity { RowKey = EmailRow(person.Email), PersonId = person.Id }),
        ];
    }

    /// <summary>Replaces the person if it still has <paramref name="ifMatch"/>; moves the email index when the address changed.</summary>
    public async Task<WriteOutcome> UpdateAsync(PersonEntity person, string previousEmail, ETag ifMatch, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, person, ifMatch) };
        var emailChanged = EmailRow(previousEmail) != EmailRow(person.Email);
        if (emailChanged)
        {
            actions.Add(new(TableTransactionActionType.Delete, new EmailIndexEntity { RowKey = EmailRow(previousEmail) }, ETag.All));
            actions.Add(new(TableTransactionActionType.Add, new EmailIndexEntity { RowKey = EmailRow(person.Email), PersonId = person.Id }));
        }

        try
        {
            var response = await table.SubmitTransactionAsync(actions, cancellationToken);
            person.ETag = response.Value[0].Headers.ETag ?? person.ETag;

            // Their sessions pick up the new roles, name and language on the next request.
            sessions.Forget(person.Id);
            return WriteOutcome.Done;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is StatusCodes.Status412PreconditionFailed or StatusCodes.Status404NotFound)
        {
            return ex.FailedTransactionActionIndex == 0 ? WriteOutcome.Conflict : WriteOutcome.NotFound;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == StatusCodes.Status409Conflict)
        {
            return WriteOutcome.EmailTaken;
        }
    }

    public async Task<WriteOutcome> DeleteAsync(PersonEntity person, ETag ifMatch, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        try
        {
            await table.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Delete, person, ifMatch),
                    new TableTransactionAction(TableTransactionActionType.Delete, new EmailIndexEntity { RowKey = EmailRow(person.Email) }, ETag.All),
                    new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(Partition, ErasureMarkerRow)),
                ],
                cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is StatusCodes.Status412PreconditionFailed or StatusCodes.Status404NotFound)
        {
            return WriteOutcome.Conflict;
        }

        await sessions.EndAllAsync(person.Id, cancellationToken);
        return WriteOutcome.Done;
    }

    /// <summary>
    /// A value that changes whenever a person is deleted, by any process (the ETag of a row every
    /// delete rewrites in its own transaction); "" before the first delete. One point read: cheap
    /// enough for a cache of people's details to check every second or so.
    /// </summary>
    public async Task<string> ErasureVersionAsync(CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(Partition, ErasureMarkerRow, select: ["RowKey"], cancellationToken: cancellationToken);
        return found.HasValue && found.Value is { } marker ? marker.ETag.ToString() : "";
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

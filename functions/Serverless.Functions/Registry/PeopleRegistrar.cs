using Serverless.Functions.Audit;

namespace Serverless.Functions.Registry;

/// <summary>
/// Finds people by address and registers those who are new, each with its audit entry: the one way
/// the CSV paths (campaign addresses, cohort candidates, the people import) add people. New people
/// are created 50 to a transaction, and one by one only when someone created one of them meanwhile,
/// in which case the record that won is the one returned.
/// </summary>
public sealed class PeopleRegistrar(PeopleStore people, IAuditLog audit)
{
    public sealed record Outcome(IReadOnlyList<PersonEntity> People, IReadOnlyList<PersonEntity> Created);

    /// <summary>
    /// The person of each address in <paramref name="newPeople"/> (records ready to be created, one
    /// per address): the known record where there is one, else the new record, created and audited
    /// under <paramref name="auditAction"/>. The order of the result is not that of the input.
    /// </summary>
    public async Task<Outcome> FindOrCreateAsync(IReadOnlyList<PersonEntity> newPeople, string auditAction, CancellationToken cancellationToken)
    {
        var result = new System.Collections.Concurrent.ConcurrentBag<PersonEntity>();
        var createdAll = new System.Collections.Concurrent.ConcurrentBag<PersonEntity>();
        var known = await people.FindManyByEmailAsync([.. newPeople.Select(p => p.Email)], cancellationToken);
        var fresh = new List<PersonEntity>();
        foreach (var person in newPeople)
        {
            if (known.TryGetValue(PeopleStore.NormalizeEmail(person.Email), out var existing))
            {
                result.Add(existing);
            }
            else
            {
                fresh.Add(person);
            }
        }

        await Parallel.ForEachAsync(fresh.Chunk(50), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (chunk, ct) =>
        {
            var created = new List<PersonEntity>();
            if (await people.TryCreateManyAsync(chunk, ct))
            {
                created.AddRange(chunk);
            }
            else
            {
                foreach (var person in chunk)
                {
                    if (await people.CreateAsync(person, ct) == WriteOutcome.Done)
                    {
                        created.Add(person);
                    }
                    else if (await people.FindByEmailAsync(person.Email, ct) is { } existing)
                    {
                        result.Add(existing);
                    }
                }
            }

            await Parallel.ForEachAsync(created, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (person, innerCt) =>
            {
                await audit.RecordAsync(new AuditRecord(PeopleApi.RecordType, person.Id, auditAction, After: person.ToAudit()), innerCt);
                result.Add(person);
                createdAll.Add(person);
            });
        });
        return new([.. result], [.. createdAll]);
    }
}

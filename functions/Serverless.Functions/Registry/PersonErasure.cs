namespace Serverless.Functions.Registry;

/// <summary>
/// Told when a person is deleted (erased) from the registry, after the delete is committed and
/// before the API answers: whatever keeps that person's details in memory (a cache of invitation
/// links, sessions) forgets them here, so nothing remembered outlives the person in this process.
/// Other processes learn of it through <see cref="PeopleStore.ErasureVersionAsync"/>, which every
/// delete changes in the same transaction.
/// </summary>
public interface IPersonErasureObserver
{
    Task PersonErasedAsync(string personId, CancellationToken cancellationToken);
}

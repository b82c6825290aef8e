namespace Serverless.Functions.Nominations;

/// <summary>
/// Chooses reviewers for nominations: never one from the nominating organisation, never one who
/// declared a conflict with it or was already asked about the nomination, and always the
/// least-loaded eligible reviewers first. The most constrained nominations are served first so
/// that conflicts do not leave them short while others take the free reviewers. Pure, so it is
/// tested directly and the activities only feed it the call's current load.
/// </summary>
public static class ReviewerAssigner
{
    public sealed record Reviewer(string Id, string? OrganisationId, IReadOnlyCollection<string> ConflictOrganisations);

    /// <summary>A nomination that needs <paramref name="Needed"/> more reviewers; <paramref name="Excluded"/> were asked before.</summary>
    public sealed record Need(string NominationId, string OrganisationId, int Needed, IReadOnlyCollection<string> Excluded);

    public static bool IsConflicted(Reviewer reviewer, string organisationId) =>
        string.Equals(reviewer.OrganisationId, organisationId, StringComparison.Ordinal) || reviewer.ConflictOrganisations.Contains(organisationId);

    /// <summary>The new reviewers per nomination id; <paramref name="load"/> counts each reviewer's active assignments so far.</summary>
    public static Dictionary<string, List<string>> Assign(IReadOnlyList<Need> needs, IReadOnlyList<Reviewer> reviewers, IReadOnlyDictionary<string, int>? load = null)
    {
        var current = reviewers.ToDictionary(r => r.Id, r => load?.GetValueOrDefault(r.Id) ?? 0, StringComparer.Ordinal);
        var eligible = needs.ToDictionary(
            n => n.NominationId,
            n => reviewers.Where(r => !IsConflicted(r, n.OrganisationId) && !n.Excluded.Contains(r.Id)).ToList(),
            StringComparer.Ordinal);
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var need in needs.OrderBy(n => eligible[n.NominationId].Count - n.Needed).ThenBy(n => n.NominationId, StringComparer.Ordinal))
        {
            var chosen = eligible[need.NominationId]
                .OrderBy(r => current[r.Id])
                .ThenBy(r => Tiebreak(need.NominationId, r.Id))
                .Take(Math.Max(0, need.Needed))
                .Select(r => r.Id)
                .ToList();
            foreach (var id in chosen)
            {
                current[id]++;
            }

            result[need.NominationId] = chosen;
        }

        return result;
    }

    /// <summary>A stable, well-spread order among equally loaded reviewers (not the alphabet, which would favour the same few).</summary>
    private static uint Tiebreak(string nominationId, string reviewerId)
    {
        var hash = 2166136261u;
        foreach (var c in nominationId + "|" + reviewerId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}

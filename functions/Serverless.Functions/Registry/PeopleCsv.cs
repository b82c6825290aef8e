namespace Serverless.Functions.Registry;

/// <summary>The people CSV: the import takes exactly these columns, and the export writes them.</summary>
public static class PeopleCsv
{
    public static readonly string[] Columns = ["name", "email", "organisationId", "networkRole", "preferredLanguage", "consentGivenAt", "consentTextVersion"];

    /// <summary>One clear message when the header is not the expected one, naming what is missing, unknown or out of order.</summary>
    public static string? CheckHeader(IReadOnlyList<string> header)
    {
        var given = header.Select(h => h.Trim().TrimStart('\uFEFF')).ToList();
        if (given.SequenceEqual(Columns, StringComparer.Ordinal))
        {
            return null;
        }

        var missing = Columns.Where(c => !given.Contains(c, StringComparer.Ordinal)).ToList();
        var unknown = given.Where(g => !Columns.Contains(g, StringComparer.Ordinal)).ToList();
        var problems = new List<string>();
        if (missing.Count > 0)
        {
            problems.Add("missing column" + (missing.Count > 1 ? "s " : " ") + string.Join(", ", missing));
        }

        if (unknown.Count > 0)
        {
            problems.Add("unknown column" + (unknown.Count > 1 ? "s " : " ") + string.Join(", ", unknown.Select(u => u.Length == 0 ? "(empty)" : u)));
        }

        if (problems.Count == 0)
        {
            problems.Add(given.Count != given.Distinct(StringComparer.Ordinal).Count() ? "a column appears twice" : "the columns are in another order");
        }

        return $"The first line must be exactly: {string.Join(",", Columns)} — {string.Join("; ", problems)}.";
    }
}

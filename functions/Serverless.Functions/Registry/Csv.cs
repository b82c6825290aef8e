using System.Text;

namespace Serverless.Functions.Registry;

/// <summary>
/// RFC 4180 CSV: comma-separated, fields quoted when they hold commas, quotes or line breaks.
/// Reading reports each record with the line it starts on, so errors can name the line a person
/// sees in their spreadsheet. Writing defuses spreadsheet formulas (a cell starting with = + - @
/// gets a leading apostrophe), which reading removes again.
/// </summary>
public static class Csv
{
    public sealed record Record(int Line, IReadOnlyList<string> Fields);

    public static (List<Record> Records, string? Error) Read(string text)
    {
        var records = new List<Record>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var inQuotes = false;
        var fieldStarted = false;

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0:
                    inQuotes = true;
                    fieldStarted = true;
                    break;
                case ',':
                    fields.Add(Unguard(field.ToString()));
                    field.Clear();
                    fieldStarted = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    EndRecord();
                    line++;
                    recordLine = line;
                    break;
                default:
                    field.Append(c);
                    fieldStarted = true;
                    break;
            }
        }

        if (inQuotes)
        {
            return (records, $"Line {recordLine}: a quoted value is never closed (a \" is missing).");
        }

        EndRecord();
        return (records, null);

        void EndRecord()
        {
            if (fieldStarted || field.Length > 0 || fields.Count > 0)
            {
                fields.Add(Unguard(field.ToString()));
                if (fields.Any(f => f.Length > 0) || fields.Count > 1)
                {
                    records.Add(new Record(recordLine, fields.ToList()));
                }
            }

            fields.Clear();
            field.Clear();
            fieldStarted = false;
        }
    }

    public static string Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', header.Select(Quote)).Append("\r\n");
        foreach (var row in rows)
        {
            text.AppendJoin(',', row.Select(v => Quote(Guard(v)))).Append("\r\n");
        }

        return text.ToString();
    }

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) >= 0 || value.StartsWith(' ') || value.EndsWith(' ')
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;

    private static string Guard(string value) => value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' ? "'" + value : value;

    private static string Unguard(string value) => value.Length > 1 && value[0] == '\'' && value[1] is '=' or '+' or '-' or '@' or '\t' ? value[1..] : value;
}

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

using CsvHelper;

namespace Serverless.Functions.Platform.Files;

/// <summary>
/// CSV files people make and open in spreadsheets, read and written by CsvHelper (RFC 4180:
/// comma-separated, fields quoted when they hold commas, quotes or line breaks). Reading reports
/// each record with the line it starts on, so errors can name the line a person sees in their
/// spreadsheet. Writing defuses spreadsheet formulas (a cell starting with = + - @ or a tab gets a
/// leading apostrophe), which reading removes again, and starts with a UTF-8 byte order mark so
/// that Excel reads Arabic, Hebrew and Greek names as they are.
/// </summary>
public static class Csv
{
    private const string FormulaStarts = "=+-@\t";

    private static readonly CsvWriterOptions WriterOptions = CsvWriterOptions.Default with
    {
        Separator = ',',
        Quoting = CsvQuoting.WhenNeededOrWhitespace,
        Injection = CsvInjection.Escape,
        InjectionCharacters = FormulaStarts,
        InjectionEscape = '\'',
        WriteByteOrderMark = true,
    };

    public sealed record Record(int Line, IReadOnlyList<string> Fields);

    /// <summary>The records of the text, blank lines left out; on a quote that is never closed, the records before it and an error naming its line.</summary>
    public static (List<Record> Records, string? Error) Read(string text)
    {
        long unclosedAt = 0;
        var options = CsvReaderOptions.Default with
        {
            Separator = ',',
            HasHeader = false,
            TrackLineNumbers = true,
            AllowLineBreaksInQuotes = true,
            SkipEmptyLines = true,
            OnMalformedRecord = malformed =>
            {
                if (malformed.Reason == CsvMalformedReason.UnterminatedQuote && unclosedAt == 0)
                {
                    unclosedAt = malformed.LineNumber;
                }
            },
        };

        var records = new List<Record>();
        using var reader = CsvReader.FromText(text, options);
        while (reader.Read())
        {
            if (unclosedAt > 0)
            {
                return (records, $"Line {unclosedAt}: a quoted value is never closed (a \" is missing).");
            }

            var fields = new List<string>(reader.FieldCount);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                fields.Add(Unguard(reader.GetString(i) ?? ""));
            }

            // A line of one empty value ("" alone) holds nothing; a line of empty values between commas is a row.
            if (fields.Count > 1 || fields.Any(f => f.Length > 0))
            {
                records.Add(new Record(checked((int)reader.LineNumber), fields));
            }
        }

        return (records, null);
    }

    /// <summary>The file's bytes: UTF-8 with a byte order mark, the header, then one line per row; every line ends with CRLF.</summary>
    public static byte[] WriteUtf8(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        using var stream = new MemoryStream();
        using (var writer = CsvWriter.Create(stream, WriterOptions, leaveOpen: true))
        {
            foreach (var name in header)
            {
                writer.WriteField(name);
            }

            writer.EndRecord();
            foreach (var row in rows)
            {
                foreach (var value in row)
                {
                    writer.WriteField(value);
                }

                writer.EndRecord();
            }
        }

        return stream.ToArray();
    }

    private static string Unguard(string value) => value.Length > 1 && value[0] == '\'' && FormulaStarts.Contains(value[1]) ? value[1..] : value;
}

using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Serverless.Functions.Platform.Files;
using Serverless.Functions.Platform.Localization;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Registry;

/// <summary>
/// CSV import in two steps. Preview parses and checks every row and keeps the batch, importing
/// nothing; confirm imports the whole batch only if no row has an error, and confirming again
/// changes nothing (each row's person id is fixed at preview, so a retry finds its own rows).
/// </summary>
public static class PeopleImportApi
{
    public const int MaxBytes = 5 * 1024 * 1024;
    public const int MaxRows = 5000;

    public static IEndpointRouteBuilder MapPeopleImportApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/registry/people/import").WithTags("Registry").RequireAuthorization(Policies.Coordinator);

        api.MapPost("/preview", PreviewAsync).WithName("PreviewPeopleImport")
            .WithSummary("Check a CSV file of people before importing it")
            .WithDescription("Checks a CSV (text/csv body or a multipart file, UTF-8) row by row and keeps it for confirmation; imports nothing.")
            .Accepts<string>("text/csv", "multipart/form-data");
        api.MapGet("/{importId}", GetAsync).WithName("GetPeopleImport")
            .WithSummary("Get a checked import");
        api.MapPost("/{importId}/confirm", ConfirmAsync).WithName("ConfirmPeopleImport")
            .WithSummary("Import a checked CSV file of people")
            .WithDescription("Imports every row of a previewed batch that has no errors; 400 if any row has one. Idempotent.")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return app;
    }

    public sealed record RowError(string Field, string Message);

    public sealed record PreviewRow(int Line, IReadOnlyDictionary<string, string> Values, IReadOnlyList<RowError> Errors);

    public sealed record ImportPreview(string ImportId, string Status, IReadOnlyList<PreviewRow> Rows, int ValidCount, int ErrorCount);

    public sealed record ImportResult(string ImportId, string Status, int Imported, DateTimeOffset? ImportedAt);

    public static async Task<Results<Ok<ImportPreview>, ValidationProblem>> PreviewAsync(
        HttpRequest request, ImportBatches batches, PeopleStore people, OrganisationStore organisations, TimeProvider time, CancellationToken cancellationToken)
    {
        var (bytes, readError) = await ReadUploadAsync(request, cancellationToken);
        if (readError is not null)
        {
            return FileProblem(readError);
        }

        var (text, decodeError) = Decode(bytes!);
        if (decodeError is not null)
        {
            return FileProblem(decodeError);
        }

        var (records, parseError) = Csv.Read(text!);
        if (parseError is not null)
        {
            return FileProblem(parseError);
        }

        if (records.Count == 0)
        {
            return FileProblem("The file is empty. The first line must be: " + string.Join(",", PeopleCsv.Columns));
        }

        if (PeopleCsv.CheckHeader(records[0].Fields) is { } headerError)
        {
            return FileProblem(headerError);
        }

        if (records.Count == 1)
        {
            return FileProblem("The file has a header but no people.");
        }

        if (records.Count - 1 > MaxRows)
        {
            return FileProblem($"The file has {records.Count - 1} rows; import at most {MaxRows} at a time.");
        }

        var organisationIds = (await organisations.ListAsync(cancellationToken)).Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
        var registered = (await people.ListAsync(cancellationToken)).Select(p => p.Email).ToHashSet(StringComparer.Ordinal);
        var batch = new ImportBatch
        {
            Id = Guid.NewGuid().ToString("N"),
            CreatedAt = time.GetUtcNow(),
            CreatedBy = request.HttpContext.User.PersonId(),
            Rows = CheckRows(records.Skip(1), organisationIds, registered),
        };
        await batches.SaveAsync(batch, ETag.All, cancellationToken);
        return TypedResults.Ok(batch.ToPreview());
    }

    public static async Task<Results<Ok<ImportPreview>, NotFound>> GetAsync(string importId, ImportBatches batches, CancellationToken cancellationToken)
    {
        var found = await batches.GetAsync(importId, cancellationToken);
        return found is null ? TypedResults.NotFound() : TypedResults.Ok(found.Value.Batch.ToPreview());
    }

    public static async Task<Results<Ok<ImportResult>, NotFound, ProblemHttpResult>> ConfirmAsync(
        string importId, ImportBatches batches, PeopleStore people, PeopleRegistrar registrar, OrganisationStore organisations, TimeProvider time, CancellationToken cancellationToken)
    {
        var found = await batches.GetAsync(importId, cancellationToken);
        if (found is not { } stored)
        {
            return TypedResults.NotFound();
        }

        var (batch, etag) = stored;
        if (batch.Status == ImportBatch.Imported)
        {
            return TypedResults.Ok(batch.ToResult());
        }

        if (batch.ErrorCount == 0)
        {
            // Someone may have registered an address or removed an organisation since the preview.
            var organisationIds = (await organisations.ListAsync(cancellationToken)).Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
            var ownIds = batch.Rows.Select(r => r.PersonId).ToHashSet(StringComparer.Ordinal);
            var registered = (await people.ListAsync(cancellationToken)).Where(p => !ownIds.Contains(p.Id)).Select(p => p.Email).ToHashSet(StringComparer.Ordinal);
            var recheck = CheckRows(batch.Rows.Select(r => new Csv.Record(r.Line, PeopleCsv.Columns.Select(c => r.Values.GetValueOrDefault(c, "")).ToList())), organisationIds, registered);
            if (recheck.Any(r => r.Errors.Count > 0))
            {
                for (var i = 0; i < recheck.Count; i++)
                {
                    recheck[i].PersonId = batch.Rows[i].PersonId;
                }

                batch.Rows = recheck;
                await batches.SaveAsync(batch, etag, cancellationToken);
            }
        }

        if (batch.ErrorCount > 0)
        {
            return TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = $"{batch.ErrorCount} of {batch.Rows.Count} rows have errors; nothing was imported. Fix the file and preview it again.",
                Extensions = { ["code"] = "import_has_errors", ["errorCount"] = batch.ErrorCount },
            });
        }

        var now = time.GetUtcNow();
        var imported = (await registrar.FindOrCreateAsync([.. batch.Rows.Select(row => row.ToEntity(now))], "imported", cancellationToken)).Created.Count;

        batch.Status = ImportBatch.Imported;
        batch.ImportedAt = time.GetUtcNow();
        batch.ImportedCount = imported + batch.ImportedCount;
        try
        {
            await batches.SaveAsync(batch, etag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status412PreconditionFailed)
        {
            // A concurrent confirm finished first; its rows and ours are the same people.
            var winner = await batches.GetAsync(importId, cancellationToken);
            return TypedResults.Ok(winner?.Batch.ToResult() ?? batch.ToResult());
        }

        return TypedResults.Ok(batch.ToResult());
    }

    private static List<ImportRow> CheckRows(IEnumerable<Csv.Record> records, ISet<string> organisationIds, ISet<string> registered)
    {
        var rows = new List<ImportRow>();
        var firstLineOfEmail = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < PeopleCsv.Columns.Length; i++)
            {
                values[PeopleCsv.Columns[i]] = i < record.Fields.Count ? record.Fields[i].Trim() : "";
            }

            var errors = new List<RowError>();
            if (record.Fields.Count != PeopleCsv.Columns.Length)
            {
                errors.Add(new RowError("row", $"The row has {record.Fields.Count} values; it needs {PeopleCsv.Columns.Length}."));
            }

            DateTimeOffset? consentAt = null;
            if (!RegistryValidation.TryParseTime(values["consentGivenAt"], out consentAt))
            {
                errors.Add(new RowError("consentGivenAt", $"'{values["consentGivenAt"]}' is not a date (use 2025-03-14 or 2025-03-14T10:00:00Z)."));
            }

            var checks = RegistryValidation.ValidatePerson(
                values["name"], values["email"], values["organisationId"], values["networkRole"], values["preferredLanguage"],
                consentAt, values["consentTextVersion"], organisationIds);
            if (errors.Any(e => e.Field == "consentGivenAt"))
            {
                checks.Remove("consentGivenAt");
                checks.Remove("consentTextVersion");
            }

            errors.AddRange(checks.SelectMany(kv => kv.Value.Select(message => new RowError(kv.Key, message))));

            var email = PeopleStore.NormalizeEmail(values["email"]);
            if (!checks.ContainsKey("email"))
            {
                if (firstLineOfEmail.TryGetValue(email, out var firstLine))
                {
                    errors.Add(new RowError("email", $"{email} appears twice: also on line {firstLine}."));
                }
                else
                {
                    firstLineOfEmail[email] = record.Line;
                    if (registered.Contains(email))
                    {
                        errors.Add(new RowError("email", $"{email} is already registered."));
                    }
                }
            }

            rows.Add(new ImportRow { Line = record.Line, Values = values, Errors = errors, PersonId = Guid.NewGuid().ToString("N") });
        }

        return rows;
    }

    private static async Task<(byte[]? Bytes, string? Error)> ReadUploadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes)
        {
            return (null, $"The file is larger than {MaxBytes / 1024 / 1024} MB.");
        }

        Stream source;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            if (form.Files.Count == 0)
            {
                return (null, "The form has no file. Choose a CSV file to upload.");
            }

            source = form.Files[0].OpenReadStream();
        }
        else if (request.ContentType is { } type && (type.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) || type.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase) || type.StartsWith("application/csv", StringComparison.OrdinalIgnoreCase)))
        {
            source = request.Body;
        }
        else
        {
            return (null, "Send the CSV file as text/csv or as a file in a multipart form.");
        }

        await using (source)
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxBytes)
                {
                    return (null, $"The file is larger than {MaxBytes / 1024 / 1024} MB.");
                }

                buffer.Write(chunk, 0, read);
            }

            return (buffer.ToArray(), null);
        }
    }

    private static (string? Text, string? Error) Decode(byte[] bytes)
    {
        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            return (null, "The file is saved as UTF-16 (\"Unicode text\"); save it as \"CSV UTF-8\" and upload it again.");
        }

        var start = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        try
        {
            return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, start, bytes.Length - start), null);
        }
        catch (DecoderFallbackException ex)
        {
            var offset = start + Math.Max(0, ex.Index);
            var line = 1 + bytes.AsSpan(0, Math.Min(offset, bytes.Length)).Count((byte)'\n');
            return (null, $"The file is not UTF-8 text (an invalid byte on line {line}). In Excel, save it as \"CSV UTF-8 (Comma delimited)\" and upload it again.");
        }
    }

    private static ValidationProblem FileProblem(string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = [message] }, title: message);
}

/// <summary>A previewed import, kept as a blob until confirmed.</summary>
public sealed class ImportBatch
{
    public const string Previewed = "previewed";
    public const string Imported = "imported";

    public string Id { get; set; } = "";

    public string Status { get; set; } = Previewed;

    public DateTimeOffset CreatedAt { get; set; }

    public string? CreatedBy { get; set; }

    public DateTimeOffset? ImportedAt { get; set; }

    public int ImportedCount { get; set; }

    public List<ImportRow> Rows { get; set; } = [];

    public int ErrorCount => Rows.Count(r => r.Errors.Count > 0);

    public PeopleImportApi.ImportPreview ToPreview() => new(
        Id, Status, Rows.Select(r => new PeopleImportApi.PreviewRow(r.Line, r.Values, r.Errors)).ToList(), Rows.Count - ErrorCount, ErrorCount);

    public PeopleImportApi.ImportResult ToResult() => new(Id, Status, ImportedCount, ImportedAt);
}

public sealed class ImportRow
{
    public int Line { get; set; }

    public Dictionary<string, string> Values { get; set; } = [];

    public List<PeopleImportApi.RowError> Errors { get; set; } = [];

    /// <summary>Chosen at preview, so confirming twice finds the same people instead of creating new ones.</summary>
    public string PersonId { get; set; } = "";

    public PersonEntity ToEntity(DateTimeOffset now)
    {
        RegistryValidation.TryParseTime(Values.GetValueOrDefault("consentGivenAt"), out var consentAt);
        return new PersonEntity
        {
            Id = PersonId,
            Name = Values["name"],
            Email = PeopleStore.NormalizeEmail(Values["email"]),
            OrganisationId = Values["organisationId"],
            NetworkRole = string.IsNullOrWhiteSpace(Values["networkRole"]) ? null : Values["networkRole"],
            PreferredLanguage = Languages.Normalize(Values["preferredLanguage"]),
            ConsentGivenAt = consentAt,
            ConsentTextVersion = consentAt is null ? null : Values["consentTextVersion"],
            CreatedAt = now,
            UpdatedAt = now,
        };
    }
}

/// <summary>Import batches as JSON blobs in "registry-imports", written back with their ETag.</summary>
public sealed class ImportBatches(StorageClients storage)
{
    public const string Container = "registry-imports";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private volatile bool _created;

    public async Task<(ImportBatch Batch, ETag ETag)?> GetAsync(string importId, CancellationToken cancellationToken)
    {
        if (importId.Length != 32 || !importId.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        var blob = (await ContainerAsync(cancellationToken)).GetBlobClient(importId + ".json");
        try
        {
            var content = await blob.DownloadContentAsync(cancellationToken);
            var batch = content.Value.Content.ToObjectFromJson<ImportBatch>(Json)!;
            return (batch, content.Value.Details.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status404NotFound)
        {
            return null;
        }
    }

    /// <summary>Writes the batch; <paramref name="ifMatch"/> ETag.All means "only if new".</summary>
    public async Task SaveAsync(ImportBatch batch, ETag ifMatch, CancellationToken cancellationToken)
    {
        var blob = (await ContainerAsync(cancellationToken)).GetBlobClient(batch.Id + ".json");
        var conditions = ifMatch == ETag.All ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = ifMatch };
        await blob.UploadAsync(BinaryData.FromObjectAsJson(batch, Json), new BlobUploadOptions { Conditions = conditions }, cancellationToken);
    }

    private async Task<Azure.Storage.Blobs.BlobContainerClient> ContainerAsync(CancellationToken cancellationToken)
    {
        var container = storage.Blobs.GetBlobContainerClient(Container);
        if (!_created)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _created = true;
        }

        return container;
    }
}

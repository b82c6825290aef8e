using System.Text.Json;

namespace Serverless.Functions.Platform.Storage;

/// <summary>
/// JSON held in a table column (texts per language, lists, answers): web defaults (camelCase), and
/// an empty or missing column reads as an empty value, so old rows without the column still load.
/// </summary>
internal static class TableJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static T Read<T>(string? json)
        where T : new() =>
        string.IsNullOrEmpty(json) ? new T() : JsonSerializer.Deserialize<T>(json, Options) ?? new T();

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);
}

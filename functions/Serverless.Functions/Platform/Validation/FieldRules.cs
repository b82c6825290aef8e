using System.Text.RegularExpressions;
using Serverless.Functions.Platform.Localization;

namespace Serverless.Functions.Platform.Validation;

/// <summary>
/// The field rules every feature's input shares: ids the caller may choose, plain texts, and texts
/// per language. Errors go into the dictionary under the API's field name, so a 400 names the field.
/// </summary>
public static partial class FieldRules
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,63}$")]
    private static partial Regex IdPattern();

    /// <summary>An id a caller may choose: lower-case letters, digits and hyphens, 2 to 64, starting with a letter or digit.</summary>
    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>A chosen id, checked when a record is created (and never changed after).</summary>
    public static void Id(Dictionary<string, string[]> errors, string? id, bool creating)
    {
        if (creating && id is not null && !IsValidId(id))
        {
            errors["id"] = ["The id may hold lower-case letters, digits and hyphens (2 to 64), starting with a letter or digit."];
        }
    }

    /// <summary>One text of at most <paramref name="maxLength"/> characters once trimmed.</summary>
    public static void Text(Dictionary<string, string[]> errors, string field, string? value, int maxLength, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                errors[field] = ["This field is required."];
            }
        }
        else if (value.Trim().Length > maxLength)
        {
            errors[field] = [$"The text is longer than {maxLength} characters."];
        }
    }

    /// <summary>
    /// A text per language (language code to text): only the portal's languages, each at most
    /// <paramref name="maxLength"/> characters, and when required, at least one given.
    /// <paramref name="listLanguages"/> names the portal's languages in the error on an unknown one.
    /// </summary>
    public static void Texts(Dictionary<string, string[]> errors, string field, Dictionary<string, string>? texts, int maxLength, bool required, bool listLanguages = true)
    {
        if (texts is null || texts.Values.All(string.IsNullOrWhiteSpace))
        {
            if (required)
            {
                errors[field] = ["Give the text in at least one language."];
            }

            return;
        }

        foreach (var (language, text) in texts)
        {
            if (!Languages.IsSupported(language))
            {
                errors[$"{field}.{language}"] = [listLanguages
                    ? $"'{language}' is not one of the portal's languages ({string.Join(", ", Languages.Supported.Order())})."
                    : $"'{language}' is not one of the portal's languages."];
            }
            else if (text is { } t && t.Trim().Length > maxLength)
            {
                errors[$"{field}.{language}"] = [$"The text is longer than {maxLength} characters."];
            }
        }
    }

    /// <summary>Texts checked by <see cref="Texts"/> as they are stored: empty ones dropped, trimmed, under the language's code.</summary>
    public static Dictionary<string, string> Clean(Dictionary<string, string>? texts) =>
        (texts ?? []).Where(kv => !string.IsNullOrWhiteSpace(kv.Value))
            .ToDictionary(kv => Languages.Normalize(kv.Key), kv => kv.Value.Trim());
}

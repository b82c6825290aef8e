using Microsoft.AspNetCore.Http.HttpResults;

namespace Serverless.Functions.Platform.Localization;

/// <summary>
/// A validator's words in the reader's language. Validators take one of these and write each
/// field error from a catalogue key, so no English reaches an Arabic page; the API boundary
/// answers with <see cref="Problem"/>, whose title comes from the same catalogue.
/// </summary>
public sealed class FieldMessages(ILocalizer localizer, string language)
{
    public string Language { get; } = Languages.Normalize(language);

    /// <summary>The message for <paramref name="key"/>, its arguments formatted in the reader's culture.</summary>
    public string this[string key, params object?[] args] => localizer.Get(Language, key, args);

    /// <summary>
    /// The caller's language: the first supported one in Accept-Language (the portal sends the
    /// language its page is shown in), else <paramref name="fallback"/> (e.g. the person's own
    /// language for a page behind an emailed link), else English.
    /// </summary>
    public static FieldMessages For(HttpContext context, string? fallback = null) =>
        new(context.RequestServices.GetRequiredService<ILocalizer>(), LanguageOf(context, fallback));

    public static string LanguageOf(HttpContext context, string? fallback = null)
    {
        foreach (var value in context.Request.GetTypedHeaders().AcceptLanguage.OrderByDescending(v => v.Quality ?? 1))
        {
            if (value.Value.Value is { } tag && Languages.IsSupported(tag.Split('-', '_')[0]))
            {
                return Languages.Normalize(tag);
            }
        }

        return Languages.Normalize(fallback);
    }

    /// <summary>A 400 ValidationProblem whose title is in the reader's language too.</summary>
    public ValidationProblem Problem(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: this["validation.problem_title"]);
}

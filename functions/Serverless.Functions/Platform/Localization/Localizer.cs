using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace Serverless.Functions.Platform.Localization;

/// <summary>Server-side texts (email subjects and bodies, server-rendered pages) in the reader's language.</summary>
public interface ILocalizer
{
    /// <summary>
    /// The text for <paramref name="key"/> in <paramref name="language"/>, formatted with
    /// <paramref name="args"/> in that language's culture. Falls back to English, then to the key itself.
    /// </summary>
    string Get(string? language, string key, params object?[] args);
}

/// <summary>
/// The message catalogue: one flat JSON file per language in Platform/Localization/Messages,
/// published beside the app as content. Missing translations fall back to English so a new key
/// never shows as blank.
/// </summary>
public sealed class MessageCatalogue : ILocalizer
{
    public const string DefaultLanguage = "en";

    private readonly FrozenDictionary<string, FrozenDictionary<string, string>> _messages;

    /// <summary>
    /// Loads every {language}.json in the folder and in its track subfolders (Messages/nominations/en.json
    /// and so on), merged per language. A key defined twice for one language is a mistake and refused.
    /// </summary>
    public MessageCatalogue(string directory)
    {
        var merged = new Dictionary<string, Dictionary<string, string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var stream = File.OpenRead(file);
            var entries = JsonSerializer.Deserialize<Dictionary<string, string>>(stream) ?? [];
            var language = Path.GetFileNameWithoutExtension(file);
            if (!merged.TryGetValue(language, out var catalogue))
            {
                merged[language] = catalogue = new Dictionary<string, string>(StringComparer.Ordinal);
            }

            foreach (var (key, text) in entries)
            {
                if (!catalogue.TryAdd(key, text))
                {
                    throw new InvalidOperationException($"The message key {key} is defined twice for {language} (again in {file}).");
                }
            }
        }

        var catalogues = merged.ToDictionary(c => c.Key, c => c.Value.ToFrozenDictionary(StringComparer.Ordinal), StringComparer.OrdinalIgnoreCase);

        if (!catalogues.ContainsKey(DefaultLanguage))
        {
            throw new InvalidOperationException($"The message catalogue has no {DefaultLanguage}.json in {directory}.");
        }

        _messages = catalogues.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The Messages folder: beside the executable when published (the files are content), else
    /// under the content root (the project folder when run from source or by test hosts).
    /// </summary>
    public static string Locate(string contentRoot)
    {
        var relative = Path.Combine("Platform", "Localization", "Messages");
        return new[] { Path.Combine(AppContext.BaseDirectory, relative), Path.Combine(contentRoot, relative) }
            .FirstOrDefault(d => File.Exists(Path.Combine(d, DefaultLanguage + ".json")))
            ?? throw new InvalidOperationException($"The message catalogue ({relative}) is neither beside the app nor under {contentRoot}.");
    }

    public IReadOnlyCollection<string> AvailableLanguages => _messages.Keys;

    public string Get(string? language, string key, params object?[] args)
    {
        var lang = Languages.Normalize(language);
        var text = _messages.TryGetValue(lang, out var catalogue) && catalogue.TryGetValue(key, out var found)
            ? found
            : _messages.TryGetValue(DefaultLanguage, out var english) && english.TryGetValue(key, out var fallback) ? fallback : key;
        return args.Length == 0 ? text : string.Format(CultureFor(lang), text, args);
    }

    public static CultureInfo CultureFor(string language)
    {
        try
        {
            return CultureInfo.GetCultureInfo(language);
        }
        catch (CultureNotFoundException)
        {
            return CultureInfo.InvariantCulture;
        }
    }
}

/// <summary>The languages the platform speaks, and how each is written.</summary>
public static class Languages
{
    /// <summary>Every language with a message catalogue; the portal offers these.</summary>
    public static readonly FrozenSet<string> Supported = FrozenSet.Create(StringComparer.OrdinalIgnoreCase, "en", "ar", "he", "el", "pl", "bg", "lv", "hu");

    private static readonly FrozenSet<string> RightToLeft = FrozenSet.Create(StringComparer.OrdinalIgnoreCase, "ar", "he");

    public static bool IsSupported(string? language) => language is not null && Supported.Contains(language);

    /// <summary>"ar-AE" → "ar"; unknown or empty → "en".</summary>
    public static string Normalize(string? language)
    {
        if (string.IsNullOrWhiteSpace(language))
        {
            return MessageCatalogue.DefaultLanguage;
        }

        var primary = language.Split('-', '_')[0].Trim().ToLowerInvariant();
        return Supported.Contains(primary) ? primary : MessageCatalogue.DefaultLanguage;
    }

    public static string Direction(string? language) => RightToLeft.Contains(Normalize(language)) ? "rtl" : "ltr";

    /// <summary>The text in the language asked for, else English, else any.</summary>
    public static string TextIn(IReadOnlyDictionary<string, string> texts, string language) =>
        texts.TryGetValue(language, out var text) && text.Length > 0 ? text
        : texts.TryGetValue("en", out var en) && en.Length > 0 ? en
        : texts.Values.FirstOrDefault(v => v.Length > 0) ?? "";
}

public static class LocalizationExtensions
{
    public static IHostApplicationBuilder AddMessageCatalogue(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => new MessageCatalogue(MessageCatalogue.Locate(sp.GetRequiredService<IHostEnvironment>().ContentRootPath)));
        builder.Services.AddSingleton<ILocalizer>(sp => sp.GetRequiredService<MessageCatalogue>());
        return builder;
    }
}

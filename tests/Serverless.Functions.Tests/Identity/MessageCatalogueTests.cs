using System.Text.Json;
using Serverless.Functions.Platform.Localization;

namespace Serverless.Functions.Tests.Identity;

public sealed class MessageCatalogueTests
{
    private static readonly string Folder = Path.Combine(Serverless.Testing.RepositoryPaths.Root, "functions", "Serverless.Functions", "Platform", "Localization", "Messages");
    private readonly MessageCatalogue _catalogue = new(Folder);

    [Fact]
    public void Catalogue_EveryLanguage_IsLoaded()
    {
        Assert.Equal(["ar", "bg", "el", "en", "he", "hu", "lv", "pl"], _catalogue.AvailableLanguages.Order());
    }

    [Theory]
    [InlineData("ar")]
    [InlineData("he")]
    [InlineData("el")]
    [InlineData("pl")]
    public void Catalogue_RequiredLanguages_TranslateEveryEnglishKey(string language)
    {
        var english = Keys("en");
        var translated = Keys(language);

        Assert.Empty(english.Except(translated));
    }

    [Fact]
    public void Get_UnknownLanguageOrKey_FallsBackToEnglishThenTheKey()
    {
        Assert.Equal("Sign in", _catalogue.Get("tlh", "email.signIn.action"));
        Assert.Equal("You do not have permission to do this.", _catalogue.Get("bg-BG", "problem.forbidden"));
        Assert.Equal("no.such.key", _catalogue.Get("ar", "no.such.key"));
        Assert.Equal("مرحباً ليلى،", _catalogue.Get("ar-AE", "email.greeting", "ليلى"));
    }

    [Fact]
    public void Catalogue_KeyDefinedTwiceForOneLanguage_IsRefused()
    {
        var folder = Directory.CreateTempSubdirectory().FullName;
        File.WriteAllText(Path.Combine(folder, "en.json"), """{"a.b": "One"}""");
        Directory.CreateDirectory(Path.Combine(folder, "track"));
        File.WriteAllText(Path.Combine(folder, "track", "en.json"), """{"a.b": "Two", "c.d": "Three"}""");

        var error = Assert.Throws<InvalidOperationException>(() => new MessageCatalogue(folder));

        Assert.Contains("a.b", error.Message);
    }

    [Fact]
    public void Catalogue_TrackSubfolders_AreMergedIntoTheirLanguage()
    {
        var folder = Directory.CreateTempSubdirectory().FullName;
        File.WriteAllText(Path.Combine(folder, "en.json"), """{"a.b": "One"}""");
        Directory.CreateDirectory(Path.Combine(folder, "track"));
        File.WriteAllText(Path.Combine(folder, "track", "en.json"), """{"c.d": "Three"}""");

        var catalogue = new MessageCatalogue(folder);

        Assert.Equal(["One", "Three"], new[] { catalogue.Get("en", "a.b"), catalogue.Get("pl", "c.d") });
    }

    [Fact]
    public void Direction_ArabicAndHebrew_AreRightToLeft()
    {
        Assert.Equal(["rtl", "rtl", "ltr", "ltr"], new[] { "ar", "he-IL", "el", "pl" }.Select(Languages.Direction));
    }

    private static HashSet<string> Keys(string language)
    {
        // The core file and each track's subfolder file for the language.
        return Directory.EnumerateFiles(Folder, language + ".json", SearchOption.AllDirectories)
            .SelectMany(path => JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path))!.Keys)
            .ToHashSet();
    }
}

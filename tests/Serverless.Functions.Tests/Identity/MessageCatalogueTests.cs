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
    public void Direction_ArabicAndHebrew_AreRightToLeft()
    {
        Assert.Equal(["rtl", "rtl", "ltr", "ltr"], new[] { "ar", "he-IL", "el", "pl" }.Select(Languages.Direction));
    }

    private static HashSet<string> Keys(string language)
    {
        var path = Path.Combine(Folder, language + ".json");
        return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path))!.Keys.ToHashSet();
    }
}

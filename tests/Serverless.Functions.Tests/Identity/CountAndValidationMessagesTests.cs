using System.Text.Json;
using System.Text.RegularExpressions;
using Serverless.Functions.Platform.Localization;

namespace Serverless.Functions.Tests.Identity;

/// <summary>Server messages a person reads with numbers in them, and the field errors of the validators, in every language.</summary>
public sealed partial class CountAndValidationMessagesTests
{
    private static readonly string Folder = Path.Combine(Serverless.Testing.RepositoryPaths.Root, "functions", "Serverless.Functions", "Platform", "Localization", "Messages");
    private readonly MessageCatalogue _catalogue = new(Folder);

    [Fact]
    public void CohortSummary_ArabicWithTenParticipants_GivesEachCountAsLabelAndNumber()
    {
        // Before: "10 مشاركًا", the Arabic form for 11-99, where 3-10 takes "مشاركين".
        Assert.Equal(
            "انتهت جولة الانضمام إلى الدفعة الأولى. المشاركون: 10؛ أكملوا الانضمام: 7؛ متأخرون: 2؛ منسحبون أو تعذر الوصول إليهم: 1.",
            _catalogue.Get("ar", "email.cohort.summary.body", "الدفعة الأولى", 10, 7, 2, 1));
        Assert.Equal(
            "Runda wdrożenia Edycja 2027 zakończyła się. Uczestnicy: 22; wdrożeni: 21; z zaległościami: 1; wycofani lub nieosiągalni: 0.",
            _catalogue.Get("pl", "email.cohort.summary.body", "Edycja 2027", 22, 21, 1, 0));
    }

    [Theory]
    [InlineData("ar")]
    [InlineData("he")]
    [InlineData("el")]
    [InlineData("pl")]
    [InlineData("bg")]
    [InlineData("lv")]
    [InlineData("hu")]
    public void ValidationMessages_EveryLanguage_TranslatesEachWithTheEnglishPlaceholders(string language)
    {
        var english = Read("en");
        var translated = Read(language);

        Assert.Equal(english.Keys.Order(), translated.Keys.Order());
        foreach (var (key, text) in english)
        {
            Assert.NotEqual(text, translated[key]);
            Assert.Equal(Placeholders(text), Placeholders(translated[key]));
        }
    }

    private static Dictionary<string, string> Read(string language) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(Folder, "validation", language + ".json")))!;

    private static List<string> Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Value).Order()];

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();
}

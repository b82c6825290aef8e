using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Browser.Tests.Browser;
using Serverless.Functions.Registry;

namespace Serverless.Browser.Tests;

[Collection(PortalCollection.Name)]
public sealed class RegistryTests(PortalFixture portal)
{
    [Fact]
    public async Task Import_FileWithErrors_ListsEveryBadRowThenTheFixedFileImportsAndThePeopleListShowsTheArabicName()
    {
        var organisationId = await RegistrySeed.OrganisationAsync(portal);
        var unique = Guid.NewGuid().ToString("N")[..8];
        var arabicName = "ليلى حداد " + unique;
        const string header = "name,email,organisationId,networkRole,preferredLanguage,consentGivenAt,consentTextVersion";
        var good = $"{arabicName},laila.{unique}@browser.test,{organisationId},participant,ar,2025-03-14,v1";
        var badFile = string.Join('\n',
            header,
            good,
            $"Jan Kowalski,not-an-address,{organisationId},participant,pl,,",
            $"Maria Nowak,maria.{unique}@browser.test,no-such-organisation-{unique},participant,pl,,");
        var fixedFile = string.Join('\n',
            header,
            good,
            $"Jan Kowalski,jan.{unique}@browser.test,{organisationId},participant,pl,,",
            $"Maria Nowak,maria.{unique}@browser.test,{organisationId},participant,pl,,");
        await using var page = await portal.Browser.NewPageAsync(locale: "en-GB");
        await PortalSignIn.SignInAsAdminAsync(portal, page, "en");
        await page.GotoAsync(portal.BaseUrl + "/registry/import");
        await page.WaitForAsync(Target.Css("#import-file"));

        await ChooseFileAsync(page, badFile);
        await page.ClickAsync(Target.ByRole("button", "Check the file"));
        await page.WaitForTextAsync("Rows: 3; ready to import: 1; with errors: 2.");

        var lines = await page.TextsAsync(Target.Css(".import-preview tbody th"));
        Assert.Equal(["2", "3", "4"], lines);
        var problems = await page.TextsAsync(Target.Css(".import-preview tbody td:last-child"));
        Assert.Equal("Ready", problems[0]);
        Assert.StartsWith("email:", problems[1], StringComparison.Ordinal);
        Assert.StartsWith("organisationId:", problems[2], StringComparison.Ordinal);
        Assert.Equal("true", await page.EvaluateAsync<string>("String(document.querySelector('.import-preview .button').disabled)"));

        await ChooseFileAsync(page, fixedFile);
        await page.ClickAsync(Target.ByRole("button", "Check the file"));
        await page.WaitForTextAsync("Rows: 3; ready to import: 3; with errors: 0.");
        await page.ClickAsync(Target.ByRole("button", "Import 3 people"));
        await page.WaitForTextAsync("3 people were imported.");

        await page.ClickAsync(Target.ByRole("link", "Go to people"));
        await page.FillAsync(Target.ByLabel("Search by name or email"), unique);
        await page.ClickAsync(Target.ByRole("button", "Search"));
        await page.WaitForFunctionAsync("document.querySelectorAll('.data-table tbody th').length === 3");
        var names = await page.TextsAsync(Target.Css(".data-table tbody th"));
        Assert.Contains(arabicName, names);
        Assert.Equal(3, names.Count);
    }

    /// <summary>Puts a file into the import page's file input, as choosing one in the file dialog does.</summary>
    private static Task ChooseFileAsync(BrowserPage page, string csv) =>
        page.EvaluateAsync($$"""
            (() => {
              const transfer = new DataTransfer();
              transfer.items.add(new File([{{JsonSerializer.Serialize(csv)}}], 'people.csv', { type: 'text/csv' }));
              const input = document.getElementById('import-file');
              input.files = transfer.files;
              input.dispatchEvent(new Event('change', { bubbles: true }));
              return true;
            })()
            """);
}

/// <summary>Records the tests need, written straight to storage.</summary>
internal static class RegistrySeed
{
    public static async Task<string> OrganisationAsync(PortalFixture portal)
    {
        var store = portal.Services.GetRequiredService<OrganisationStore>();
        var id = "browser-org-" + Guid.NewGuid().ToString("N")[..8];
        var now = DateTimeOffset.UtcNow;
        await store.CreateAsync(
            new OrganisationEntity
            {
                RowKey = id,
                Names = JsonSerializer.Serialize(new Dictionary<string, string> { ["en"] = "Browser Test Ministry " + id[^8..], ["ar"] = "وزارة الاختبار " + id[^8..] }),
                Type = "ministry",
                Country = "AE",
                Level = "national",
                Domains = id + ".browser.test",
                CreatedAt = now,
                UpdatedAt = now,
            },
            CancellationToken.None);
        return id;
    }

    /// <summary>A person for the pages that show one, created in storage with its email index.</summary>
    public static async Task<string> PersonAsync(PortalFixture portal, string organisationId)
    {
        var store = portal.Services.GetRequiredService<PeopleStore>();
        var id = Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        var person = new PersonEntity
        {
            Id = id,
            Name = "سلمى المنصوري",
            Email = $"salma.{id[..8]}@browser.test",
            OrganisationId = organisationId,
            NetworkRole = "participant",
            PreferredLanguage = "ar",
            CreatedAt = now,
            UpdatedAt = now,
        };
        await store.CreateAsync(person, CancellationToken.None);
        return id;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Browser.Tests.Browser;
using Serverless.Functions.Cohorts;
using Serverless.Functions.Registry;

namespace Serverless.Browser.Tests;

[Collection(PortalCollection.Name)]
public sealed partial class CohortsTests(PortalFixture portal)
{
    private const int Size = 40;

    [Fact]
    public async Task Onboarding_StartedFromThePortal_ProgressReaches40Of40()
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var domain = $"cohort-{unique}.browser.test";
        var cohortId = await SeedCohortAsync(unique, domain);

        await using var admin = await portal.Browser.NewPageAsync(locale: "en-GB");
        await PortalSignIn.SignInAsAdminAsync(portal, admin, "en");
        await admin.GotoAsync(portal.BaseUrl + "/cohorts/c/" + cohortId);
        await admin.WaitForAsync(Target.Css("#onboarding-deadline"));

        // The last candidate is accepted in the portal; the cohort is then full. The candidate list
        // loads after the form, slower while the other test projects run on the same cores.
        await admin.WaitForAsync(Target.ByRole("button", "Accept Participant 39"), TimeSpan.FromSeconds(30));
        await admin.ClickAsync(Target.ByRole("button", "Accept Participant 39"));
        await admin.WaitForFunctionAsync("document.getElementById('cohort-seats')?.textContent === '40 of 40'", TimeSpan.FromSeconds(15));
        var violations = await admin.AxeAsync();
        Assert.True(violations.Count == 0, AxeViolation.Describe(violations));

        // Onboarding, started from the portal, shows its live progress.
        await admin.FillAsync(Target.Css("#onboarding-deadline"), DateTime.Now.AddDays(7).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await admin.ClickAsync(Target.ByRole("button", "Start onboarding"));
        await admin.WaitForAsync(Target.Css("#onboarding-count"), TimeSpan.FromSeconds(15));
        await admin.WaitForFunctionAsync("document.getElementById('onboarding-count')?.textContent === '0 of 40 onboarded'", TimeSpan.FromSeconds(15));

        // One participant completes onboarding in a browser of their own, through the link in the welcome email.
        var emails = Enumerable.Range(0, Size).Select(i => $"participant{i:D2}@{domain}").ToList();
        var tokens = new Dictionary<string, string>();
        foreach (var email in emails)
        {
            var mail = (await portal.Mail.WaitForMessagesToAsync(email, 1, TimeSpan.FromSeconds(60)))[0];
            tokens[email] = OnboardingLink().Match(mail.GetProperty("text").GetString()!).Groups["token"].Value;
        }

        await using (var member = await portal.Browser.NewPageAsync(locale: "en-GB"))
        {
            await member.GotoAsync(portal.BaseUrl + "/cohorts/onboarding#token=" + tokens[emails[0]]);
            await member.WaitForAsync(Target.Css("#onb-job-title"));
            var memberViolations = await member.AxeAsync();
            Assert.True(memberViolations.Count == 0, AxeViolation.Describe(memberViolations));
            await member.FillAsync(Target.Css("#onb-job-title"), "Head of digital services");
            await member.ClickAsync(Target.Css("#onb-consent"));
            await member.FillAsync(Target.Css("#onb-challenge-title"), "Citizens keep calling instead of using the portal");
            await member.FillAsync(Target.Css("#onb-challenge-description"), "Only a third of applications arrive online.");
            await member.ClickAsync(Target.ByRole("button", "Save"));
            await member.WaitForTextAsync("Thank you: your onboarding is complete.");
        }

        await admin.WaitForFunctionAsync("document.getElementById('onboarding-count')?.textContent === '1 of 40 onboarded'", TimeSpan.FromSeconds(15));

        // The other 39 complete through the API, as their pages would.
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(portal.BaseUrl) };
        var antiforgery = (await client.GetFromJsonAsync<JsonElement>("/api/auth/antiforgery")).GetProperty("token").GetString()!;
        await Parallel.ForEachAsync(emails.Skip(1), new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (email, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, "/api/cohort-onboarding")
            {
                Content = JsonContent.Create(new { jobTitle = "Director", consent = true, challengeTitle = "Silos between IT and service units", challengeDescription = "Projects stall at hand-over." }),
            };
            request.Headers.Add("X-Cohort-Token", tokens[email]);
            request.Headers.Add("X-XSRF-TOKEN", antiforgery);
            using var response = await client.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
        });

        await admin.WaitForFunctionAsync("document.getElementById('onboarding-count')?.textContent === '40 of 40 onboarded'", TimeSpan.FromSeconds(30));
        Assert.Equal("40", await admin.EvaluateAsync<string>("document.querySelector('#onboarding-heading ~ .panel progress').getAttribute('value')"));
        Assert.Equal(0, await admin.CountAsync(Target.Css("#onboarding-heading ~ .panel table")));

        // The candidate list follows: everyone is shown as onboarded.
        await admin.WaitForFunctionAsync("[...document.querySelectorAll('section[aria-labelledby=candidates-heading] .badge')].filter(b => b.textContent.includes('Onboarded')).length === 40", TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task ChallengeBoard_AssignAndDrawFishbone_SavedAndExportedAsImages()
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var (cohortId, personId) = await SeedChallengeAsync(unique);

        await using var admin = await portal.Browser.NewPageAsync(locale: "en-GB");
        await PortalSignIn.SignInAsAdminAsync(portal, admin, "en");
        await admin.GotoAsync($"{portal.BaseUrl}/cohorts/c/{cohortId}/challenges");
        await admin.WaitForAsync(Target.Css($"#challenge-{personId}-group"));
        var boardViolations = await admin.AxeAsync();
        Assert.True(boardViolations.Count == 0, AxeViolation.Describe(boardViolations));

        // Assigned to a workshop group with the keyboard's controls; the board regroups it.
        await admin.FillAsync(Target.Css($"#challenge-{personId}-theme"), "Digital adoption");
        await admin.FillAsync(Target.Css($"#challenge-{personId}-group"), "Group A");
        await admin.ClickAsync(Target.ByRole("button", "Save Slow adoption of digital services"));
        await admin.WaitForAsync(Target.ByRole("heading", "Group A (1)"));

        // The fishbone: the usual categories, a cause and a sub-cause, saved and drawn.
        await admin.ClickAsync(Target.ByRole("link", "Fishbone diagram Slow adoption of digital services"));
        await admin.WaitForAsync(Target.ByRole("button", "Start with the usual categories"));
        await admin.ClickAsync(Target.ByRole("button", "Start with the usual categories"));
        await admin.ClickAsync(Target.ByRole("button", "Add a cause People"));
        await admin.FillAsync(Target.Css("#fb-cause-1-0"), "Clerks advise calling");
        await admin.ClickAsync(Target.ByRole("button", "Add a sub-cause Clerks advise calling"));
        await admin.FillAsync(Target.Css("#fb-sub-1-0-0"), "The phone is what they know");
        await admin.ClickAsync(Target.ByRole("button", "Save the diagram"));
        await admin.WaitForTextAsync("Diagram saved.");
        Assert.Contains("Clerks advise calling", await admin.EvaluateAsync<string>("document.querySelector('svg.fishbone').textContent"), StringComparison.Ordinal);
        var fishboneViolations = await admin.AxeAsync();
        Assert.True(fishboneViolations.Count == 0, AxeViolation.Describe(fishboneViolations));

        var svg = await admin.DownloadByClickAsync(Target.ByRole("button", "Download as SVG"));
        var png = await admin.DownloadByClickAsync(Target.ByRole("button", "Download as PNG"));
        Assert.EndsWith(".svg", svg.SuggestedFilename, StringComparison.Ordinal);
        Assert.Contains("The phone is what they know", await File.ReadAllTextAsync(svg.Path), StringComparison.Ordinal);
        Assert.EndsWith(".png", png.SuggestedFilename, StringComparison.Ordinal);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, (await File.ReadAllBytesAsync(png.Path))[..4]);

        // Saved: a fresh page shows the diagram as it was left.
        await admin.GotoAsync($"{portal.BaseUrl}/cohorts/c/{cohortId}/challenges/{personId}");
        await admin.WaitForAsync(Target.Css("#fb-sub-1-0-0"));
        Assert.Equal("The phone is what they know", await admin.EvaluateAsync<string>("document.getElementById('fb-sub-1-0-0').value"));

        // Every cohort page, right to left in Arabic, passes the accessibility check.
        await PortalSignIn.ChooseLanguageAsync(admin, "ar");
        (string Path, string Ready)[] pages =
        [
            ($"/cohorts/c/{cohortId}/challenges/{personId}", "#fb-sub-1-0-0"),
            ($"/cohorts/c/{cohortId}/challenges", $"#challenge-{personId}-group"),
            ($"/cohorts/c/{cohortId}", "#onboarding-deadline"),
            ($"/cohorts/c/{cohortId}/edit", "#steering-0-name"),
            ("/cohorts/new", "#cohort-programme"),
            ("/cohorts", "main .data-table"),
        ];
        foreach (var (path, ready) in pages)
        {
            await admin.GotoAsync(portal.BaseUrl + path);
            await admin.WaitForAsync(Target.Css(ready), TimeSpan.FromSeconds(15));
            try
            {
                await admin.WaitForFunctionAsync("document.documentElement.dir === 'rtl' && !document.querySelector('[aria-busy=\"true\"]')", TimeSpan.FromSeconds(15));
            }
            catch (BrowserDriverException ex)
            {
                // Say what the page was showing, so a failure in CI can be read without a rerun.
                var state = await admin.EvaluateAsync<string>("location.pathname + ' lang=' + document.documentElement.lang + ' dir=' + document.documentElement.dir + ' stored=' + localStorage.getItem('innovation-network.language') + ' busy=' + Array.from(document.querySelectorAll('[aria-busy=\"true\"]')).map(e => e.tagName + '#' + e.id).join(',') + ' h1=' + document.querySelector('h1')?.textContent");
                Assert.Fail($"{path} did not settle right to left: {state} ({ex.Message})");
            }

            var violations = await admin.AxeAsync();
            Assert.True(violations.Count == 0, path + ":\n" + AxeViolation.Describe(violations));
        }
    }

    /// <summary>A cohort with one onboarded participant and their management challenge.</summary>
    private async Task<(string CohortId, string PersonId)> SeedChallengeAsync(string unique)
    {
        var store = portal.Services.GetRequiredService<CohortStore>();
        var pipeline = portal.Services.GetRequiredService<CandidatePipeline>();
        var now = DateTimeOffset.UtcNow;
        var coordinator = await pipeline.PersonForAsync($"coordinator@board-{unique}.browser.test", "Noa Cohen", "he", null, default);
        await store.AddAsync(new ProgrammeEntity { RowKey = "pb-" + unique, Name = "Digital Leaders", CreatedAt = now, UpdatedAt = now }, default);
        var cohort = new CohortEntity
        {
            RowKey = "cb-" + unique,
            ProgrammeId = "pb-" + unique,
            Name = "Board " + unique,
            StartDate = "2027-01-10",
            EndDate = "2027-07-30",
            Capacity = 30,
            CoordinatorId = coordinator!.Id,
            SteeringCommittee = "[{\"name\":\"דוד מזרחי\",\"role\":\"Civil Service Commission\"}]",
            Budget = "[{\"label\":\"Study visit\",\"planned\":30000,\"spent\":1200}]",
            CreatedAt = now,
            UpdatedAt = now,
        };
        await store.AddAsync(cohort, default);
        var person = await pipeline.PersonForAsync($"michal@board-{unique}.browser.test", "Michal Avraham", "he", null, default);
        await store.AddAsync(
            new CandidateEntity
            {
                PartitionKey = CohortStore.CohortPartition(cohort.Id),
                RowKey = CandidateEntity.Prefix + person!.Id,
                CohortId = cohort.Id,
                PersonId = person.Id,
                Name = person.Name,
                Email = person.Email,
                Status = CandidateStatus.Onboarded,
                Round = 1,
                JobTitle = "Head of digital services",
                ConsentGivenAt = now,
                ChallengeTitle = "Slow adoption of digital services",
                ChallengeDescription = "Only a third of applications arrive online.",
                CreatedAt = now,
                UpdatedAt = now,
            },
            default);
        return (cohort.Id, person.Id);
    }

    /// <summary>A programme and a cohort of 40 seats with 40 candidates, 39 already accepted.</summary>
    private async Task<string> SeedCohortAsync(string unique, string domain)
    {
        var services = portal.Services;
        var store = services.GetRequiredService<CohortStore>();
        var pipeline = services.GetRequiredService<CandidatePipeline>();
        var people = services.GetRequiredService<PeopleStore>();
        var coordinator = await pipeline.PersonForAsync($"coordinator@{domain}", "Yossi Levi", "en", null, default);
        var now = DateTimeOffset.UtcNow;
        await store.AddAsync(new ProgrammeEntity { RowKey = "p-" + unique, Name = "Digital Leaders", CreatedAt = now, UpdatedAt = now }, default);
        var cohort = new CohortEntity
        {
            RowKey = "c-" + unique,
            ProgrammeId = "p-" + unique,
            Name = "Edition 2027 " + unique,
            StartDate = "2027-01-10",
            EndDate = "2027-07-30",
            Capacity = Size,
            CoordinatorId = coordinator!.Id,
            SteeringCommittee = "[{\"name\":\"David Mizrahi\",\"role\":\"Civil Service Commission\"}]",
            Budget = "[{\"label\":\"Workshops\",\"planned\":42000,\"spent\":12500}]",
            CreatedAt = now,
            UpdatedAt = now,
        };
        await store.AddAsync(cohort, default);
        var proposals = new List<(PersonEntity, string?)>();
        for (var i = 0; i < Size; i++)
        {
            proposals.Add(((await pipeline.PersonForAsync($"participant{i:D2}@{domain}", $"Participant {i:D2}", "en", null, default))!, null));
        }

        await pipeline.ProposeAsync(cohort, proposals, "admin", "system:test", default);
        foreach (var (person, _) in proposals.Take(Size - 1))
        {
            var (_, refusal) = await pipeline.SetStatusAsync(cohort, person.Id, CandidateStatus.Accepted, null, default);
            Assert.Null(refusal);
        }

        Assert.NotNull(await people.GetAsync(coordinator.Id, default));
        return cohort.Id;
    }

    [GeneratedRegex(@"/cohorts/onboarding#token=(?<token>[A-Za-z0-9_\-]{43})")]
    private static partial Regex OnboardingLink();
}

using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Browser.Tests.Browser;
using Serverless.Functions.Nominations;
using Serverless.Functions.Registry;
using Serverless.Testing;

namespace Serverless.Browser.Tests;

[Collection(PortalCollection.Name)]
public sealed partial class NominationsTests(PortalFixture portal)
{
    private static readonly TimeSpan MailTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Nomination_SubmittedReviewedByEmailedLinkAndSelected_NominatorGetsTheDecisionEmail()
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var (_, nominatorEmail, reviewerEmail) = await SeedAsync(unique, withCall: false);
        var title = "Paperless parking permits " + unique;
        var failures = new List<string>();

        // The admin creates the call through the portal's form, with the reviewer as its panel.
        await using var admin = await portal.Browser.NewPageAsync(locale: "en-GB");
        await PortalSignIn.SignInAsAdminAsync(portal, admin, "en");
        await admin.GotoAsync(portal.BaseUrl + "/nominations/calls/new");
        await admin.WaitForAsync(Target.Css("#call-reviewer-reviewer-" + unique));
        await Axe(admin, "call form", failures);
        var local = (DateTime d) => d.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        await admin.FillAsync(Target.ByLabel("Title"), "Excellence Makers " + unique);
        await admin.FillAsync(Target.ByLabel("Opens"), local(DateTime.Now.AddDays(-1)));
        await admin.FillAsync(Target.ByLabel("Closes"), local(DateTime.Now.AddDays(10)));
        await admin.FillAsync(Target.ByLabel("Review deadline"), local(DateTime.Now.AddDays(20)));
        await admin.ClickAsync(Target.Css("#call-reviewer-reviewer-" + unique));
        await admin.FillAsync(Target.ByLabel("Reviews per nomination"), "1");
        await admin.ClickAsync(Target.Css("#call-share"));
        await admin.ClickAsync(Target.ByRole("button", "Create the call"));
        var boardUrl = await admin.WaitForUrlAsync("**/board");
        var callId = boardUrl.Split('/')[^2];

        // The nominator signs in, fills the form and submits.
        await using var nominator = await portal.Browser.NewPageAsync(locale: "en-GB");
        await nominator.GotoAsync(await PortalSignIn.RequestLinkAsync(portal, nominator, nominatorEmail));
        await nominator.ClickAsync(Target.Css("main button.button"));
        await nominator.WaitForAsync(Target.Css(".session-menu__sign-out"));
        await nominator.GotoAsync(portal.BaseUrl + "/nominations");
        await nominator.WaitForAsync(Target.Css($"a[href='/nominations/calls/{callId}/new']"));
        await Axe(nominator, "nominations", failures);
        await nominator.ClickAsync(Target.Css($"a[href='/nominations/calls/{callId}/new']"));
        await nominator.WaitForAsync(Target.ByLabel("Project title"));
        await Axe(nominator, "nomination form", failures);
        await nominator.ClickAsync(Target.ByRole("button", "Submit the nomination"));
        await nominator.WaitForTextAsync("This field is required.");
        await nominator.FillAsync(Target.ByLabel("Project title"), title);
        await nominator.FillAsync(Target.ByLabel("Goals"), "Issue residents' parking permits online within one day.");
        await nominator.FillAsync(Target.ByLabel("Expected positive impact"), "Residents no longer queue at service centres.");
        await nominator.FillAsync(Target.ByLabel("Practical feasibility"), "Uses the existing permit system.");
        await nominator.FillAsync(Target.ByLabel("Team"), "Omar Al Suwaidi (lead), Priya Nair");
        await nominator.ClickAsync(Target.ByRole("button", "Submit the nomination"));
        await nominator.WaitForTextAsync("The nomination is submitted.");
        Assert.Equal($"Nomination received: {title}", (await portal.Mail.WaitForMessagesToAsync(nominatorEmail, 2, MailTimeout))[^1].GetProperty("subject").GetString());

        // The admin closes the call and starts the review from the board.
        await admin.GotoAsync(portal.BaseUrl + $"/nominations/calls/{callId}/board");
        await admin.ClickAsync(Target.ByRole("button", "Close the call and start the review"));
        await admin.WaitForTextAsync("The review has started");

        // The reviewer opens the emailed link in a browser of their own and scores.
        var reviewMail = (await portal.Mail.WaitForMessagesToAsync(reviewerEmail, 1, MailTimeout))[0];
        var link = portal.BaseUrl + ReviewLink().Match(reviewMail.GetProperty("text").GetString()!).Groups["path"].Value;
        await using var reviewer = await portal.Browser.NewPageAsync(locale: "en-GB");
        await reviewer.GotoAsync(link);
        await reviewer.WaitForAsync(Target.Css("#review-clarity-5"));
        await Axe(reviewer, "review page", failures);
        await reviewer.ClickAsync(Target.Css("#review-clarity-5"));
        await reviewer.ClickAsync(Target.Css("#review-impact-4"));
        await reviewer.ClickAsync(Target.Css("#review-feasibility-4"));
        await reviewer.FillAsync(Target.ByLabel("Comment", exact: false), "A model for other government entities.");
        await reviewer.ClickAsync(Target.ByRole("button", "Send the review"));
        await reviewer.WaitForAsync(Target.Css("#review-done"));

        // The admin sees the score on the board and selects the nomination.
        await Wait.UntilAsync(
            async () =>
            {
                if ((await admin.TextAsync(Target.Css("main"))).Contains("Reviewed", StringComparison.Ordinal))
                {
                    return true;
                }

                await admin.ClickAsync(Target.ByRole("button", "Refresh"));
                return false;
            },
            "the board to show the nomination reviewed",
            TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(500));

        Assert.Contains("Reviewed", await admin.TextAsync(Target.Css("main")), StringComparison.Ordinal);
        await Axe(admin, "board", failures);
        await admin.ClickAsync(Target.ByRole("button", $"Select “{title}”"));
        await admin.WaitForTextAsync("The decision is saved");

        // Sign-in link, confirmation, the decision and (selected) the first TRADE report request, the last two in any order.
        var messages = await portal.Mail.WaitForMessagesToAsync(nominatorEmail, 4, MailTimeout);
        var decision = Assert.Single(messages, m => m.GetProperty("subject").GetString() == $"Your nomination was selected: {title}");
        Assert.Contains("A model for other government entities.", decision.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public async Task ReviewPage_InArabic_IsRightToLeftAndHasNoAxeViolations()
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var (callId, _, reviewerEmail) = await SeedAsync(unique);
        var services = portal.Services;
        var store = services.GetRequiredService<NominationStore>();
        var reviewer = (await services.GetRequiredService<PeopleStore>().FindByEmailAsync(reviewerEmail, default))!;
        var nominationId = "n-" + unique;
        await store.AddAsync(new NominationEntity { PartitionKey = NominationStore.CallPartition(callId), RowKey = NominationEntity.Prefix + nominationId, CallId = callId, OrganisationId = "org-" + unique, SubmitterId = "x", Title = "توحيد قنوات العناية بالمستفيدين", Goals = "توحيد الرد على الطلبات.", ExpectedImpact = "رضا أعلى.", Feasibility = "مرحلتان.", Team = "نورة القحطاني", Status = NominationStatus.InReview }, default);
        await store.AddAsync(new AssignmentEntity { PartitionKey = NominationStore.CallPartition(callId), RowKey = AssignmentEntity.RowFor(nominationId, reviewer.Id), CallId = callId, NominationId = nominationId, ReviewerId = reviewer.Id, AssignedAt = DateTimeOffset.UtcNow, RespondBy = DateTimeOffset.UtcNow.AddDays(5) }, default);
        var token = await services.GetRequiredService<ReviewLinks>().IssueAsync(callId, nominationId, reviewer.Id, TimeSpan.FromHours(1), default);

        await using var page = await portal.Browser.NewPageAsync(locale: "ar-AE");
        await page.GotoAsync(portal.BaseUrl + "/");
        await page.EvaluateAsync("(() => { try { localStorage.setItem('innovation-network.language', 'ar'); } catch {} return true; })()");
        await page.GotoAsync(portal.BaseUrl + $"/nominations/review#token={token}");
        await page.WaitForAsync(Target.Css("#review-clarity-1"));
        var failures = new List<string>();
        await Axe(page, "review page (ar)", failures);
        await page.GotoAsync(portal.BaseUrl + "/");
        await page.GotoAsync(portal.BaseUrl + "/nominations/review#token=not-a-real-token");
        await page.WaitForAsync(Target.Css("main .notice"));
        await Axe(page, "refused review page (ar)", failures);

        Assert.Equal("rtl", await page.EvaluateAsync<string>("document.documentElement.dir"));
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public async Task TradePages_BoardReportAndGate_ActOnlyFromTheFormsAndHaveNoAxeViolations()
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var services = portal.Services;
        var projectId = "trade-" + unique;
        var now = DateTimeOffset.UtcNow;
        await services.GetRequiredService<NominationStore>().AddAsync(
            new ProjectEntity
            {
                RowKey = projectId,
                CallId = "call-" + unique,
                NominationId = projectId,
                Title = "Adaptive traffic signals " + unique,
                OrganisationId = "rta-" + unique,
                TeamLeadId = "lead-" + unique,
                GateApproverId = "approver-" + unique,
                Stage = 1,
                StageStartedAt = now,
                ReportIndex = 0,
                ReportDue = now.AddDays(10),
                GatePending = true,
                Deliverables = JsonSerializer.Serialize(TradeStages.DefaultDeliverables),
                CreatedAt = now,
                UpdatedAt = now,
            },
            default);
        var tokens = services.GetRequiredService<Serverless.Functions.Platform.Security.ActionTokens>();
        var reportToken = await tokens.IssueAsync(TradeTracker.ReportPurpose, TradeTracker.ReportSubject(projectId, 1, 0), TimeSpan.FromHours(1), default);
        var gateToken = await tokens.IssueAsync(TradeTracker.GatePurpose, TradeTracker.GateSubject(projectId, 1), TimeSpan.FromHours(1), default);
        var failures = new List<string>();

        await using var admin = await portal.Browser.NewPageAsync(locale: "en-GB");
        await PortalSignIn.SignInAsAdminAsync(portal, admin, "en");
        await admin.GotoAsync(portal.BaseUrl + "/nominations/projects");
        await admin.WaitForTextAsync("Adaptive traffic signals " + unique);
        await Axe(admin, "projects board", failures);

        await using var lead = await portal.Browser.NewPageAsync(locale: "en-GB");
        await lead.GotoAsync(portal.BaseUrl + $"/nominations/report#token={reportToken}");
        await lead.WaitForAsync(Target.Css("#report-summary"));
        await Axe(lead, "report form", failures);
        await lead.ClickAsync(Target.ByRole("button", "Send the report"));
        await lead.WaitForAsync(Target.Css("#report-summary-error"));
        await lead.FillAsync(Target.Css("#report-summary"), "Benchmarking visits to two cities done.");
        await lead.ClickAsync(Target.Css("#report-health-on-track"));
        await lead.ClickAsync(Target.ByRole("button", "Send the report"));
        await lead.WaitForAsync(Target.Css("#report-done"));

        await lead.GotoAsync(portal.BaseUrl + "/");
        await lead.GotoAsync(portal.BaseUrl + $"/nominations/gate#token={gateToken}");
        await lead.WaitForAsync(Target.Css("#gate-decision-approve"));
        Assert.Contains("Benchmarking visits to two cities done.", await lead.TextAsync(Target.Css("main")), StringComparison.Ordinal);
        await Axe(lead, "gate page", failures);
        await lead.ClickAsync(Target.Css("#gate-decision-approve"));
        await lead.ClickAsync(Target.ByRole("button", "Confirm the decision"));
        await lead.WaitForAsync(Target.Css("#gate-done"));

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    private static async Task Axe(BrowserPage page, string name, List<string> failures)
    {
        var violations = await page.AxeAsync();
        if (violations.Count > 0)
        {
            failures.Add($"{name}:\n{AxeViolation.Describe(violations)}");
        }
    }

    /// <summary>Two organisations, a nominator, a reviewer and an open call with the reviewer as its one-person panel — written straight to storage.</summary>
    private async Task<(string CallId, string NominatorEmail, string ReviewerEmail)> SeedAsync(string unique, bool withCall = true)
    {
        var services = portal.Services;
        var organisations = services.GetRequiredService<OrganisationStore>();
        var people = services.GetRequiredService<PeopleStore>();
        var now = DateTimeOffset.UtcNow;
        foreach (var org in new[] { "rta-" + unique, "panel-" + unique })
        {
            await organisations.CreateAsync(new OrganisationEntity { RowKey = org, Names = JsonSerializer.Serialize(new Dictionary<string, string> { ["en"] = "Organisation " + org }), Type = "agency", Country = "AE", Level = "local", Domains = org + ".gov.example", CreatedAt = now, UpdatedAt = now }, default);
        }

        var nominator = new PersonEntity { Id = "nominator-" + unique, Name = "Omar Al Suwaidi", Email = $"omar.{unique}@browser.test", OrganisationId = "rta-" + unique, PreferredLanguage = "en", CreatedAt = now, UpdatedAt = now };
        nominator.SetRoles(["member"]);
        var reviewer = new PersonEntity { Id = "reviewer-" + unique, Name = "Sarah Thompson", Email = $"sarah.{unique}@browser.test", OrganisationId = "panel-" + unique, PreferredLanguage = "en", CreatedAt = now, UpdatedAt = now };
        reviewer.SetRoles(["member", "reviewer"]);
        await people.CreateAsync(nominator, default);
        await people.CreateAsync(reviewer, default);

        var callId = "call-" + unique;
        if (!withCall)
        {
            return (callId, nominator.Email, reviewer.Email);
        }

        await services.GetRequiredService<NominationStore>().AddAsync(
            new CallEntity
            {
                RowKey = callId,
                Titles = JsonSerializer.Serialize(new Dictionary<string, string> { ["en"] = "Excellence Makers " + unique, ["ar"] = "صنّاع التميّز " + unique }),
                Descriptions = JsonSerializer.Serialize(new Dictionary<string, string> { ["en"] = "Nominate an improvement project." }),
                OpensAt = now.AddDays(-1),
                ClosesAt = now.AddDays(10),
                ReviewDeadline = now.AddDays(20),
                Criteria = JsonSerializer.Serialize(
                    new[]
                    {
                        new Criterion("clarity", new() { ["en"] = "Clarity of goals", ["ar"] = "وضوح الأهداف" }, 2),
                        new Criterion("impact", new() { ["en"] = "Expected positive impact", ["ar"] = "الأثر الإيجابي المتوقع" }, 2),
                        new Criterion("feasibility", new() { ["en"] = "Practical feasibility", ["ar"] = "قابلية التطبيق العملي" }, 1),
                    },
                    new JsonSerializerOptions(JsonSerializerDefaults.Web)),
                ScaleMax = 5,
                Reviewers = reviewer.Id,
                ReviewsPerNomination = 1,
                Threshold = 60,
                ShareComments = true,
                CreatedAt = now,
                UpdatedAt = now,
            },
            default);
        return (callId, nominator.Email, reviewer.Email);
    }

    [GeneratedRegex(@"https?://[^/\s]+(?<path>/nominations/review#token=[A-Za-z0-9_\-]+)")]
    private static partial Regex ReviewLink();
}

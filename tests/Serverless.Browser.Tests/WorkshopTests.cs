using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Browser.Tests.Browser;
using Serverless.Functions.Registry;
using Serverless.Functions.Workshops;
using IcalCalendar = Ical.Net.Calendar;

namespace Serverless.Browser.Tests;

[Collection(PortalCollection.Name)]
public sealed partial class WorkshopTests(PortalFixture portal)
{
    private static readonly TimeSpan MailTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Campaign_InvitationEmailToConfirmationPage_RegistersAndEmailsACalendarEntry()
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var invitee = $"eleni.{unique}@browser.test";
        await using var admin = await portal.Browser.NewPageAsync(locale: "en-GB");
        await PortalSignIn.SignInAsAdminAsync(portal, admin, "en");

        // A series with its question, through the portal's forms.
        await admin.GotoAsync(portal.BaseUrl + "/workshops/series/new");
        await admin.FillAsync(Target.ByLabel("Title (English)"), "Co-design of the Innovation Development Model " + unique);
        await admin.FillAsync(Target.Css("#series-translation-title"), "Συν-σχεδιασμός Μοντέλου Ανάπτυξης Καινοτομίας");
        await admin.FillAsync(Target.Css("#question-0-max"), "300");
        await admin.ClickAsync(Target.ByRole("button", "Create the series"));
        await admin.WaitForAsync(Target.ByRole("link", "Add a session"));
        var seriesUrl = await admin.UrlAsync();

        await admin.ClickAsync(Target.ByRole("link", "Add a session"));
        await admin.FillAsync(Target.Css("#session-title"), "First co-design workshop");
        await admin.FillAsync(Target.Css("#session-start"), "2031-07-13T10:00");
        await admin.FillAsync(Target.Css("#session-end"), "2031-07-13T12:00");
        await admin.FillAsync(Target.Css("#session-time-zone"), "Europe/Athens");
        await admin.FillAsync(Target.Css("#session-online-url"), "https://meet.example.org/codesign-1");
        await admin.FillAsync(Target.Css("#session-capacity"), "25");
        await admin.FillAsync(Target.Css("#session-deadline"), "2031-07-10T12:00");
        await admin.ClickAsync(Target.ByRole("button", "Add the session"));
        await admin.WaitForTextAsync("First co-design workshop");

        // The campaign, started from the portal, with its live progress page.
        await admin.ClickAsync(Target.ByRole("link", "Start an invitation campaign"));
        await admin.FillAsync(Target.Css("#campaign-emails"), $"email,name,language\n{invitee},Ελένη Παπαδοπούλου,el\n");
        await admin.FillAsync(Target.Css("#campaign-deadline"), DateTime.Now.AddDays(5).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await admin.ClickAsync(Target.ByRole("button", "Start the campaign"));
        await admin.WaitForAsync(Target.ByText("Invitations sent"));
        await admin.WaitForFunctionAsync("document.querySelector('.ws-counts li:nth-child(2) strong')?.textContent === '1'", TimeSpan.FromSeconds(60));

        // The invitee opens the link from the local inbox in a browser of their own.
        var mail = (await portal.Mail.WaitForMessagesToAsync(invitee, 1, MailTimeout))[0];
        Assert.StartsWith("Πρόσκληση", mail.GetProperty("subject").GetString(), StringComparison.Ordinal);
        var link = portal.BaseUrl + InvitationLink().Match(mail.GetProperty("text").GetString()!).Groups["path"].Value;
        await using var member = await portal.Browser.NewPageAsync(locale: "el-GR");
        await member.GotoAsync(link);
        await member.WaitForAsync(Target.Css("#invite-answer-q1"));
        Assert.Equal("Ελένη Παπαδοπούλου", await member.EvaluateAsync<string>("document.getElementById('invite-name').value"));
        await member.FillAsync(Target.Css("#invite-answer-q1"), "<b>Measuring</b> the results of innovation projects");
        await member.ClickAsync(Target.Css("#invite-consent"));
        await member.ClickAsync(Target.Css("form button[type=submit]"));
        await member.WaitForAsync(Target.Css("#invite-status-heading"));
        Assert.Contains("Επιβεβαιωμένη", await member.TextAsync(Target.Css(".panel .badge")), StringComparison.Ordinal);
        Assert.Equal("<b>Measuring</b> the results of innovation projects", await member.EvaluateAsync<string>("document.getElementById('invite-answer-q1').value"));

        // The confirmation email carries the calendar entry, which a standard parser reads.
        var messages = await portal.Mail.WaitForMessagesToAsync(invitee, 2, MailTimeout);
        var confirmation = messages.Last();
        var attachment = confirmation.GetProperty("attachments")[0];
        var ics = await DownloadAttachmentAsync(confirmation.GetProperty("id").GetString()!, attachment.GetProperty("generatedFileName").GetString()!);
        var calendarEvent = IcalCalendar.Load(ics)!.Events.Single();
        Assert.Equal("Europe/Athens", calendarEvent.DtStart!.TzId);
        Assert.Equal(new DateTime(2031, 7, 13, 7, 0, 0, DateTimeKind.Utc), calendarEvent.DtStart.AsUtc);
        Assert.Equal(new Uri("https://meet.example.org/codesign-1"), calendarEvent.Url);
        Assert.DoesNotContain("<b>", confirmation.GetProperty("html").GetString()!, StringComparison.Ordinal);

        // The coordinator sees the registration, the answer shown as typed.
        await admin.GotoAsync(seriesUrl);
        await admin.WaitForTextAsync("Ελένη Παπαδοπούλου");
        Assert.Equal(1, await admin.CountAsync(Target.ByText("<b>Measuring</b> the results of innovation projects")));
    }

    [Theory]
    [InlineData("en")]
    [InlineData("ar")]
    public async Task WorkshopPages_InEnglishAndArabic_HaveNoAxeViolations(string language)
    {
        var seed = await SeedAsync();
        var failures = new List<string>();
        await using (var visitor = await portal.Browser.NewPageAsync(locale: language == "ar" ? "ar-AE" : "en-GB"))
        {
            await SetLanguageAsync(visitor, language);
            foreach (var (path, ready) in new[]
            {
                ($"/workshops/invitation#token={seed.InvitationToken}", "#invite-sessions"),
                ($"/workshops/survey#token={seed.SurveyToken}", "#survey-comment"),
                ("/workshops/invitation#token=not-a-real-token", "main .notice"),
            })
            {
                await CheckAsync(visitor, path, ready, failures);
            }
        }

        await using var page = await portal.Browser.NewPageAsync(locale: "en-GB");
        await PortalSignIn.SignInAsAdminAsync(portal, page, language);
        foreach (var (path, ready) in new[]
        {
            ("/workshops", ".data-table tbody th a"),
            ("/workshops/series/new", "#question-0-label"),
            ($"/workshops/series/{seed.SeriesId}", ".ws-chart svg"),
            ($"/workshops/series/{seed.SeriesId}/sessions/new", "#session-capacity"),
            ($"/workshops/series/{seed.SeriesId}/campaigns/new", "#campaign-emails"),
            ($"/workshops/campaigns/{seed.CampaignId}", ".ws-counts"),
        })
        {
            await CheckAsync(page, path, ready, failures);
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    private async Task CheckAsync(BrowserPage page, string path, string ready, List<string> failures)
    {
        await page.GotoAsync(portal.BaseUrl + path);
        await page.WaitForAsync(Target.Css(ready), TimeSpan.FromSeconds(20));
        var violations = await page.AxeAsync();
        if (violations.Count > 0)
        {
            failures.Add($"{path}:\n{AxeViolation.Describe(violations)}");
        }
    }

    private async Task SetLanguageAsync(BrowserPage page, string language)
    {
        await page.GotoAsync(portal.BaseUrl + "/");
        await page.EvaluateAsync($"(() => {{ try {{ localStorage.setItem('innovation-network.language', '{language}'); }} catch {{}} return true; }})()");
    }

    /// <summary>A series with a session, a registration with attendance and feedback, a campaign, and live links — written straight to storage.</summary>
    private async Task<(string SeriesId, string CampaignId, string InvitationToken, string SurveyToken)> SeedAsync()
    {
        var services = portal.Services;
        var store = services.GetRequiredService<WorkshopStore>();
        var links = services.GetRequiredService<InvitationLinks>();
        var people = services.GetRequiredService<PeopleStore>();
        var now = DateTimeOffset.UtcNow;
        var unique = Guid.NewGuid().ToString("N")[..8];
        var seriesId = "axe-" + unique;
        var campaignId = "axe-c-" + unique;
        var person = new PersonEntity { Id = "axe-p-" + unique, Name = "Μαρία Γεωργίου", Email = $"maria.{unique}@browser.test", PreferredLanguage = "el", CreatedAt = now, UpdatedAt = now };
        person.SetRoles(["member"]);
        await people.CreateAsync(person, default);

        await store.AddAsync(new SeriesEntity
        {
            RowKey = seriesId,
            Titles = WorkshopJsonText(new { en = "Co-design of the Innovation Development Model", ar = "التصميم المشترك لنموذج تطوير الابتكار" }),
            Descriptions = WorkshopJsonText(new { en = "Online co-design workshops." }),
            Questions = JsonSerializer.Serialize(new[] { new Question("challenge", new Dictionary<string, string> { ["en"] = "Your management challenge", ["ar"] = "تحدّيك الإداري" }, 500, true) }, new JsonSerializerOptions(JsonSerializerDefaults.Web)),
            CreatedAt = now,
            UpdatedAt = now,
        }, default);
        var partition = WorkshopStore.SeriesPartition(seriesId);
        await store.AddAsync(new SessionEntity
        {
            PartitionKey = partition,
            RowKey = SessionEntity.Prefix + "w1",
            SeriesId = seriesId,
            Titles = WorkshopJsonText(new { en = "First co-design workshop", ar = "ورشة التصميم المشترك الأولى" }),
            StartLocal = "2031-07-13T10:00",
            EndLocal = "2031-07-13T12:00",
            TimeZone = "Europe/Athens",
            StartUtc = new DateTimeOffset(2031, 7, 13, 7, 0, 0, TimeSpan.Zero),
            EndUtc = new DateTimeOffset(2031, 7, 13, 9, 0, 0, TimeSpan.Zero),
            OnlineUrl = "https://meet.example.org/codesign-1",
            Capacity = 25,
            WaitlistEnabled = true,
            RegistrationDeadline = new DateTimeOffset(2031, 7, 11, 0, 0, 0, TimeSpan.Zero),
            CreatedAt = now,
            UpdatedAt = now,
        }, default);
        await store.AddAsync(new SeatCounterEntity { PartitionKey = partition, RowKey = SeatCounterEntity.Prefix + "w1", Capacity = 25, Taken = 1 }, default);
        await store.AddAsync(new RegistrationEntity
        {
            PartitionKey = partition,
            RowKey = RegistrationEntity.Prefix + "axe-attendee",
            SeriesId = seriesId,
            PersonId = "axe-attendee",
            Name = "Γιώργος Νικολάου",
            Email = $"giorgos.{unique}@browser.test",
            SessionId = "w1",
            Status = RegistrationStatus.Confirmed,
            Answers = WorkshopJsonText(new { challenge = "<i>markup</i> stays text" }),
            Attended = true,
            CreatedAt = now,
            UpdatedAt = now,
        }, default);
        await store.AddAsync(new FeedbackEntity
        {
            PartitionKey = partition,
            RowKey = FeedbackEntity.Prefix + "w1|axe-attendee",
            SessionId = "w1",
            PersonId = "axe-attendee",
            Ratings = WorkshopJsonText(new { overall = 5, content = 4, facilitation = 4 }),
            Comment = "Clear steps.",
            SubmittedAt = now,
        }, default);
        await store.AddAsync(new CampaignEntity { RowKey = campaignId, SeriesId = seriesId, Name = "Invitations " + unique, Deadline = now.AddDays(10), Total = 1, InstanceId = "none", CreatedAt = now }, default);
        await store.AddAsync(new InvitationEntity
        {
            PartitionKey = WorkshopStore.CampaignPartition(campaignId),
            RowKey = person.Id,
            CampaignId = campaignId,
            SeriesId = seriesId,
            PersonId = person.Id,
            Email = person.Email,
            Name = person.Name,
            Status = InvitationStatus.Sent,
            SentAt = now,
            CreatedAt = now,
        }, default);
        var invitationToken = await links.IssueInvitationAsync(campaignId, person.Id, now.AddDays(30), default);
        var surveyToken = await links.IssueSurveyAsync(seriesId, "w1", person.Id, TimeSpan.FromDays(1), default);
        return (seriesId, campaignId, invitationToken, surveyToken);
    }

    private static string WorkshopJsonText(object value) => JsonSerializer.Serialize(value);

    private async Task<string> DownloadAttachmentAsync(string id, string fileName)
    {
        using var http = new HttpClient { BaseAddress = new Uri(portal.Mail.WebUrl) };
        var bytes = await http.GetByteArrayAsync($"/api/email/{id}/attachment/{Uri.EscapeDataString(fileName)}");
        return Encoding.UTF8.GetString(bytes);
    }

    [GeneratedRegex(@"https?://[^/\s]+(?<path>/workshops/invitation#token=[A-Za-z0-9_\-]+)")]
    private static partial Regex InvitationLink();
}

using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Browser.Tests.Browser;
using Serverless.Functions.Registry;
using Serverless.Functions.Workshops;

namespace Serverless.Browser.Tests;

/// <summary>
/// Registering from an invitation with the keyboard alone, in Arabic, as a screen-reader user
/// would: after each step the test checks where focus is and what is announced.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class KeyboardRegistrationTests(PortalFixture portal)
{
    /// <summary>
    /// The focused element's id, or its tag and classes, and the contrast of its text against its
    /// own background (the yellow focus band), computed as WCAG defines it.
    /// </summary>
    private const string FocusScript = """
        (() => {
          const el = document.activeElement;
          const rgb = (c) => (c.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
          const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
            .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
          const style = getComputedStyle(el);
          const [a, b] = [lum(rgb(style.color)), lum(rgb(style.backgroundColor))].sort((x, y) => y - x);
          return { id: el.id || '', tag: el.tagName.toLowerCase(), classes: el.className || '', contrast: (a + 0.05) / (b + 0.05) };
        })()
        """;

    [Fact]
    public async Task InvitationRegistration_KeyboardOnlyInArabic_FocusFollowsEachStepAndMessagesAreArabic()
    {
        var token = await SeedInvitationAsync();
        await using var page = await portal.Browser.NewPageAsync(locale: "ar-AE");
        await page.GotoAsync(portal.BaseUrl + "/workshops/invitation#token=" + token);
        await page.WaitForAsync(Target.Css("#invite-answer-challenge"), TimeSpan.FromSeconds(20));
        Assert.Equal("ar", await page.AttributeAsync("html", "lang"));
        Assert.Equal("rtl", await page.AttributeAsync("html", "dir"));

        // Seats are counted with the Arabic plural form for 3 to 10 ("بقيت ١٠ مقاعد", not "بقي ١٠ مقعدًا").
        var ten = await page.EvaluateAsync<string>("new Intl.NumberFormat('ar').format(10)");
        Assert.Contains($"بقيت {ten} مقاعد", await page.TextAsync(Target.Css("label[for=invite-session-w1]")), StringComparison.Ordinal);

        // The banner's links stay dark on the yellow focus band.
        var siteName = await TabToAsync(page, "a.site-name");
        Assert.True(siteName.Contrast >= 4.5, $"the focused site name has contrast {siteName.Contrast:0.00}:1");
        var signIn = await TabToAsync(page, "a.session-menu__link");
        Assert.True(signIn.Contrast >= 4.5, $"the focused sign-in link has contrast {signIn.Contrast:0.00}:1");

        // The session is chosen already; the required question says so, visibly and to assistive technology.
        await TabToAsync(page, "#invite-session-w1");
        Assert.True(await page.EvaluateAsync<bool>("document.getElementById('invite-session-w1').checked"));
        await TabToAsync(page, "#invite-answer-challenge");
        Assert.Equal("true", await page.AttributeAsync("#invite-answer-challenge", "aria-required"));
        Assert.Contains("(مطلوب)", await page.TextAsync(Target.Css("label[for=invite-answer-challenge]")), StringComparison.Ordinal);

        // Consent with Space, submit with Enter, leaving the required answer empty.
        await TabToAsync(page, "#invite-consent");
        await page.PressAsync("Space");
        Assert.True(await page.EvaluateAsync<bool>("document.getElementById('invite-consent').checked"));
        await TabToAsync(page, "form button[type=submit]");
        await page.EvaluateAsync("(() => { window.__inviteResult = document.getElementById('invite-result'); return true; })()");
        await page.PressAsync("Enter");

        // The error summary is an alert, takes focus, and carries the server's message in Arabic.
        await page.WaitForFunctionAsync("document.activeElement?.classList.contains('error-summary')", TimeSpan.FromSeconds(20));
        Assert.Equal("alert", await page.AttributeAsync(".error-summary", "role"));
        var summary = await page.TextAsync(Target.Css(".error-summary"));
        Assert.Contains("توجد مشكلة", summary, StringComparison.Ordinal);
        Assert.Contains("أجب عن هذا السؤال.", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("Answer this question", summary, StringComparison.Ordinal);
        await AssertNoAxeViolationsAsync(page, "with the error summary");

        // Its link leads to the field, which now names its error.
        await page.PressAsync("Tab");
        Assert.Equal("a", (await FocusAsync(page)).Tag);
        Assert.Equal("أجب عن هذا السؤال.", await page.EvaluateAsync<string>("document.activeElement.textContent"));
        await page.PressAsync("Enter");
        Assert.Equal("invite-answer-challenge", (await FocusAsync(page)).Id);
        Assert.Equal("true", await page.AttributeAsync("#invite-answer-challenge", "aria-invalid"));

        await page.TypeAsync("قياس أثر الابتكار");
        Assert.Equal("قياس أثر الابتكار", await page.EvaluateAsync<string>("document.getElementById('invite-answer-challenge').value"));
        await TabToAsync(page, "form button[type=submit]");
        await page.PressAsync("Enter");

        // Focus moves to the result; the outcome is announced from the live region that was there before.
        await page.WaitForFunctionAsync("document.activeElement?.id === 'invite-status-heading'", TimeSpan.FromSeconds(20));
        Assert.True(await page.EvaluateAsync<bool>("window.__inviteResult === document.getElementById('invite-result') && window.__inviteResult.getAttribute('role') === 'status'"));
        Assert.Equal("شكرًا لك. تم حفظ تسجيلك وسيصلك تأكيد بالبريد الإلكتروني.", await page.TextAsync(Target.Css("#invite-result")));
        Assert.Equal("تسجيلك", await page.TextAsync(Target.Css("#invite-status-heading")));
        Assert.Equal(0, await page.CountAsync(Target.Css(".error-summary")));
        Assert.True(await page.EvaluateAsync<bool>("(() => { const r = document.activeElement.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()"));
        await AssertNoAxeViolationsAsync(page, "after registering");
    }

    private static async Task<FocusState> FocusAsync(BrowserPage page) =>
        await page.EvaluateAsync<FocusState>(FocusScript) ?? throw new InvalidOperationException("no focus state");

    /// <summary>Presses Tab until the element matching <paramref name="selector"/> has focus (a keyboard user's way there).</summary>
    private static async Task<FocusState> TabToAsync(BrowserPage page, string selector, int maxPresses = 40)
    {
        var visited = new List<string>();
        for (var i = 0; i < maxPresses; i++)
        {
            await page.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>($"document.activeElement?.matches({JsonSerializer.Serialize(selector)}) === true"))
            {
                return await FocusAsync(page);
            }

            var focus = await FocusAsync(page);
            visited.Add(focus.Id.Length > 0 ? "#" + focus.Id : focus.Tag + "." + focus.Classes);
        }

        throw new InvalidOperationException($"Tab never reached {selector}; focus went through {string.Join(", ", visited)}");
    }

    private static async Task AssertNoAxeViolationsAsync(BrowserPage page, string when)
    {
        var violations = await page.AxeAsync();
        Assert.True(violations.Count == 0, $"{when}:\n{AxeViolation.Describe(violations)}");
    }

    private sealed record FocusState(string Id, string Tag, string Classes, double Contrast);

    /// <summary>A series with one required question, one session of ten free seats, and an invitation link for an Arabic-speaking member.</summary>
    private async Task<string> SeedInvitationAsync()
    {
        var services = portal.Services;
        var store = services.GetRequiredService<WorkshopStore>();
        var links = services.GetRequiredService<InvitationLinks>();
        var people = services.GetRequiredService<PeopleStore>();
        var now = DateTimeOffset.UtcNow;
        var unique = Guid.NewGuid().ToString("N")[..8];
        var seriesId = "kbd-" + unique;
        var campaignId = "kbd-c-" + unique;
        var person = new PersonEntity { Id = "kbd-p-" + unique, Name = "ليلى حداد", Email = $"layla.{unique}@browser.test", PreferredLanguage = "ar", CreatedAt = now, UpdatedAt = now };
        person.SetRoles(["member"]);
        await people.CreateAsync(person, default);

        await store.AddAsync(new SeriesEntity
        {
            RowKey = seriesId,
            Titles = JsonSerializer.Serialize(new { en = "Co-design of the Innovation Development Model", ar = "التصميم المشترك لنموذج تطوير الابتكار" }),
            Descriptions = JsonSerializer.Serialize(new { ar = "ورش تصميم مشترك عبر الإنترنت." }),
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
            Titles = JsonSerializer.Serialize(new { en = "First co-design workshop", ar = "ورشة التصميم المشترك الأولى" }),
            StartLocal = "2031-07-13T10:00",
            EndLocal = "2031-07-13T12:00",
            TimeZone = "Asia/Dubai",
            StartUtc = new DateTimeOffset(2031, 7, 13, 6, 0, 0, TimeSpan.Zero),
            EndUtc = new DateTimeOffset(2031, 7, 13, 8, 0, 0, TimeSpan.Zero),
            OnlineUrl = "https://meet.example.org/codesign-ar",
            Capacity = 10,
            WaitlistEnabled = true,
            RegistrationDeadline = new DateTimeOffset(2031, 7, 11, 0, 0, 0, TimeSpan.Zero),
            CreatedAt = now,
            UpdatedAt = now,
        }, default);
        await store.AddAsync(new SeatCounterEntity { PartitionKey = partition, RowKey = SeatCounterEntity.Prefix + "w1", Capacity = 10, Taken = 0 }, default);
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
        return await links.IssueInvitationAsync(campaignId, person.Id, now.AddDays(30), default);
    }
}

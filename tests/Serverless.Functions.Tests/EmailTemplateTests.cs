using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.Cohorts;
using Serverless.Functions.Nominations;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Localization;
using Serverless.Functions.Registry;
using Serverless.Functions.Workshops;

namespace Serverless.Functions.Tests;

/// <summary>
/// Renders every email of every track in every language with sample data. A placeholder left
/// unfilled ("Welcome to {1}") or a catalogue key shown instead of its text fails here; a new
/// "email.*.subject" key that no sample renders fails too, so a new template cannot be forgotten.
/// </summary>
public sealed partial class EmailTemplateTests
{
    private static readonly string Folder = Path.Combine(Serverless.Testing.RepositoryPaths.Root, "functions", "Serverless.Functions", "Platform", "Localization", "Messages");
    private static readonly MessageCatalogue Catalogue = new(Folder);
    private static readonly DateTimeOffset Now = new(2027, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Uri Link = new("http://localhost:7071/some/page#token=abc");

    public static TheoryData<string> AllLanguages => [.. Languages.Supported.Order()];

    [Theory]
    [MemberData(nameof(AllLanguages))]
    public void EveryEmail_InEveryLanguage_HasNoUnfilledPlaceholder(string language)
    {
        var recording = new RecordingLocalizer(Catalogue);

        var problems = (from sample in Render(recording, language)
                        from part in new[] { ("subject", sample.Message.Subject), ("text", sample.Message.TextBody), ("html", sample.Message.HtmlBody ?? "") }
                        where Placeholder().IsMatch(part.Item2) || part.Item2.Contains("email.", StringComparison.Ordinal)
                        select $"{sample.Name} {part.Item1}: {part.Item2.Split('\n')[0]}").ToList();

        Assert.Empty(problems);
    }

    [Fact]
    public void EveryEmailTemplate_InTheCatalogue_IsRenderedBySamples()
    {
        var recording = new RecordingLocalizer(Catalogue);
        foreach (var language in Languages.Supported)
        {
            _ = Render(recording, language).ToList();
        }

        var subjects = Directory.EnumerateFiles(Folder, "en.json", SearchOption.AllDirectories)
            .SelectMany(path => JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path))!.Keys)
            .Where(k => k.StartsWith("email.", StringComparison.Ordinal) && k.EndsWith(".subject", StringComparison.Ordinal))
            .ToHashSet();

        Assert.NotEmpty(subjects);
        Assert.Empty(subjects.Except(recording.Requested).Order());
    }

    [Theory]
    [MemberData(nameof(AllLanguages))]
    public void CohortEmails_Subjects_NameTheCohortOrParticipant(string language)
    {
        var subjects = CohortSamples(Catalogue).ToDictionary(s => s.Name, s => s.Render(language).Subject);

        Assert.Contains("Cohort 2027", subjects["cohort welcome"], StringComparison.Ordinal);
        Assert.Contains("Cohort 2027", subjects["cohort reminder"], StringComparison.Ordinal);
        Assert.Contains("Leila Haddad", subjects["cohort escalation"], StringComparison.Ordinal);
        Assert.Contains("Cohort 2027", subjects["cohort summary"], StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\{\d+(,[^}]*)?(:[^}]*)?\}")]
    private static partial Regex Placeholder();

    private sealed record Sample(string Name, Func<string, EmailMessage> Render);

    private static IEnumerable<(string Name, EmailMessage Message)> Render(ILocalizer localizer, string language) =>
        CohortSamples(localizer).Concat(WorkshopSamples(localizer)).Concat(NominationSamples(localizer)).Concat(PlatformSamples(localizer))
            .Select(s => (s.Name, s.Render(language)));

    private static IEnumerable<Sample> CohortSamples(ILocalizer localizer)
    {
        var emails = new CohortEmails(localizer, Options.Create(new Serverless.Functions.Platform.Security.AuthOptions()));
        var cohort = new CohortEntity { RowKey = "c1", Name = "Cohort 2027", CoordinatorId = "p9" };
        CandidateEntity Participant(string lang) => new() { CohortId = "c1", PersonId = "p1", Name = "Leila Haddad", Email = "leila@example.org", Language = lang };
        PersonEntity Coordinator(string lang) => new() { Id = "p9", Name = "Nikos Papadopoulos", Email = "nikos@example.org", PreferredLanguage = lang };
        yield return new("cohort welcome", l => emails.Welcome(Participant(l), cohort, "Digital leaders", Now.AddDays(14), Link));
        yield return new("cohort reminder", l => emails.Reminder(Participant(l), cohort, "Digital leaders", Now.AddDays(14), Link));
        yield return new("cohort escalation", l => emails.Escalation(Participant(l), cohort, Coordinator(l)));
        yield return new("cohort escalation unreachable", l => emails.Escalation(new CandidateEntity { PersonId = "p2", Name = "Anna", Email = "anna@example.org", Error = "bounced", JobTitle = "Head of unit" }, cohort, Coordinator(l)));
        yield return new("cohort summary", l => emails.Summary(cohort, Coordinator(l), new RoundProgress(2, 30, 25, 3, 1, 1)));
    }

    private static IEnumerable<Sample> WorkshopSamples(ILocalizer localizer)
    {
        var emails = new WorkshopEmails(localizer, new FakeTimeProvider(Now));
        var series = new SeriesEntity
        {
            RowKey = "s1",
            Titles = """{"en":"Co-design sprint"}""",
            Descriptions = """{"en":"Three online workshops."}""",
            Questions = """[{"id":"diet","labels":{"en":"Dietary needs"},"maxLength":200,"required":false}]""",
        };
        var session = new SessionEntity
        {
            RowKey = SessionEntity.Prefix + "x1",
            SeriesId = "s1",
            Titles = """{"en":"Workshop 1"}""",
            StartLocal = "2027-04-01T10:00",
            EndLocal = "2027-04-01T12:00",
            TimeZone = "Europe/Athens",
            StartUtc = new DateTimeOffset(2027, 4, 1, 7, 0, 0, TimeSpan.Zero),
            EndUtc = new DateTimeOffset(2027, 4, 1, 9, 0, 0, TimeSpan.Zero),
            OnlineUrl = "https://meet.example.org/1",
            Venue = "Athens",
            Capacity = 40,
        };
        WorkshopEmails.Recipient To(string lang) => new("p1", "leila@example.org", "Leila Haddad", lang);
        RegistrationEntity Registration(string status) => new()
        {
            SeriesId = "s1",
            PersonId = "p1",
            SessionId = "x1",
            Status = status,
            Answers = """{"diet":"none"}""",
            OfferExpiresAt = Now.AddDays(2),
        };
        yield return new("workshop invitation", l => emails.Invitation("k", To(l), series, [session], Now.AddDays(10), Link, reminder: false));
        yield return new("workshop invitation reminder", l => emails.Invitation("k", To(l), series, [session], Now.AddDays(10), Link, reminder: true));
        foreach (var status in new[] { RegistrationStatus.Confirmed, RegistrationStatus.Waitlisted, RegistrationStatus.Offered, RegistrationStatus.Lapsed, RegistrationStatus.Cancelled })
        {
            yield return new("workshop registration " + status, l => emails.Registration("k", To(l), series, session, Registration(status), 7, Link));
        }

        yield return new("workshop session reminder", l => emails.SessionReminder("k", To(l), session, Link));
        yield return new("workshop session reminder without link", l => emails.SessionReminder("k", To(l), session, null));
        yield return new("workshop survey", l => emails.Survey("k", To(l), session, Link));
    }

    private static IEnumerable<Sample> NominationSamples(ILocalizer localizer)
    {
        var emails = new NominationEmails(localizer);
        var call = new CallEntity
        {
            RowKey = "call1",
            Titles = """{"en":"Excellence makers 2027"}""",
            ClosesAt = Now.AddDays(30),
            Criteria = """[{"id":"impact","labels":{"en":"Expected impact"},"weight":1}]""",
        };
        var nomination = new NominationEntity { CallId = "call1", Title = "Paperless permits", Team = "Permits office" };
        NominationEmails.Recipient To(string lang) => new("nina@example.org", "Nina Kowalska", lang);
        yield return new("nomination submitted", l => emails.Submitted("k", To(l), call, nomination));
        yield return new("nomination review", l => emails.ReviewRequest("k", To(l), call, nomination, Now.AddDays(7), [("email.nomination.review.approve", Link), ("email.nomination.review.reject", Link)], reminder: false));
        yield return new("nomination review reminder", l => emails.ReviewRequest("k", To(l), call, nomination, Now.AddDays(7), [("email.nomination.review.action", Link)], reminder: true));
        yield return new("nomination selected", l => emails.Decision("k", To(l), call, nomination, selected: true, ["Clear goals."]));
        yield return new("nomination rejected", l => emails.Decision("k", To(l), call, nomination, selected: false, ["Not feasible yet."]));
        for (var stage = 0; stage <= TradeStages.Completed; stage++)
        {
            var s = stage;
            yield return new("trade report " + s, l => emails.Trade("k", To(l), "email.trade.report", "Paperless permits", s, Now.AddDays(20), "email.trade.report.action", Link));
        }

        yield return new("trade report reminder", l => emails.Trade("k", To(l), "email.trade.reportReminder", "Paperless permits", 1, Now.AddDays(20), "email.trade.report.action", Link));
        yield return new("trade gate", l => emails.Trade("k", To(l), "email.trade.gate", "Paperless permits", 2, null, "email.trade.gate.action", Link));
    }

    /// <summary>The one-link emails of Identity and the newsletter, with the arguments their senders pass.</summary>
    private static IEnumerable<Sample> PlatformSamples(ILocalizer localizer)
    {
        yield return new("sign-in", l => LocalizedEmail.Compose(localizer, "email.signIn", l, "k", "leila@example.org", "Leila Haddad", Link, 15));
        yield return new("sign-in without a name", l => LocalizedEmail.Compose(localizer, "email.signIn", l, "k", "leila@example.org", null, Link, 15));
        yield return new("newsletter", l => LocalizedEmail.Compose(localizer, "email.newsletter", l, "k", "leila@example.org", "Leila Haddad", Link, 48));
    }

    private sealed class RecordingLocalizer(ILocalizer inner) : ILocalizer
    {
        private readonly ConcurrentDictionary<string, byte> _requested = new(StringComparer.Ordinal);

        public IReadOnlyCollection<string> Requested => [.. _requested.Keys];

        public string Get(string? language, string key, params object?[] args)
        {
            _requested.TryAdd(key, 0);
            return inner.Get(language, key, args);
        }
    }
}

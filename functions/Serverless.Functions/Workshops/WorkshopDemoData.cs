using Azure.Data.Tables;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Serverless.Functions.Audit;
using Serverless.Functions.DemoData;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Workshops;

/// <summary>
/// Demo workshops, after the demo network is loaded (same switch, never in Azure): the Greek
/// Ministry of Interior's co-design workshops of the Innovation Development Model — three online
/// sessions, 10:00-12:00 Athens time, with the question "your management challenge" and a few
/// registrations — and an earlier introductory workshop with attendance and feedback, so the
/// results chart has data. Fixed ids and Adds make it idempotent; a marker row ends the load.
/// </summary>
public sealed class WorkshopDemoData(
    StorageClients storage,
    WorkshopStore store,
    PeopleStore people,
    IAuditLog audit,
    DurableTaskClient durable,
    IOptions<WorkshopOptions> workshopOptions,
    IOptions<DemoDataOptions> options,
    TimeProvider time,
    ILogger<WorkshopDemoData> logger) : BackgroundService
{
    public const string Marker = "workshops-v1";
    public const string SeriesId = "innovation-model-codesign";
    public const string PilotSeriesId = "innovation-workshops-intro";
    private const string Actor = "system:demo-data";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        TrackDemoData.LoadAfterNetworkAsync(options.Value, storage, Marker, "workshops", LoadAsync, () => logger.LogInformation("Demo workshops loaded: series {Series} and {Pilot}", SeriesId, PilotSeriesId), time, logger, stoppingToken);

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var year = now.Month < 7 ? now.Year : now.Year + 1;
        var challenge = new Question(
            "challenge",
            new Dictionary<string, string>
            {
                ["en"] = "Your management challenge",
                ["el"] = "Η πρόκληση διοίκησης που αντιμετωπίζετε",
            },
            1000,
            true);
        await AddSeriesAsync(
            SeriesId,
            new() { ["en"] = "Co-design of the Innovation Development Model of Public Organisations", ["el"] = "Συν-σχεδιασμός Μοντέλου Ανάπτυξης Καινοτομίας Δημοσίων Οργανώσεων" },
            new()
            {
                ["en"] = "Online co-design workshops of the national public-sector innovation network. Members shape the tools of the Innovation Development Model, the toolkit for innovation projects and actions of public organisations: innovation as an improvement mechanism, decisions and the model's steps, and hands-on collaboration on improvements to the model.",
                ["el"] = "Διαδικτυακά εργαστήρια συν-σχεδιασμού των μελών του Εθνικού Δικτύου Καινοτομίας Δημοσίου Τομέα για τη διαμόρφωση των εργαλείων του Μοντέλου Ανάπτυξης Καινοτομίας: η καινοτομία ως μηχανισμός βελτίωσης, αποφάσεις και εφαρμογές βημάτων του μοντέλου, διαδραστική συνεργασία σε προτάσεις βελτίωσης.",
            },
            [challenge],
            now,
            cancellationToken);

        string[] ordinals = ["first", "second", "third"];
        string[] greek = ["Πρώτο", "Δεύτερο", "Τρίτο"];
        int[] days = [13, 19, 27];
        for (var i = 0; i < 3; i++)
        {
            await AddSessionAsync(
                SeriesId,
                $"workshop-{i + 1}",
                new() { ["en"] = $"Co-design workshop — {ordinals[i]} session", ["el"] = $"{greek[i]} εργαστήριο συν-σχεδιασμού" },
                new DateTime(year, 7, days[i], 10, 0, 0),
                capacity: 25,
                online: $"https://meet.innovation.localhost/codesign-{i + 1}",
                now,
                cancellationToken);
        }

        (string Person, string Session, string Answer)[] registrations =
        [
            ("demo-gr-03", "workshop-1", "Ο συντονισμός των υπηρεσιών του Δήμου για ψηφιακές αιτήσεις πολιτών."),
            ("demo-gr-04", "workshop-1", "Η μέτρηση των αποτελεσμάτων των έργων καινοτομίας."),
            ("demo-gr-02", "workshop-2", "Η ενσωμάτωση της καινοτομίας στη στρατηγική της οργάνωσης."),
            ("demo-en-01", "workshop-3", "Transferring good practice between ministries."),
        ];
        foreach (var (personId, sessionId, answer) in registrations)
        {
            await AddRegistrationAsync(SeriesId, sessionId, personId, new() { ["challenge"] = answer }, null, now, cancellationToken);
        }

        // An earlier introductory workshop, finished, with attendance and feedback.
        await AddSeriesAsync(
            PilotSeriesId,
            new() { ["en"] = "Introduction to innovation workshops", ["el"] = "Εισαγωγή στα εργαστήρια καινοτομίας" },
            new() { ["en"] = "Introductory workshop with the OECD Observatory of Public Sector Innovation.", ["el"] = "Εισαγωγικό εργαστήριο με το Παρατηρητήριο Καινοτομίας Δημοσίου Τομέα του ΟΟΣΑ." },
            [],
            now,
            cancellationToken);
        var past = now.UtcDateTime.Date.AddDays(-30).AddHours(7);
        await AddSessionAsync(PilotSeriesId, "intro", new() { ["en"] = "Introductory workshop", ["el"] = "Εισαγωγικό εργαστήριο" }, new DateTime(past.Year, past.Month, past.Day, 10, 0, 0), 40, "https://meet.innovation.localhost/intro", now, cancellationToken);
        (string Person, int Overall, int Content, int Facilitation, string? Comment)[] feedback =
        [
            ("demo-gr-01", 5, 4, 5, "Πολύ χρήσιμο εργαστήριο."),
            ("demo-gr-02", 4, 4, 5, null),
            ("demo-gr-03", 5, 5, 4, "Θα ήθελα περισσότερα παραδείγματα από δήμους."),
            ("demo-gr-04", 3, 4, 4, null),
            ("demo-en-01", 4, 5, 4, "Clear structure; the model's steps are easy to follow."),
        ];
        foreach (var f in feedback)
        {
            await AddRegistrationAsync(PilotSeriesId, "intro", f.Person, [], true, now, cancellationToken);
            await store.TryAddAsync(
                new FeedbackEntity
                {
                    PartitionKey = WorkshopStore.SeriesPartition(PilotSeriesId),
                    RowKey = FeedbackEntity.Prefix + "intro|" + f.Person,
                    SessionId = "intro",
                    PersonId = f.Person,
                    Ratings = TableJson.Write(new Dictionary<string, int> { ["overall"] = f.Overall, ["content"] = f.Content, ["facilitation"] = f.Facilitation }),
                    Comment = f.Comment,
                    SubmittedAt = now,
                },
                cancellationToken);
        }
    }

    private async Task AddSeriesAsync(string id, Dictionary<string, string> titles, Dictionary<string, string> descriptions, List<Question> questions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var series = new SeriesEntity
        {
            RowKey = id,
            Titles = TableJson.Write(titles),
            Descriptions = TableJson.Write(descriptions),
            Questions = TableJson.Write(questions),
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (await store.TryAddAsync(series, cancellationToken))
        {
            await audit.RecordAsync(new AuditRecord(WorkshopsApi.SeriesRecord, id, "created", After: new { id, titles }) { Actor = Actor }, cancellationToken);
        }
    }

    private async Task AddSessionAsync(string seriesId, string id, Dictionary<string, string> titles, DateTime localStart, int capacity, string online, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Athens");
        var start = new DateTimeOffset(localStart, zone.GetUtcOffset(localStart)).ToUniversalTime();
        var session = new SessionEntity
        {
            PartitionKey = WorkshopStore.SeriesPartition(seriesId),
            RowKey = SessionEntity.Prefix + id,
            SeriesId = seriesId,
            Titles = TableJson.Write(titles),
            StartLocal = localStart.ToString(WorkshopValidation.LocalTimeFormat, System.Globalization.CultureInfo.InvariantCulture),
            EndLocal = localStart.AddHours(2).ToString(WorkshopValidation.LocalTimeFormat, System.Globalization.CultureInfo.InvariantCulture),
            TimeZone = "Europe/Athens",
            StartUtc = start,
            EndUtc = start.AddHours(2),
            OnlineUrl = online,
            Capacity = capacity,
            WaitlistEnabled = true,
            RegistrationDeadline = start.AddDays(-2),
            CreatedAt = now,
            UpdatedAt = now,
        };
        try
        {
            await store.SubmitAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Add, session),
                    new TableTransactionAction(TableTransactionActionType.Add, new SeatCounterEntity { PartitionKey = session.PartitionKey, RowKey = SeatCounterEntity.Prefix + id, Capacity = capacity }),
                ],
                cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == StatusCodes.Status409Conflict)
        {
            // Loaded by an earlier, interrupted start.
        }

        // Upcoming demo sessions remind their registrants 24 hours before, like sessions created in the portal.
        if (session.StartUtc > now && await store.GetSessionAsync(seriesId, id, cancellationToken) is { } stored)
        {
            await WorkshopsApi.ScheduleReminderAsync(store, durable, workshopOptions.Value, stored, cancellationToken);
        }
    }

    private async Task AddRegistrationAsync(string seriesId, string sessionId, string personId, Dictionary<string, string> answers, bool? attended, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var person = await people.GetAsync(personId, cancellationToken);
        if (person is null)
        {
            return;
        }

        await WorkshopStore.RetryOnConflictAsync(
            async () =>
            {
                if (await store.GetRegistrationAsync(seriesId, personId, cancellationToken) is not null)
                {
                    return false;
                }

                var counter = await store.GetAsync<SeatCounterEntity>(WorkshopStore.SeriesPartition(seriesId), SeatCounterEntity.Prefix + sessionId, cancellationToken);
                if (counter is null || counter.Taken >= counter.Capacity)
                {
                    return false;
                }

                counter.Taken++;
                var row = new RegistrationEntity
                {
                    PartitionKey = WorkshopStore.SeriesPartition(seriesId),
                    RowKey = RegistrationEntity.Prefix + personId,
                    SeriesId = seriesId,
                    PersonId = personId,
                    Name = person.Name,
                    Email = person.Email,
                    Language = person.PreferredLanguage,
                    OrganisationId = person.OrganisationId,
                    SessionId = sessionId,
                    Status = RegistrationStatus.Confirmed,
                    Answers = TableJson.Write(answers),
                    ConsentGivenAt = now,
                    ConsentTextVersion = "demo-2025-1",
                    Attended = attended,
                    CreatedAt = now,
                    UpdatedAt = now,
                };
                await store.SubmitAsync(
                    [
                        new TableTransactionAction(TableTransactionActionType.UpdateReplace, counter, counter.ETag),
                        new TableTransactionAction(TableTransactionActionType.Add, row),
                    ],
                    cancellationToken);
                return true;
            },
            cancellationToken);
    }
}

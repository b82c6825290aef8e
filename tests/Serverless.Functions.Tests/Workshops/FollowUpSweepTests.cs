using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Platform.Functions;
using Serverless.Functions.Registry;
using Serverless.Functions.Tests.Identity;
using Serverless.Functions.Workshops;

namespace Serverless.Functions.Tests.Workshops;

/// <summary>What the follow-up sweep sends for registrations whose process stopped right after their seat or place was committed.</summary>
[Collection(StackCollection.Name)]
public sealed class FollowUpSweepTests(StackFixture stack)
{
    [Fact]
    public async Task Sweep_WaitlistedBeforeACrash_EmailsEachTheirRealPlace()
    {
        await using var factory = WorkshopTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var (seriesId, sessionId) = await WorkshopTestHost.CreateSeriesAsync(admin, capacity: 1);
        var people = await WorkshopTestHost.SeedPeopleAsync(factory, 3);
        var (campaignId, _) = await WorkshopTestHost.InviteDirectlyAsync(factory, seriesId, people);
        var allocator = factory.Services.GetRequiredService<SeatAllocator>();

        // What the registration requests committed (a seat, then two waitlist places, follow-ups owed) before the process died.
        var outcomes = new List<SeatOutcome>();
        foreach (var person in people)
        {
            outcomes.Add((await allocator.AllocateAsync(OwedRow(seriesId, sessionId, campaignId, person), waitlistEnabled: true, [], default)).Outcome);
        }

        // A round takes at most 100 due rows of the whole table, which other tests on this storage
        // account may have left owed; rounds run until one finds nothing left to complete.
        var sweep = factory.Services.GetServices<IMaintenanceSweep>().OfType<RegistrationFollowUpSweep>().Single();
        while (await sweep.SweepAsync(default) > 0)
        {
        }

        var second = (await stack.Mail.WaitForMessagesToAsync(people[1].Email, 1, TimeSpan.FromSeconds(60))).Single();
        var third = (await stack.Mail.WaitForMessagesToAsync(people[2].Email, 1, TimeSpan.FromSeconds(60))).Single();

        Assert.Equal([SeatOutcome.Confirmed, SeatOutcome.Waitlisted, SeatOutcome.Waitlisted], outcomes);
        Assert.Contains("at place 1.", second.GetProperty("text").GetString()!, StringComparison.Ordinal);
        Assert.Contains("at place 2.", third.GetProperty("text").GetString()!, StringComparison.Ordinal);
        Assert.Contains("at place 2.", third.GetProperty("html").GetString()!, StringComparison.Ordinal);
    }

    private static RegistrationEntity OwedRow(string seriesId, string sessionId, string campaignId, PersonEntity person)
    {
        var now = DateTimeOffset.UtcNow;
        return new RegistrationEntity
        {
            PartitionKey = WorkshopStore.SeriesPartition(seriesId),
            RowKey = RegistrationEntity.Prefix + person.Id,
            SeriesId = seriesId,
            PersonId = person.Id,
            Name = person.Name,
            Email = person.Email,
            CampaignId = campaignId,
            SessionId = sessionId,
            Answers = """{"challenge":"Measuring results."}""",
            ConsentGivenAt = now,
            CreatedAt = now,
            UpdatedAt = now,
            FollowUpDueAt = now - RegistrationFollowUpSweep.Grace - TimeSpan.FromSeconds(1),
        };
    }
}

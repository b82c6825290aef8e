using Serverless.Functions.Nominations;

namespace Serverless.Functions.Tests.Nominations;

public sealed class ReviewerAssignerTests
{
    [Fact]
    public void Assign_200NominationsTo30ReviewersWithConflicts_IsBalancedAndConflictFree()
    {
        var random = new Random(6);
        var organisations = Enumerable.Range(0, 40).Select(i => $"org-{i}").ToList();

        // Every reviewer belongs to an organisation (some nominate too) and a third declared conflicts with two more.
        var reviewers = Enumerable.Range(0, 30).Select(i => new ReviewerAssigner.Reviewer(
            $"rev-{i:D2}",
            organisations[i % organisations.Count],
            i % 3 == 0 ? [organisations[random.Next(40)], organisations[random.Next(40)]] : [])).ToList();
        var needs = Enumerable.Range(0, 200).Select(i => new ReviewerAssigner.Need($"nom-{i:D3}", organisations[random.Next(40)], 3, [])).ToList();

        var result = ReviewerAssigner.Assign(needs, reviewers);

        var byId = reviewers.ToDictionary(r => r.Id);
        var load = reviewers.ToDictionary(r => r.Id, _ => 0);
        foreach (var need in needs)
        {
            var chosen = result[need.NominationId];
            Assert.Equal(3, chosen.Count);
            Assert.Equal(3, chosen.Distinct().Count());
            Assert.All(chosen, id => Assert.False(ReviewerAssigner.IsConflicted(byId[id], need.OrganisationId), $"{id} reviews {need.NominationId} of its own or a declared organisation"));
            foreach (var id in chosen)
            {
                load[id]++;
            }
        }

        Assert.Equal(600, load.Values.Sum());
        Assert.InRange(load.Values.Max() - load.Values.Min(), 0, 1);
    }

    [Fact]
    public void Assign_WithExistingLoadAndExclusions_PicksLeastLoadedEligible()
    {
        var reviewers = new[]
        {
            new ReviewerAssigner.Reviewer("busy", "org-a", []),
            new ReviewerAssigner.Reviewer("free", "org-b", []),
            new ReviewerAssigner.Reviewer("same-org", "org-n", []),
            new ReviewerAssigner.Reviewer("declared", "org-c", ["org-n"]),
            new ReviewerAssigner.Reviewer("declined-before", "org-d", []),
            new ReviewerAssigner.Reviewer("half", "org-e", []),
        };
        var load = new Dictionary<string, int> { ["busy"] = 5, ["free"] = 0, ["half"] = 2 };

        var result = ReviewerAssigner.Assign([new ReviewerAssigner.Need("n1", "org-n", 2, ["declined-before"])], reviewers, load);

        Assert.Equal(["free", "half"], result["n1"]);
    }

    [Fact]
    public void Assign_TooFewEligible_AssignsOnlyTheEligible()
    {
        var reviewers = new[] { new ReviewerAssigner.Reviewer("a", "org-n", []), new ReviewerAssigner.Reviewer("b", "org-b", []) };

        var result = ReviewerAssigner.Assign([new ReviewerAssigner.Need("n1", "org-n", 3, [])], reviewers);

        Assert.Equal(["b"], result["n1"]);
    }
}

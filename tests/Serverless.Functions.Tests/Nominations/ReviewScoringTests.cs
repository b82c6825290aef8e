using Serverless.Functions.Nominations;

namespace Serverless.Functions.Tests.Nominations;

public sealed class ReviewScoringTests
{
    private static readonly Criterion[] Criteria =
    [
        new("clarity", new() { ["en"] = "Clarity of goals" }, 2),
        new("impact", new() { ["en"] = "Expected positive impact" }, 1),
        new("feasibility", new() { ["en"] = "Practical feasibility" }, 1),
    ];

    [Fact]
    public void Weighted_ScoresOnTheScale_GivesPercentOfTheRangeByWeight()
    {
        // clarity 5 → 1.0 × 2, impact 3 → 0.5, feasibility 1 → 0: (2 + 0.5 + 0) / 4 = 62.5 %.
        var score = ReviewScoring.Weighted(new Dictionary<string, int> { ["clarity"] = 5, ["impact"] = 3, ["feasibility"] = 1 }, Criteria, 5, passFail: false);

        Assert.Equal(62.5, score);
    }

    [Fact]
    public void Compute_CloseReviews_AveragesWithoutDisagreement()
    {
        var result = ReviewScoring.Compute(
            [new Dictionary<string, int> { ["clarity"] = 4, ["impact"] = 4, ["feasibility"] = 4 }, new Dictionary<string, int> { ["clarity"] = 5, ["impact"] = 4, ["feasibility"] = 4 }],
            Criteria,
            5,
            passFail: false,
            disagreementShare: 0.4);

        Assert.Equal(new ReviewScoring.Result(81.25, 2, false, 12.5), result);
    }

    [Fact]
    public void Compute_FarApartReviews_FlagsDisagreement()
    {
        var result = ReviewScoring.Compute(
            [new Dictionary<string, int> { ["clarity"] = 5, ["impact"] = 5, ["feasibility"] = 5 }, new Dictionary<string, int> { ["clarity"] = 1, ["impact"] = 2, ["feasibility"] = 1 }],
            Criteria,
            5,
            passFail: false,
            disagreementShare: 0.4);

        Assert.True(result.Disagreement);
        Assert.Equal(53.13, result.Score);
    }

    [Fact]
    public void Compute_PassFailSplitVerdicts_FiftyPercentAndDisagreement()
    {
        var result = ReviewScoring.Compute(
            [new Dictionary<string, int> { [ReviewScoring.VerdictKey] = 1 }, new Dictionary<string, int> { [ReviewScoring.VerdictKey] = 0 }],
            [],
            2,
            passFail: true,
            disagreementShare: 0.4);

        Assert.Equal(new ReviewScoring.Result(50, 2, true, 100), result);
    }

    [Fact]
    public void Compute_NoReviews_HasNoScore()
    {
        Assert.Equal(new ReviewScoring.Result(null, 0, false, null), ReviewScoring.Compute([], Criteria, 5, false, 0.4));
    }
}

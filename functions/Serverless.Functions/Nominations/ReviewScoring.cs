namespace Serverless.Functions.Nominations;

/// <summary>
/// The weighted score of a nomination: each review's scores are weighted by the criteria and put
/// on a 0-100 scale (1 on the call's scale is 0, its maximum is 100; in a pass/fail call approve
/// is 100 and reject 0), and the nomination's score is the mean of its reviews. Reviews disagree
/// strongly when their highest and lowest scores are at least the given share of the scale apart.
/// </summary>
public static class ReviewScoring
{
    public const string VerdictKey = "verdict";

    public sealed record Result(double? Score, int Reviews, bool Disagreement, double? Spread);

    public static double Weighted(IReadOnlyDictionary<string, int> scores, IReadOnlyList<Criterion> criteria, int scaleMax, bool passFail)
    {
        if (passFail)
        {
            return scores.GetValueOrDefault(VerdictKey) == 1 ? 100 : 0;
        }

        var totalWeight = criteria.Sum(c => c.Weight);
        if (totalWeight <= 0 || scaleMax <= 1)
        {
            return 0;
        }

        var sum = criteria.Sum(c => c.Weight * (Math.Clamp(scores.GetValueOrDefault(c.Id, 1), 1, scaleMax) - 1) / (scaleMax - 1));
        return Math.Round(100 * sum / totalWeight, 2, MidpointRounding.AwayFromZero);
    }

    public static Result Compute(IReadOnlyList<IReadOnlyDictionary<string, int>> reviews, IReadOnlyList<Criterion> criteria, int scaleMax, bool passFail, double disagreementShare)
    {
        if (reviews.Count == 0)
        {
            return new Result(null, 0, false, null);
        }

        var each = reviews.Select(r => Weighted(r, criteria, scaleMax, passFail)).ToList();
        var spread = each.Max() - each.Min();
        return new Result(Math.Round(each.Average(), 2, MidpointRounding.AwayFromZero), each.Count, each.Count > 1 && spread >= disagreementShare * 100, spread);
    }
}

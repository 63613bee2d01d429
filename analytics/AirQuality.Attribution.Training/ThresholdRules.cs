namespace AirQuality.Attribution.Training;

/// <summary>
/// Rules for choosing the two thresholds on the training worlds, compared when the model is trained: each keeps the pair
/// with the best end-to-end recall among those whose inspection yield holds where the rule asks.
/// </summary>
/// <remarks>
/// Only the first (pooled yield ≥ 0.7) is applied; the others are reported, because held-out kind (c) asks a yield of 0.5
/// on physics the model was not trained on, and the pooled yield hides how the drawn-physics worlds fare.
/// </remarks>
public static class ThresholdRules
{
    public static readonly IReadOnlyList<(string Rule, Func<ThresholdPoint, bool> Holds)> Compared =
    [
        ("pooled >= 0.7", g => g.Yield >= 0.7),
        ("pooled >= 0.6", g => g.Yield >= 0.6),
        ("pooled >= 0.7, other physics >= 0.6", g => g.Yield >= 0.7 && g.Other >= 0.6),
        ("standard >= 0.7, other physics >= 0.6", g => g.Standard >= 0.7 && g.Other >= 0.6),
        ("standard >= 0.65, other physics >= 0.55", g => g.Standard >= 0.65 && g.Other >= 0.55),
    ];

    /// <summary>The pair with the best recall among those where <paramref name="holds"/>, the lower thresholds on a tie; null when none holds.</summary>
    public static ThresholdPoint? Best(IEnumerable<ThresholdPoint> grid, Func<ThresholdPoint, bool> holds) =>
        grid.Where(holds).OrderByDescending(g => g.Recall).ThenBy(g => g.Abstain).ThenBy(g => g.Inspect).Select(g => (ThresholdPoint?)g).FirstOrDefault();
}

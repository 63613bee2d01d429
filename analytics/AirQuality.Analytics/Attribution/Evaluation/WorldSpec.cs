namespace AirQuality.Analytics.Attribution.Evaluation;

/// <summary>A simulated world to train or score on: its seed, the first local day scored, and how many days are scored (the baseline days before are simulated too).</summary>
public sealed record WorldSpec(int Seed, DateOnly FirstDay, int Days)
{
    /// <summary>Training worlds: seeds 1, 2, ... starting in odd months of 2025.</summary>
    public static IReadOnlyList<WorldSpec> Training(int count, int days) =>
        [.. Enumerable.Range(0, count).Select(i => new WorldSpec(1 + i, new DateOnly(2025, 1 + 2 * (i % 6), 3 + i / 6), days))];

    /// <summary>Held-out worlds: other seeds (1001, 1002, ...) and other months (even months of 2025).</summary>
    public static IReadOnlyList<WorldSpec> HeldOut(int count, int days) =>
        [.. Enumerable.Range(0, count).Select(i => new WorldSpec(1001 + i, new DateOnly(2025, 2 + 2 * (i % 6), 10 + i / 6), days))];

    public override string ToString() => $"seed {Seed} from {FirstDay:yyyy-MM-dd} for {Days} days";
}

using AirQuality.Simulation;

namespace AirQuality.Attribution.Training;

/// <summary>
/// A simulated world to train or score on: its seed, the first local day scored, how many days are scored (the
/// baseline days before are simulated too), how its emitters behave and what its network measures.
/// </summary>
public sealed record WorldSpec(int Seed, DateOnly FirstDay, int Days, WorldPhysics Physics, NetworkCapabilities Network)
{
    /// <summary>The held-out kinds: (a) as trained, (b) PM2.5 and weather only, (c) changed physics.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["a", "b", "c"];

    /// <summary>
    /// Training worlds: seeds 1, 2, ... starting in odd months of 2025, each with physics drawn from its seed (half of
    /// them standard, <see cref="WorldPhysics.Drawn"/>) and a network masked at random (<see cref="NetworkCapabilities.Masked"/>).
    /// </summary>
    public static IReadOnlyList<WorldSpec> Training(int count, int days) =>
        [.. Enumerable.Range(0, count).Select(i => new WorldSpec(1 + i, new DateOnly(2025, 1 + 2 * (i % 6), 3 + i / 6), days, WorldPhysics.Drawn(1 + i), NetworkCapabilities.Masked(1 + i)))];

    /// <summary>
    /// Held-out worlds of one kind: other seeds (1001, 1002, ...) and other months (even months of 2025); (a) standard
    /// physics and a full network, (b) PM2.5 and weather only, (c) changed physics (<see cref="WorldPhysics.Changed"/>).
    /// </summary>
    public static IReadOnlyList<WorldSpec> HeldOut(int count, int days, string kind = "a") =>
        [.. Enumerable.Range(0, count).Select(i => new WorldSpec(1001 + i, new DateOnly(2025, 2 + 2 * (i % 6), 10 + i / 6), days,
            kind == "c" ? WorldPhysics.Changed : WorldPhysics.Standard,
            kind == "b" ? NetworkCapabilities.Pm25AndWeather : NetworkCapabilities.Full))];

    public override string ToString() => $"seed {Seed} from {FirstDay:yyyy-MM-dd} for {Days} days ({Physics} physics; {Network})";
}

namespace AirQuality.Attribution;

/// <summary>
/// Which candidates become flags: none when a registered source is unlikely to be behind the episode at all;
/// otherwise the likeliest, and after it up to the maximum those with at least <see cref="MinFollowingProbability"/>.
/// </summary>
public static class FlagSelection
{
    /// <summary>A second or third flag below this would send inspectors on a near-certain errand.</summary>
    public const double MinFollowingProbability = 0.02;

    /// <summary>Indices into <paramref name="probabilities"/>, most likely first (ties in candidate order).</summary>
    public static int[] Pick(IReadOnlyList<double> probabilities, double registeredSourceProbability, double abstainBelow, int maxFlags)
    {
        if (probabilities.Count == 0 || registeredSourceProbability < abstainBelow)
        {
            return [];
        }

        var order = Enumerable.Range(0, probabilities.Count).OrderByDescending(i => probabilities[i]).ThenBy(i => i).ToArray();
        return [order[0], .. order.Skip(1).Take(maxFlags - 1).Where(i => probabilities[i] >= MinFollowingProbability)];
    }
}

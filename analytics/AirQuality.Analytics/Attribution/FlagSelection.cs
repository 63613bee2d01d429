namespace AirQuality.Analytics.Attribution;

/// <summary>Which candidates become flags: none when the best is below the abstention threshold; otherwise up to the maximum, each at least half the threshold.</summary>
public static class FlagSelection
{
    /// <summary>Indices into <paramref name="probabilities"/>, most likely first (ties in candidate order).</summary>
    public static int[] Pick(IReadOnlyList<double> probabilities, double abstainBelow, int maxFlags)
    {
        var order = Enumerable.Range(0, probabilities.Count).OrderByDescending(i => probabilities[i]).ThenBy(i => i).ToArray();
        return order.Length == 0 || probabilities[order[0]] < abstainBelow
            ? []
            : [.. order.Take(maxFlags).Where(i => probabilities[i] >= abstainBelow / 2)];
    }
}

namespace AirQuality.Aggregation;

/// <summary>
/// The statistics the detector and attribution share: median, median absolute deviation (MAD) and the robust standard
/// deviation it gives, ranks, and Pearson's and Spearman's correlations. One implementation, so that "one robust
/// standard deviation" means the same in the usual levels, drift and a source's telemetry.
/// </summary>
public static class RobustStatistics
{
    /// <summary>MAD × 1.4826 estimates the standard deviation of normally distributed values.</summary>
    public const double MadToSigma = 1.4826;

    /// <summary>The median of values already sorted ascending; NaN when there are none.</summary>
    public static double MedianOfSorted(ReadOnlySpan<double> sorted) =>
        sorted.Length == 0 ? double.NaN
        : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
        : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;

    /// <summary>The median of values already sorted ascending; NaN when there are none.</summary>
    public static double MedianOfSorted(List<double> sorted) => MedianOfSorted(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(sorted));

    /// <summary>The median, sorting <paramref name="values"/> in place (no allocation); NaN when there are none.</summary>
    public static double MedianInPlace(Span<double> values)
    {
        values.Sort();
        return MedianOfSorted(values);
    }

    /// <summary>The median of any values (copied, the input is left as it is); NaN when there are none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var copy = values.ToArray();
        return MedianInPlace(copy);
    }

    /// <summary>
    /// The median absolute deviation of <paramref name="values"/> from <paramref name="center"/> (usually their median),
    /// using <paramref name="scratch"/> so that a caller in a loop allocates nothing.
    /// </summary>
    public static double Mad(IReadOnlyList<double> values, double center, List<double> scratch)
    {
        scratch.Clear();
        for (var i = 0; i < values.Count; i++)
        {
            scratch.Add(Math.Abs(values[i] - center));
        }

        scratch.Sort();
        return MedianOfSorted(scratch);
    }

    /// <summary>One robust standard deviation from a MAD: <paramref name="mad"/> × <see cref="MadToSigma"/>.</summary>
    public static double SigmaFromMad(double mad) => mad * MadToSigma;

    /// <summary>One robust standard deviation of <paramref name="values"/> around <paramref name="center"/>: MAD × 1.4826.</summary>
    public static double RobustSigma(IReadOnlyList<double> values, double center, List<double> scratch) => SigmaFromMad(Mad(values, center, scratch));

    /// <summary>Ranks from 0 for the smallest value up (ties in the order they come; days and real-valued ratios have none).</summary>
    public static double[] AscendingRanks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (var r = 0; r < order.Length; r++)
        {
            ranks[order[r]] = r;
        }

        return ranks;
    }

    /// <summary>Spearman's rank correlation (no ties expected); 0 with fewer than two values.</summary>
    public static double RankCorrelation(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"Rank correlation needs as many values on each side; got {a.Count} and {b.Count}.", nameof(b));
        }

        var n = a.Count;
        if (n < 2)
        {
            return 0;
        }

        var (ra, rb) = (AscendingRanks(a), AscendingRanks(b));
        var sum = 0.0;
        for (var i = 0; i < n; i++)
        {
            sum += (ra[i] - rb[i]) * (ra[i] - rb[i]);
        }

        return 1 - 6 * sum / (n * ((double)n * n - 1));
    }

    /// <summary>Pearson correlation; 0 when either side does not vary or there are fewer than two values.</summary>
    public static double Correlation(double[] a, double[] b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Correlation needs as many values on each side; got {a.Length} and {b.Length}.", nameof(b));
        }

        var n = a.Length;
        if (n < 2)
        {
            return 0;
        }

        var (ma, mb) = (a.Average(), b.Average());
        var (sab, saa, sbb) = (0.0, 0.0, 0.0);
        for (var i = 0; i < n; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }

        // Below this the side is constant up to rounding: no correlation to speak of.
        const double NoVariance = 1e-12;
        return saa <= NoVariance || sbb <= NoVariance ? 0 : sab / Math.Sqrt(saa * sbb);
    }
}

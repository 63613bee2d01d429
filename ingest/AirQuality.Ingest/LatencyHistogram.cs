namespace AirQuality.Ingest;

/// <summary>Counts of latencies in whole milliseconds (0 to 60 s, longer ones in the last bucket), for percentiles without keeping samples.</summary>
public sealed class LatencyHistogram
{
    const int MaxMillis = 60_000;
    readonly long[] _buckets = new long[MaxMillis + 1];
    long _count;
    long _sumMillis;

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Sum of every recorded latency, in milliseconds (for a Prometheus summary's <c>_sum</c>).</summary>
    public long SumMillis => Interlocked.Read(ref _sumMillis);

    public void Record(long millis)
    {
        Interlocked.Increment(ref _buckets[Math.Clamp(millis, 0, MaxMillis)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sumMillis, Math.Max(0, millis));
    }

    /// <summary>The smallest latency in milliseconds that at least <paramref name="quantile"/> of the samples do not exceed; null when empty.</summary>
    public long? Percentile(double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        var count = Count;
        if (count == 0)
        {
            return null;
        }

        var target = (long)Math.Ceiling(quantile * count);
        long seen = 0;
        for (var ms = 0; ms <= MaxMillis; ms++)
        {
            seen += Interlocked.Read(ref _buckets[ms]);
            if (seen >= Math.Max(target, 1))
            {
                return ms;
            }
        }

        return MaxMillis;
    }

    public void Clear()
    {
        Array.Clear(_buckets);
        Interlocked.Exchange(ref _count, 0);
        Interlocked.Exchange(ref _sumMillis, 0);
    }
}

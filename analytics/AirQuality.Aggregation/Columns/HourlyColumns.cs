namespace AirQuality.Aggregation.Columns;

/// <summary>
/// Hourly partial aggregates as columns: per (sensor, hour) row, each pollutant's sum and count of readings.
/// Sums and counts rather than means, so that two partials of one hour merge by adding.
/// </summary>
/// <remarks>Hour <c>h</c> (hours since 1970-01-01 UTC) holds readings observed in (h, h + 1 hour].</remarks>
public sealed class HourlyColumns
{
    public HourlyColumns(IReadOnlyList<string> sensorIds, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        SensorIds = sensorIds;
        Sensor = new int[capacity];
        Hour = new long[capacity];
        Sums = new double[Pollutants.Count][];
        Counts = new int[Pollutants.Count][];
        for (var p = 0; p < Pollutants.Count; p++)
        {
            Sums[p] = new double[capacity];
            Counts[p] = new int[capacity];
        }
    }

    public IReadOnlyList<string> SensorIds { get; }

    /// <summary>Rows in use; set by whoever fills the arrays.</summary>
    public int Length { get; set; }

    public int[] Sensor { get; }

    /// <summary>The hour's start, in whole hours since 1970-01-01 UTC.</summary>
    public long[] Hour { get; }

    /// <summary>Per <see cref="Pollutant"/>: the sum of the hour's readings.</summary>
    public double[][] Sums { get; }

    /// <summary>Per <see cref="Pollutant"/>: how many readings the sum holds.</summary>
    public int[][] Counts { get; }

    public static DateTime HourStart(long hour) => DateTime.UnixEpoch.AddHours(hour);

    public static long HourOf(DateTime hourStartUtc) => (hourStartUtc.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerHour;
}

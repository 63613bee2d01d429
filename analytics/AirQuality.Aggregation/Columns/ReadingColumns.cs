namespace AirQuality.Aggregation.Columns;

/// <summary>
/// Sensor readings as columns (struct of arrays): one array per field, no object per reading. Arrow-shaped: a
/// record batch of equal-length typed arrays with a dictionary-encoded sensor column.
/// </summary>
/// <remarks>
/// Apache.Arrow is not obtainable here, so this is the smallest equivalent: <see cref="Sensor"/> holds indexes
/// into <see cref="SensorIds"/> (Arrow's dictionary encoding), <see cref="ObservedAtMicros"/> is Arrow's
/// timestamp[us, UTC], and each pollutant is a float32 array. Arrow marks nulls in a validity bitmap; here a null
/// is NaN, which is lossless because ingest rejects non-finite values (an adapter from Arrow fills NaN from the
/// bitmap). Rows must be ordered by sensor and then time for <see cref="Kernels.HourlyReducer"/>.
/// </remarks>
public sealed class ReadingColumns
{
    int _length;

    public ReadingColumns(IReadOnlyList<string> sensorIds, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        SensorIds = sensorIds;
        Sensor = new int[capacity];
        ObservedAtMicros = new long[capacity];
        Values = new float[Pollutants.Count][];
        for (var p = 0; p < Pollutants.Count; p++)
        {
            Values[p] = new float[capacity];
        }
    }

    /// <summary>The dictionary of <see cref="Sensor"/>: sensor ids by index.</summary>
    public IReadOnlyList<string> SensorIds { get; }

    public int Length => _length;

    public int Capacity => Sensor.Length;

    /// <summary>Index into <see cref="SensorIds"/> of each row's sensor.</summary>
    public int[] Sensor { get; }

    /// <summary>Each row's observed_at: microseconds since 1970-01-01 UTC, the end of the averaging interval.</summary>
    public long[] ObservedAtMicros { get; }

    /// <summary>Per <see cref="Pollutant"/>, each row's concentration (µg/m³, CO mg/m³), NaN when absent.</summary>
    public float[][] Values { get; }

    /// <summary>Appends a row; the caller keeps rows ordered by sensor, then time.</summary>
    public void Add(int sensor, long observedAtMicros, ReadOnlySpan<float> values)
    {
        if (_length == Capacity)
        {
            throw new InvalidOperationException($"The column batch is full ({Capacity:N0} rows).");
        }

        Sensor[_length] = sensor;
        ObservedAtMicros[_length] = observedAtMicros;
        for (var p = 0; p < Pollutants.Count; p++)
        {
            Values[p][_length] = values[p];
        }

        _length++;
    }

    /// <summary>Unix microseconds of a UTC instant, as PostgreSQL stores it (finer ticks dropped, as Npgsql does).</summary>
    public static long ToMicros(DateTimeOffset at) => (at.UtcTicks - DateTime.UnixEpoch.Ticks) / 10;

    public static DateTime FromMicros(long micros) => new(DateTime.UnixEpoch.Ticks + micros * 10, DateTimeKind.Utc);
}

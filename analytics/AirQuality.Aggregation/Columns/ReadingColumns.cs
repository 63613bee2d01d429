using System.Runtime.InteropServices;
using Apache.Arrow;

namespace AirQuality.Aggregation.Columns;

/// <summary>
/// The arrays a decoder fills with sensor readings, one per field (struct of arrays, no object per reading), and
/// the Arrow <see cref="RecordBatch"/> that wraps them without copying (<see cref="ToRecordBatch"/>).
/// </summary>
/// <remarks>
/// Each array is kept as the bytes an Arrow buffer holds, so <see cref="ToRecordBatch"/> hands Arrow the very
/// memory that was filled (wrapping is O(columns), not O(rows)). The batch follows <see cref="ReadingSchema"/>:
/// the sensor is an index into <see cref="SensorIds"/> (Arrow's dictionary encoding), observed_at is
/// timestamp[us, UTC], and a missing concentration is null in the pollutant's validity bitmap with 0 beneath it.
/// Rows must be ordered by sensor and then time for <see cref="Kernels.HourlyReducer"/>.
/// </remarks>
public sealed class ReadingColumns
{
    readonly byte[] _sensor;
    readonly byte[] _observedAt;
    readonly byte[][] _values;
    readonly byte[][] _validity;
    readonly int[] _nulls = new int[Pollutants.Count];
    StringArray? _dictionary;
    int _length;

    public ReadingColumns(IReadOnlyList<string> sensorIds, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        SensorIds = sensorIds;
        Capacity = capacity;
        _sensor = new byte[checked(capacity * sizeof(int))];
        _observedAt = new byte[checked(capacity * sizeof(long))];
        _values = new byte[Pollutants.Count][];
        _validity = new byte[Pollutants.Count][];
        for (var p = 0; p < Pollutants.Count; p++)
        {
            _values[p] = new byte[checked(capacity * sizeof(float))];
            _validity[p] = new byte[(capacity + 7) / 8];
        }
    }

    /// <summary>The dictionary of the sensor column: sensor ids by index.</summary>
    public IReadOnlyList<string> SensorIds { get; }

    public int Length => _length;

    public int Capacity { get; }

    /// <summary>Index into <see cref="SensorIds"/> of each row's sensor.</summary>
    public ReadOnlySpan<int> Sensor => MemoryMarshal.Cast<byte, int>(_sensor.AsSpan())[.._length];

    /// <summary>Each row's observed_at: microseconds since 1970-01-01 UTC, the end of the averaging interval.</summary>
    public ReadOnlySpan<long> ObservedAtMicros => MemoryMarshal.Cast<byte, long>(_observedAt.AsSpan())[.._length];

    /// <summary>Whether row <paramref name="row"/> has a concentration of <paramref name="pollutant"/>.</summary>
    public bool IsPresent(Pollutant pollutant, int row) => (_validity[(int)pollutant][row >> 3] & (1 << (row & 7))) != 0;

    /// <summary>Row <paramref name="row"/>'s concentration of <paramref name="pollutant"/> (µg/m³, CO mg/m³), NaN when absent.</summary>
    public float ValueOrNaN(Pollutant pollutant, int row) =>
        IsPresent(pollutant, row) ? MemoryMarshal.Cast<byte, float>(_values[(int)pollutant].AsSpan())[row] : float.NaN;

    /// <summary>
    /// Appends a row; the caller keeps rows ordered by sensor, then time. NaN in <paramref name="values"/> marks a
    /// pollutant the reading lacks (ingest rejects non-finite concentrations, so NaN means nothing else); it is
    /// stored as null.
    /// </summary>
    public void Add(int sensor, long observedAtMicros, ReadOnlySpan<float> values)
    {
        if (_length == Capacity)
        {
            throw new InvalidOperationException($"The column batch is full ({Capacity:N0} rows).");
        }

        var row = _length;
        MemoryMarshal.Cast<byte, int>(_sensor.AsSpan())[row] = sensor;
        MemoryMarshal.Cast<byte, long>(_observedAt.AsSpan())[row] = observedAtMicros;
        for (var p = 0; p < Pollutants.Count; p++)
        {
            if (float.IsNaN(values[p]))
            {
                _nulls[p]++;
                continue; // the value bytes stay 0 and the validity bit stays clear
            }

            MemoryMarshal.Cast<byte, float>(_values[p].AsSpan())[row] = values[p];
            _validity[p][row >> 3] |= (byte)(1 << (row & 7));
        }

        _length++;
    }

    /// <summary>
    /// The rows so far as an Arrow record batch of <see cref="ReadingSchema"/>, over this object's memory: rows
    /// added later are not in it, and the arrays must not be refilled while it is in use.
    /// </summary>
    public RecordBatch ToRecordBatch()
    {
        _dictionary ??= new StringArray.Builder().AppendRange(SensorIds).Build();
        var indices = new Int32Array(new ArrowBuffer(_sensor), ArrowBuffer.Empty, _length, 0, 0);
        var arrays = new IArrowArray[ReadingSchema.FirstPollutantColumn + Pollutants.Count];
        arrays[ReadingSchema.SensorColumn] = new DictionaryArray(ReadingSchema.SensorType, indices, _dictionary);
        arrays[ReadingSchema.ObservedAtColumn] = new TimestampArray(ReadingSchema.ObservedAtType, new ArrowBuffer(_observedAt), ArrowBuffer.Empty, _length, 0, 0);
        for (var p = 0; p < Pollutants.Count; p++)
        {
            // Without nulls the bitmap is left out, as Arrow allows; the kernels then skip the per-row test.
            var validity = _nulls[p] == 0 ? ArrowBuffer.Empty : new ArrowBuffer(_validity[p]);
            arrays[ReadingSchema.FirstPollutantColumn + p] = new FloatArray(new ArrowBuffer(_values[p]), validity, _length, _nulls[p], 0);
        }

        return new RecordBatch(ReadingSchema.Schema, arrays, _length);
    }

    /// <summary>Unix microseconds of a UTC instant, as PostgreSQL stores it (finer ticks dropped, as Npgsql does).</summary>
    public static long ToMicros(DateTimeOffset at) => (at.UtcTicks - DateTime.UnixEpoch.Ticks) / 10;

    public static DateTime FromMicros(long micros) => new(DateTime.UnixEpoch.Ticks + micros * 10, DateTimeKind.Utc);
}

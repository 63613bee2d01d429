using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using AirQuality.Aggregation.Columns;
using Apache.Arrow;

namespace AirQuality.Aggregation.Kernels;

/// <summary>
/// Reduces an Arrow batch of readings (<see cref="ReadingSchema"/>) to hourly partial aggregates (sum and count
/// per sensor, hour and pollutant) in two passes over the arrays' <c>Values</c> spans: one finds the runs of rows
/// that share a sensor and an hour, one per pollutant sums each run, skipping nulls (read from the validity bitmap).
/// </summary>
/// <remarks>
/// Hours are UTC, and a reading observed at t belongs to the hour (h, h + 1 hour] that contains it: observed_at is
/// the end of its averaging interval, so a reading stamped 10:00 describes 09:55–10:00. Sums are accumulated in
/// double precision from the float32 values, as PostgreSQL's <c>sum(real::float8)</c> does. Whatever lies beneath
/// a null is masked out, so a batch from any Arrow writer reduces right.
/// </remarks>
public static class HourlyReducer
{
    public const long MicrosPerHour = 3_600_000_000;

    /// <summary>All pollutants of <paramref name="batch"/> reduced into new hourly columns.</summary>
    /// <exception cref="ArgumentException">The batch does not follow <see cref="ReadingSchema"/>, or is not ordered by sensor, then time.</exception>
    public static HourlyColumns Reduce(RecordBatch batch)
    {
        var n = batch.Length;
        var runStarts = GC.AllocateUninitializedArray<int>(n + 1);
        var runSensor = GC.AllocateUninitializedArray<int>(n);
        var runHour = GC.AllocateUninitializedArray<long>(n);
        var runs = FindRuns(batch, runStarts, runSensor, runHour);
        var dictionary = (StringArray)((DictionaryArray)batch.Column(ReadingSchema.SensorColumn)).Dictionary;
        var sensorIds = new string[dictionary.Length];
        for (var s = 0; s < sensorIds.Length; s++)
        {
            sensorIds[s] = dictionary.GetString(s);
        }

        var hourly = new HourlyColumns(sensorIds, runs) { Length = runs };
        runSensor.AsSpan(0, runs).CopyTo(hourly.Sensor);
        runHour.AsSpan(0, runs).CopyTo(hourly.Hour);
        for (var p = 0; p < Pollutants.Count; p++)
        {
            SumRuns(Concentrations(batch, (Pollutant)p), runStarts.AsSpan(0, runs + 1), hourly.Sums[p], hourly.Counts[p]);
        }

        return hourly;
    }

    /// <summary>The column of <paramref name="pollutant"/> in <paramref name="batch"/>.</summary>
    public static FloatArray Concentrations(RecordBatch batch, Pollutant pollutant) =>
        batch.Column(ReadingSchema.ColumnOf(pollutant)) as FloatArray
            ?? throw new ArgumentException($"Column {ReadingSchema.ColumnOf(pollutant)} of the batch must be the float32 column {pollutant.Column()} (see ReadingSchema).", nameof(batch));

    /// <summary>
    /// Finds the runs of rows that share a sensor and an hour: run i is rows runStarts[i] to runStarts[i + 1], of
    /// sensor runSensor[i] and hour runHour[i]. Returns the number of runs. The outputs need room for one run per
    /// row (plus one more start); callers that reduce repeatedly keep them.
    /// </summary>
    /// <exception cref="ArgumentException">The batch does not follow <see cref="ReadingSchema"/>, or is not ordered by sensor, then time.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int FindRuns(RecordBatch batch, Span<int> runStarts, Span<int> runSensor, Span<long> runHour)
    {
        var n = batch.Length;
        if (runStarts.Length < n + 1 || runSensor.Length < n || runHour.Length < n)
        {
            throw new ArgumentException($"The run outputs need room for {n:N0} runs.", nameof(runStarts));
        }

        if (batch.Column(ReadingSchema.SensorColumn) is not DictionaryArray { Indices: Int32Array { NullCount: 0 } indices, Dictionary: StringArray }
            || batch.Column(ReadingSchema.ObservedAtColumn) is not TimestampArray { NullCount: 0 } observedAt
            || observedAt.Data.DataType is not Apache.Arrow.Types.TimestampType { Unit: Apache.Arrow.Types.TimeUnit.Microsecond })
        {
            throw new ArgumentException("The batch must start with sensor_id (int32 dictionary of strings) and observed_at (timestamp[us]), neither null (see ReadingSchema).", nameof(batch));
        }

        ReadOnlySpan<int> sensors = indices.Values[..n];
        ReadOnlySpan<long> times = observedAt.Values[..n];
        var runs = 0;
        var i = 0;
        var previousSensor = -1;
        var previousHour = long.MinValue;
        while (i < n)
        {
            var sensor = sensors[i];
            var hour = HourOf(times[i]);
            if (sensor < previousSensor || (sensor == previousSensor && hour <= previousHour))
            {
                throw new ArgumentException($"Readings must be ordered by sensor and then time; row {i:N0} is out of order.", nameof(batch));
            }

            var begin = hour * MicrosPerHour; // the run takes readings in (begin, end]
            var end = begin + MicrosPerHour;
            runStarts[runs] = i;
            runSensor[runs] = sensor;
            runHour[runs] = hour;
            runs++;
            i++;
            // A reading of the same sensor from an earlier hour stops the run, and is refused above as out of order.
            while (i < n && sensors[i] == sensor && times[i] <= end && times[i] > begin)
            {
                i++;
            }

            previousSensor = sensor;
            previousHour = hour;
        }

        runStarts[runs] = n;
        return runs;
    }

    /// <summary>The hour (since 1970-01-01 UTC) whose interval (h, h + 1 hour] holds <paramref name="observedAtMicros"/>.</summary>
    public static long HourOf(long observedAtMicros)
    {
        if (observedAtMicros <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(observedAtMicros), observedAtMicros, "Readings before 1970 are not supported.");
        }

        return (observedAtMicros - 1) / MicrosPerHour;
    }

    /// <summary>Sums and counts the non-null values of each run of <paramref name="column"/>.</summary>
    public static void SumRuns(FloatArray column, ReadOnlySpan<int> runStarts, Span<double> sums, Span<int> counts) =>
        SumRuns(column.Values, column.NullCount == 0 ? default : column.NullBitmapBuffer.Span, column.Offset, runStarts, sums, counts);

    /// <summary>
    /// Sums and counts the values of each run whose bit in <paramref name="validity"/> (Arrow's bitmap, least
    /// significant bit first, value i at bit <paramref name="bitOffset"/> + i) is set; an empty bitmap means all are valid.
    /// </summary>
    /// <remarks>
    /// A sensor's hour is a short run (12 readings at 5-minute reporting), too short for vectors to pay for their
    /// horizontal sums, so short runs are summed by a branch-free scalar loop and long ones with SIMD.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SumRuns(ReadOnlySpan<float> values, ReadOnlySpan<byte> validity, int bitOffset, ReadOnlySpan<int> runStarts, Span<double> sums, Span<int> counts)
    {
        var runs = runStarts.Length - 1;
        if (runs <= 0)
        {
            return;
        }

        if (runStarts[runs] > values.Length || sums.Length < runs || counts.Length < runs
            || (!validity.IsEmpty && (bitOffset < 0 || validity.Length * 8L < bitOffset + (long)runStarts[runs])))
        {
            throw new ArgumentException("The runs reach beyond the values or their bitmap, or the outputs are shorter than the runs.", nameof(runStarts));
        }

        // Bounds were checked once above; these loops are the hot path of the whole stage.
        ref var first = ref MemoryMarshal.GetReference(values);
        var i = runStarts[0];
        if (validity.IsEmpty)
        {
            for (var r = 0; r < runs; r++)
            {
                var end = runStarts[r + 1];
                counts[r] = end - i;
                var sum = 0.0;
                if (end - i >= 4 * Vector256<float>.Count)
                {
                    sum = SumAndCount(values[i..end], default, 0).Sum;
                    i = end;
                }

                for (; i < end; i++)
                {
                    sum += Unsafe.Add(ref first, i);
                }

                sums[r] = sum;
            }

            return;
        }

        ref var bits = ref MemoryMarshal.GetReference(validity);
        for (var r = 0; r < runs; r++)
        {
            var end = runStarts[r + 1];
            if (end - i >= 4 * Vector256<float>.Count)
            {
                (sums[r], counts[r]) = SumAndCount(values[i..end], validity, bitOffset + i);
                i = end;
                continue;
            }

            var sum = 0.0;
            var count = 0;
            var at = bitOffset + i;
            if ((at >> 3) + sizeof(ulong) <= validity.Length)
            {
                // The run's bits from one unaligned 64-bit read (a short run is at most 32 rows, within its 57 bits):
                // a run with no value (a sensor without that pollutant) costs one test, others one shift a row.
                var word = (Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bits, at >> 3)) >> (at & 7)) & ((1UL << (end - i)) - 1);
                count = System.Numerics.BitOperations.PopCount(word);
                for (var j = 0; count != 0 && i + j < end; j++)
                {
                    sum += Masked(Unsafe.Add(ref first, i + j), (int)(word >> j) & 1);
                }

                i = end;
            }
            else
            {
                for (; i < end; i++)
                {
                    var bit = bitOffset + i;
                    var present = (Unsafe.Add(ref bits, bit >> 3) >> (bit & 7)) & 1;
                    sum += Masked(Unsafe.Add(ref first, i), present);
                    count += present;
                }
            }

            sums[r] = sum;
            counts[r] = count;
        }
    }

    /// <summary>The sum (in double precision) and number of the values whose validity bit is set (all of them when <paramref name="validity"/> is empty).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double Sum, int Count) SumAndCount(ReadOnlySpan<float> values, ReadOnlySpan<byte> validity, int bitOffset)
    {
        var sum = 0.0;
        var count = 0;
        var i = 0;
        var all = validity.IsEmpty;
        // Up to a whole bitmap byte, so that each vector below takes its mask from one byte.
        for (; i < values.Length && !all && ((bitOffset + i) & 7) != 0; i++)
        {
            var present = Bit(validity, bitOffset + i);
            sum += Masked(values[i], present);
            count += present;
        }

        if (Vector256.IsHardwareAccelerated && values.Length - i >= Vector256<float>.Count)
        {
            var low = Vector256<double>.Zero;
            var high = Vector256<double>.Zero;
            var present = Vector256<int>.Zero;
            var lanes = Vector256.Create(1, 2, 4, 8, 16, 32, 64, 128);
            ref var start = ref MemoryMarshal.GetReference(values);
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                if (!all)
                {
                    var mask = Vector256.Equals(Vector256.Create((int)validity[(bitOffset + i) >> 3]) & lanes, lanes); // all ones where valid
                    v &= mask.AsSingle();
                    present -= mask; // all ones is -1
                }

                var (l, h) = Vector256.Widen(v);
                low += l;
                high += h;
            }

            sum += Vector256.Sum(low + high);
            count += Vector256.Sum(present);
        }

        for (; i < values.Length; i++)
        {
            var present = all ? 1 : Bit(validity, bitOffset + i);
            sum += Masked(values[i], present);
            count += present;
        }

        return (sum, all ? values.Length : count);
    }

    static int Bit(ReadOnlySpan<byte> validity, int bit) => (validity[bit >> 3] >> (bit & 7)) & 1;

    /// <summary><paramref name="value"/> when <paramref name="present"/> is 1, +0 when it is 0, without a branch (whatever lies beneath a null, NaN included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static float Masked(float value, int present) => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(value) & -present);
}

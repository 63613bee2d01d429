using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using AirQuality.Aggregation.Columns;

namespace AirQuality.Aggregation.Kernels;

/// <summary>
/// Reduces readings to hourly partial aggregates (sum and count per sensor, hour and pollutant) in two passes over
/// the columns: one finds the runs of rows that share a sensor and an hour, one per pollutant sums each run with
/// SIMD, skipping NaN (absent) values.
/// </summary>
/// <remarks>
/// Hours are UTC, and a reading observed at t belongs to the hour (h, h + 1 hour] that contains it: observed_at is
/// the end of its averaging interval, so a reading stamped 10:00 describes 09:55–10:00. Sums are accumulated in
/// double precision from the float32 values, as PostgreSQL's <c>sum(real::float8)</c> does.
/// </remarks>
public static class HourlyReducer
{
    public const long MicrosPerHour = 3_600_000_000;

    /// <summary>All pollutants of <paramref name="columns"/> reduced into new hourly columns.</summary>
    public static HourlyColumns Reduce(ReadingColumns columns)
    {
        var n = columns.Length;
        var runStarts = GC.AllocateUninitializedArray<int>(n + 1);
        var runSensor = GC.AllocateUninitializedArray<int>(n);
        var runHour = GC.AllocateUninitializedArray<long>(n);
        var runs = FindRuns(columns, runStarts, runSensor, runHour);
        var hourly = new HourlyColumns(columns.SensorIds, runs) { Length = runs };
        runSensor.AsSpan(0, runs).CopyTo(hourly.Sensor);
        runHour.AsSpan(0, runs).CopyTo(hourly.Hour);
        for (var p = 0; p < Pollutants.Count; p++)
        {
            SumRuns(columns.Values[p].AsSpan(0, n), runStarts.AsSpan(0, runs + 1), hourly.Sums[p], hourly.Counts[p]);
        }

        return hourly;
    }

    /// <summary>
    /// Finds the runs of rows that share a sensor and an hour: run i is rows runStarts[i] to runStarts[i + 1], of
    /// sensor runSensor[i] and hour runHour[i]. Returns the number of runs. The outputs need room for one run per
    /// row (plus one more start); callers that reduce repeatedly keep them.
    /// </summary>
    /// <exception cref="ArgumentException">The rows are not ordered by sensor, then time.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int FindRuns(ReadingColumns columns, Span<int> runStarts, Span<int> runSensor, Span<long> runHour)
    {
        var n = columns.Length;
        if (runStarts.Length < n + 1 || runSensor.Length < n || runHour.Length < n)
        {
            throw new ArgumentException($"The run outputs need room for {n:N0} runs.", nameof(runStarts));
        }

        ReadOnlySpan<int> sensors = columns.Sensor.AsSpan(0, n);
        ReadOnlySpan<long> times = columns.ObservedAtMicros.AsSpan(0, n);
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
                throw new ArgumentException($"Readings must be ordered by sensor and then time; row {i:N0} is out of order.", nameof(columns));
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

    /// <summary>Sums and counts the non-NaN values of each run.</summary>
    /// <remarks>
    /// A sensor's hour is a short run (12 readings at 5-minute reporting), too short for vectors to pay for their
    /// horizontal sums, so short runs are summed by a branch-free scalar loop and long ones with SIMD.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SumRuns(ReadOnlySpan<float> values, ReadOnlySpan<int> runStarts, Span<double> sums, Span<int> counts)
    {
        var runs = runStarts.Length - 1;
        if (runs <= 0)
        {
            return;
        }

        if (runStarts[runs] > values.Length || sums.Length < runs || counts.Length < runs)
        {
            throw new ArgumentException("The runs reach beyond the values, or the outputs are shorter than the runs.", nameof(runStarts));
        }

        ref var first = ref MemoryMarshal.GetReference(values);
        var i = runStarts[0];
        for (var r = 0; r < runs; r++)
        {
            var end = runStarts[r + 1];
            if (end - i >= 4 * Vector256<float>.Count)
            {
                (sums[r], counts[r]) = SumAndCount(values[i..end]);
                i = end;
                continue;
            }

            var sum = 0.0;
            var count = 0;
            for (; i < end; i++)
            {
                // Bounds were checked once above; the loop is the hot path of the whole stage.
                var v = Unsafe.Add(ref first, i);
                var present = !float.IsNaN(v);
                sum += present ? v : 0;
                count += present ? 1 : 0;
            }

            sums[r] = sum;
            counts[r] = count;
        }
    }

    /// <summary>The sum (in double precision) and number of the values that are not NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static (double Sum, int Count) SumAndCount(ReadOnlySpan<float> values)
    {
        var sum = 0.0;
        var count = 0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= Vector256<float>.Count)
        {
            var low = Vector256<double>.Zero;
            var high = Vector256<double>.Zero;
            var present = Vector256<int>.Zero;
            ref var start = ref MemoryMarshal.GetReference(values);
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                var isNumber = Vector256.Equals(v, v); // all ones, except where v is NaN
                var (l, h) = Vector256.Widen(v & isNumber);
                low += l;
                high += h;
                present -= isNumber.AsInt32(); // all ones is -1
            }

            sum = Vector256.Sum(low + high);
            count = Vector256.Sum(present);
        }

        for (; i < values.Length; i++)
        {
            var v = values[i];
            if (!float.IsNaN(v))
            {
                sum += v;
                count++;
            }
        }

        return (sum, count);
    }
}

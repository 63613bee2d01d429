using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using AirQuality.Analytics.Columns;

namespace AirQuality.Analytics.Kernels;

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
        var runStarts = new int[columns.Length + 1];
        var runs = FindRuns(columns, runStarts, out var hourly);
        for (var p = 0; p < Pollutants.Count; p++)
        {
            SumRuns(columns.Values[p].AsSpan(0, columns.Length), runStarts.AsSpan(0, runs + 1), hourly.Sums[p], hourly.Counts[p]);
        }

        return hourly;
    }

    /// <summary>
    /// Finds where each (sensor, hour) run starts; fills <paramref name="runStarts"/> (run i is rows
    /// runStarts[i] to runStarts[i + 1]) and returns the number of runs, with <paramref name="hourly"/> holding
    /// each run's sensor and hour.
    /// </summary>
    /// <exception cref="ArgumentException">The rows are not ordered by sensor, then time.</exception>
    public static int FindRuns(ReadingColumns columns, Span<int> runStarts, out HourlyColumns hourly)
    {
        var n = columns.Length;
        var sensors = columns.Sensor.AsSpan(0, n);
        var times = columns.ObservedAtMicros.AsSpan(0, n);
        var runSensor = new int[n];
        var runHour = new long[n];
        var runs = 0;
        var sensor = -1;
        var end = long.MinValue; // the current hour's last microsecond
        var previous = long.MinValue;
        for (var i = 0; i < n; i++)
        {
            var t = times[i];
            if (sensors[i] != sensor || t > end)
            {
                if (sensors[i] < sensor || (sensors[i] == sensor && t < previous))
                {
                    throw new ArgumentException($"Readings must be ordered by sensor and then time; row {i:N0} is out of order.", nameof(columns));
                }

                var hour = HourOf(t);
                sensor = sensors[i];
                end = (hour + 1) * MicrosPerHour;
                runStarts[runs] = i;
                runSensor[runs] = sensor;
                runHour[runs] = hour;
                runs++;
            }
            else if (t < previous)
            {
                throw new ArgumentException($"Readings must be ordered by sensor and then time; row {i:N0} is out of order.", nameof(columns));
            }

            previous = t;
        }

        runStarts[runs] = n;
        hourly = new HourlyColumns(columns.SensorIds, runs) { Length = runs };
        runSensor.AsSpan(0, runs).CopyTo(hourly.Sensor);
        runHour.AsSpan(0, runs).CopyTo(hourly.Hour);
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
    public static void SumRuns(ReadOnlySpan<float> values, ReadOnlySpan<int> runStarts, Span<double> sums, Span<int> counts)
    {
        var runs = runStarts.Length - 1;
        for (var r = 0; r < runs; r++)
        {
            var (sum, count) = SumAndCount(values[runStarts[r]..runStarts[r + 1]]);
            sums[r] = sum;
            counts[r] = count;
        }
    }

    /// <summary>The sum (in double precision) and number of the values that are not NaN.</summary>
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

using AirQuality.Aggregation;
using AirQuality.Aggregation.Columns;
using AirQuality.Aggregation.Kernels;
using Xunit;

namespace AirQuality.Aggregation.Tests.Kernels;

public sealed class HourlyReducerTests
{
    [Fact]
    public void Simd_sums_skip_null_values_whatever_lies_beneath_and_equal_a_plain_loop()
    {
        var random = new Random(42);
        for (var length = 0; length < 70; length++)
        {
            for (var offset = 0; offset < 9; offset += 4)
            {
                var values = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 500)).ToArray();
                var valid = Enumerable.Range(0, offset + length).Select(_ => random.NextDouble() >= 0.2).ToArray();
                var bitmap = new byte[(offset + length + 7) / 8];
                for (var i = 0; i < valid.Length; i++)
                {
                    bitmap[i / 8] |= (byte)(valid[i] ? 1 << (i % 8) : 0);
                }

                for (var i = 0; i < length; i++)
                {
                    values[i] = valid[offset + i] ? values[i] : (i % 2 == 0 ? float.NaN : 1e30f); // Arrow leaves what lies under a null undefined
                }

                var (sum, count) = HourlyReducer.SumAndCount(values, bitmap, offset);
                var present = values.Where((_, i) => valid[offset + i]).ToArray();
                Assert.Equal(present.Length, count);
                Assert.Equal(present.Sum(v => (double)v), sum, 1e-9);

                var (allSum, allCount) = HourlyReducer.SumAndCount(present, default, 0);
                Assert.Equal(present.Length, allCount);
                Assert.Equal(present.Sum(v => (double)v), allSum, 1e-9);
            }
        }
    }

    [Fact]
    public void Runs_sum_and_count_only_valid_values_with_or_without_a_bitmap_and_at_any_offset()
    {
        var random = new Random(7);
        const int n = 2000;
        var values = Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 500)).ToArray();
        var starts = new List<int> { 0 };
        while (starts[^1] < n)
        {
            // Mostly short runs (a sensor's hour), some long enough for the vector path, some with no valid value.
            starts.Add(Math.Min(n, starts[^1] + (random.Next(10) == 0 ? random.Next(32, 80) : random.Next(1, 32))));
        }

        foreach (var offset in new[] { 0, 3, 8, 13 })
        {
            var valid = Enumerable.Range(0, offset + n).Select(i => i % 97 < 30 ? false : random.NextDouble() >= 0.3).ToArray();
            var bitmap = new byte[(offset + n + 7) / 8];
            for (var i = 0; i < valid.Length; i++)
            {
                bitmap[i / 8] |= (byte)(valid[i] ? 1 << (i % 8) : 0);
            }

            var beneath = values.Select((v, i) => valid[offset + i] ? v : (i % 2 == 0 ? float.NaN : -1e30f)).ToArray();
            var runs = starts.Count - 1;
            var sums = new double[runs];
            var counts = new int[runs];
            HourlyReducer.SumRuns(beneath, bitmap, offset, starts.ToArray(), sums, counts);
            var allSums = new double[runs];
            var allCounts = new int[runs];
            HourlyReducer.SumRuns(values, default, 0, starts.ToArray(), allSums, allCounts);
            for (var r = 0; r < runs; r++)
            {
                var rows = Enumerable.Range(starts[r], starts[r + 1] - starts[r]).ToArray();
                var present = rows.Where(i => valid[offset + i]).ToArray();
                Assert.Equal(present.Length, counts[r]);
                Assert.Equal(present.Sum(i => (double)values[i]), sums[r], 1e-9);
                Assert.Equal(rows.Length, allCounts[r]);
                Assert.Equal(rows.Sum(i => (double)values[i]), allSums[r], 1e-9);
            }
        }
    }

    [Fact]
    public void A_reading_stamped_on_the_hour_belongs_to_the_hour_it_ends()
    {
        var columns = new ReadingColumns(["A", "B"], 5);
        var ten = ReadingColumns.ToMicros(new DateTimeOffset(2026, 6, 30, 10, 0, 0, TimeSpan.Zero));
        columns.Add(0, ten - 60_000_000, [1, 2, float.NaN, float.NaN, float.NaN, float.NaN]); // 09:59
        columns.Add(0, ten, [3, float.NaN, float.NaN, float.NaN, float.NaN, float.NaN]);      // 10:00 ends 09:00-10:00
        columns.Add(0, ten + 1, [5, float.NaN, float.NaN, float.NaN, float.NaN, float.NaN]);  // one microsecond later: the next hour
        columns.Add(1, ten, [7, float.NaN, float.NaN, float.NaN, float.NaN, 0.5f]);

        var hourly = HourlyReducer.Reduce(columns.ToRecordBatch());

        Assert.Equal(3, hourly.Length);
        var nine = HourlyColumns.HourOf(new DateTime(2026, 6, 30, 9, 0, 0, DateTimeKind.Utc));
        Assert.Equal([0, 0, 1], hourly.Sensor[..3]);
        Assert.Equal([nine, nine + 1, nine], hourly.Hour[..3]);
        Assert.Equal([4.0, 5, 7], hourly.Sums[(int)Pollutant.Pm25][..3]);
        Assert.Equal([2, 1, 1], hourly.Counts[(int)Pollutant.Pm25][..3]);
        Assert.Equal([1, 0, 0], hourly.Counts[(int)Pollutant.Pm10][..3]);
        Assert.Equal([0, 0, 1], hourly.Counts[(int)Pollutant.Co][..3]);
    }

    [Fact]
    public void Readings_out_of_order_are_refused_rather_than_split_into_two_partials_of_one_hour()
    {
        var columns = new ReadingColumns(["A"], 2);
        columns.Add(0, 7_200_000_000, [1, 0, 0, 0, 0, 0]);
        columns.Add(0, 3_600_000_000, [1, 0, 0, 0, 0, 0]);

        var e = Assert.Throws<ArgumentException>(() => HourlyReducer.Reduce(columns.ToRecordBatch()));
        Assert.Contains("row 1 is out of order", e.Message, StringComparison.Ordinal);
    }
}

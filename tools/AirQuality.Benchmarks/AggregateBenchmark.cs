using System.Diagnostics;
using AirQuality.Aggregation.Columns;
using AirQuality.Aggregation.Daily;
using AirQuality.Aggregation.Kernels;
using AirQuality.Aggregation;
using AirQuality.Ingest;
using Npgsql;
using NpgsqlTypes;

namespace AirQuality.Benchmarks;

/// <summary>
/// <c>airq bench aggregate</c>: generates readings for the registered sensors, loads them, and times side by side the
/// columnar kernel, a naive per-row reduction, PostgreSQL's and an in-process DuckDB's GROUP BY, and the whole refresh against the same outputs
/// computed by PostgreSQL alone.
/// </summary>
/// <remarks>Runs on an empty, migrated database with a registry; it fills <c>sensor_readings</c> and the aggregate tables.</remarks>
public sealed class AggregateBenchmark(NpgsqlDataSource database, AggregationOptions options, TimeProvider time)
{
    /// <summary>Readings per ingest batch when measuring the rollup's cost: the ingest worker's default batch.</summary>
    const int IngestBatch = 5000;
    const int FoldEvery = 100;

    public async Task<AggregateBenchmarkResult> RunAsync(long readings, Action<string> progress, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var network = await SensorNetwork.LoadAsync(connection, cancellationToken);
        var first = new DateOnly(2026, 1, 1);
        progress($"Generating {readings:N0} readings for {network.SensorIds.Length} sensors at their reporting intervals ...");
        var columns = Generate(network, first, readings, options.Zone);
        var lastObserved = ReadingColumns.FromMicros(columns.ObservedAtMicros.ToArray().Max());
        var last = LocalDays.DayOfHour(HourReducerHour(lastObserved), options.Zone);

        progress("Timing the kernels in memory (best of 3, output buffers allocated once, as a streaming caller keeps them) ...");
        var starts = new int[columns.Length + 1];
        var runSensor = new int[columns.Length];
        var runHour = new long[columns.Length];
        var sums = new double[columns.Length];
        var counts = new int[columns.Length];
        var valid = new bool[columns.Length];
        var runs = 0;
        // Each timing wraps the filled arrays as an Arrow batch (no copy) and reduces the batch's arrays.
        var one = Best(3, () =>
        {
            var batch = columns.ToRecordBatch();
            runs = HourlyReducer.FindRuns(batch, starts, runSensor, runHour);
            HourlyReducer.SumRuns(HourlyReducer.Concentrations(batch, Pollutant.Pm25), starts.AsSpan(0, runs + 1), sums, counts);
        });
        var allSeconds = Best(3, () =>
        {
            var batch = columns.ToRecordBatch();
            runs = HourlyReducer.FindRuns(batch, starts, runSensor, runHour);
            for (var p = 0; p < Pollutants.Count; p++)
            {
                HourlyReducer.SumRuns(HourlyReducer.Concentrations(batch, (Pollutant)p), starts.AsSpan(0, runs + 1), sums, counts);
                for (var i = 0; i < runs; i++)
                {
                    valid[i] = counts[i] * network.ReportingIntervalS[runSensor[i]] >= DailyCalculator.ValidHourSeconds;
                }
            }
        });
        GC.KeepAlive(valid);
        var rows = Enumerable.Range(0, columns.Length).Select(i => new NaiveReading(columns.Sensor[i], columns.ObservedAtMicros[i],
            columns.ValueOrNaN(Pollutant.Pm25, i), columns.ValueOrNaN(Pollutant.Pm10, i), columns.ValueOrNaN(Pollutant.No2, i),
            columns.ValueOrNaN(Pollutant.So2, i), columns.ValueOrNaN(Pollutant.O3, i), columns.ValueOrNaN(Pollutant.Co, i))).ToList();
        var naive = Best(1, () => Naive(rows, network));
        rows = null;

        progress("Loading the readings with binary COPY ...");
        var copy = await TimeAsync(() => CopyAsync(connection, columns, cancellationToken));
        await Execute(connection, "VACUUM ANALYZE sensor_readings", cancellationToken);
        progress("Timing PostgreSQL's hourly GROUP BY ...");
        var pgOne = await TimeAsync(() => Execute(connection, $"CREATE TEMP TABLE bench_one AS SELECT sensor_id, {HourSql}, avg(pm25_ugm3), count(pm25_ugm3) FROM sensor_readings GROUP BY 1, 2", cancellationToken));
        var pgAll = await TimeAsync(() => Execute(connection, $"CREATE TEMP TABLE bench_all AS SELECT sensor_id, {HourSql}, {string.Join(", ", Pollutants.All.Select(p => $"avg({p.Column()}) AS {p.Code()}_mean, count({p.Column()}) AS {p.Code()}_readings"))} FROM sensor_readings GROUP BY 1, 2", cancellationToken));

        var hourDays = HourDays(columns, options.Zone);
        progress("Timing PostgreSQL's daily means (valid hours' means per local day) from the raw readings ...");
        await using (var hours = new NpgsqlCommand("CREATE TEMP TABLE bench_hour_day AS SELECT * FROM unnest($1::timestamptz[], $2::date[]) AS t(hour, day)", connection))
        {
            hours.Parameters.Add(new() { Value = hourDays.Select(h => HourlyColumns.HourStart(h.Hour)).ToArray() });
            hours.Parameters.Add(new() { Value = hourDays.Select(h => h.Day).ToArray() });
            await hours.ExecuteNonQueryAsync(cancellationToken);
        }

        var pgDaily = await TimeAsync(() => Execute(connection, DailyMeansSql(HourSql, "bench_daily"), cancellationToken));

        progress("Loading the same readings into an in-process DuckDB and timing the same GROUP BYs ...");
        using var duck = new DuckDbPeer();
        var duckLoad = duck.Load(columns, network, hourDays);
        var duckOne = duck.Time($"CREATE TEMP TABLE bench_one AS SELECT sensor_id, {DuckDbPeer.HourSql} AS hour, avg(pm25_ugm3), count(pm25_ugm3) FROM sensor_readings GROUP BY 1, 2");
        var duckAll = duck.Time($"CREATE TEMP TABLE bench_all AS SELECT sensor_id, {DuckDbPeer.HourSql} AS hour, {string.Join(", ", Pollutants.All.Select(p => $"avg({p.Column()}) AS {p.Code()}_mean, count({p.Column()}) AS {p.Code()}_readings"))} FROM sensor_readings GROUP BY 1, 2");
        var duckDaily = duck.Time(DailyMeansSql(DuckDbPeer.HourSql, "bench_daily"));
        duck.Time(HourlySumsSql(DuckDbPeer.HourSql, "bench_sums"));
        duck.CheckHourly("bench_sums", HourlyReducer.Reduce(columns.ToRecordBatch()));

        progress($"Keeping sensor_hourly as ingest does: reduce and append per {IngestBatch:N0}-reading batch, fold every {FoldEvery} batches ...");
        var batches = IngestBatches(columns);
        var rollup = await TimeAsync(() => RollupAsync(connection, batches, cancellationToken));
        await Execute(connection, "VACUUM ANALYZE sensor_hourly", cancellationToken);

        progress("The whole refresh from the hourly sums, then year over year ...");
        var aggregator = new Aggregator(database, options, time);
        await aggregator.MarkDaysAsync(first, last, cancellationToken);
        var refresh = await TimeAsync(async () =>
        {
            await aggregator.RunAsync(null, cancellationToken);
            await YearOverYear.QueryAsync(database, Pollutant.Pm25, first, last, cancellationToken);
        });
        progress("The same outputs computed by PostgreSQL from the raw readings, then year over year ...");
        var sqlRefresh = await TimeAsync(async () =>
        {
            await SqlReference.RunAsync(connection, options.TimeZone, first, last, cancellationToken);
            await YearOverYear.QueryAsync(database, Pollutant.Pm25, first, last, cancellationToken);
        });

        progress("Checking DuckDB's daily means against sensor_daily as the refresh wrote it ...");
        var duckDays = await duck.CheckDailyAsync("bench_daily", connection, cancellationToken);

        return new AggregateBenchmarkResult(columns.Length, runs, last.DayNumber - first.DayNumber + 1,
            columns.Length / one, columns.Length / allSeconds, columns.Length / naive,
            columns.Length / pgOne, columns.Length / pgAll, copy, rollup, refresh, sqlRefresh)
        {
            PostgresDailySeconds = pgDaily,
            DuckDbLoadSeconds = duckLoad,
            DuckDbOneRowsPerSecond = columns.Length / duckOne,
            DuckDbAllRowsPerSecond = columns.Length / duckAll,
            DuckDbDailySeconds = duckDaily,
            DuckDbDaysChecked = duckDays,
        };
    }

    /// <summary>Each sensor hour's sums (in double precision) and counts of every pollutant, into <paramref name="table"/>; <paramref name="hour"/> numbers the hour.</summary>
    internal static string HourlySumsSql(string hour, string table) =>
        $"CREATE TEMP TABLE {table} AS SELECT sensor_id, {hour} AS hour, {string.Join(", ", Pollutants.All.Select(p => $"sum({p.Column()}::float8) AS {p.Code()}_sum, count({p.Column()}) AS {p.Code()}_readings"))} FROM sensor_readings GROUP BY 1, 2";

    /// <summary>
    /// Each sensor's daily mean of every pollutant as the stage defines it (the mean of the valid hours' means; an
    /// hour is valid when its readings cover 45 minutes) and its valid hours, from the raw readings, into
    /// <paramref name="table"/>. <paramref name="hour"/> must match the keys of <c>bench_hour_day</c>. Plain SQL that
    /// PostgreSQL and DuckDB both run.
    /// </summary>
    internal static string DailyMeansSql(string hour, string table)
    {
        var valid = (Pollutant p) => $"FILTER (WHERE h.{p.Code()}_readings * s.reporting_interval_s >= {DailyCalculator.ValidHourSeconds})";
        return $"""
            CREATE TEMP TABLE {table} AS
            WITH h AS (
                SELECT sensor_id, {hour} AS hour, {string.Join(", ", Pollutants.All.Select(p => $"sum({p.Column()}::float8) / nullif(count({p.Column()}), 0) AS {p.Code()}_mean, count({p.Column()}) AS {p.Code()}_readings"))}
                FROM sensor_readings GROUP BY 1, 2)
            SELECT h.sensor_id, d.day, {string.Join(", ", Pollutants.All.Select(p => $"avg(h.{p.Code()}_mean) {valid(p)} AS {p.Code()}, count(*) {valid(p)} AS {p.Code()}_hours"))}
            FROM h JOIN sensors s ON s.sensor_id = h.sensor_id JOIN bench_hour_day d ON d.hour = h.hour
            GROUP BY 1, 2
            """;
    }

    /// <summary>Every UTC hour the readings touch, with the local day it belongs to.</summary>
    static List<(long Hour, DateOnly Day)> HourDays(ReadingColumns columns, TimeZoneInfo zone)
    {
        var times = columns.ObservedAtMicros;
        var firstHour = HourlyReducer.HourOf(times[0]);
        var lastHour = firstHour;
        foreach (var t in times)
        {
            var h = HourlyReducer.HourOf(t);
            firstHour = Math.Min(firstHour, h);
            lastHour = Math.Max(lastHour, h);
        }

        var days = new List<(long, DateOnly)>();
        for (var h = firstHour; h <= lastHour; h++)
        {
            days.Add((h, LocalDays.DayOfHour(h, zone)));
        }

        return days;
    }

    const string HourSql = "date_bin('1 hour', observed_at - interval '1 microsecond', timestamptz '2000-01-01 00:00:00+00')";

    static long HourReducerHour(DateTime utc) => HourlyReducer.HourOf(ReadingColumns.ToMicros(new DateTimeOffset(utc)));

    /// <summary>Readings sensor by sensor at each one's interval from local midnight of <paramref name="first"/>, ordered by sensor then time.</summary>
    static ReadingColumns Generate(SensorNetwork network, DateOnly first, long readings, TimeZoneInfo zone)
    {
        var perHour = network.ReportingIntervalS.Sum(i => 3600.0 / i);
        var hours = (long)Math.Ceiling(readings / perHour);
        var start = ReadingColumns.ToMicros(LocalDays.StartOf(first, zone));
        var columns = new ReadingColumns(network.SensorIds, checked((int)readings));
        var random = new Random(42);
        Span<float> values = stackalloc float[Pollutants.Count];
        for (var s = 0; s < network.SensorIds.Length && columns.Length < readings; s++)
        {
            var step = network.ReportingIntervalS[s] * 1_000_000L;
            var count = hours * 3600 / network.ReportingIntervalS[s];
            for (var i = 1; i <= count && columns.Length < readings; i++)
            {
                if (random.Next(50) == 0)
                {
                    continue; // a gap now and then, so validity has work to do
                }

                values[0] = 20 + 40 * random.NextSingle();
                values[1] = 1.5f * values[0];
                values[2] = network.ReportingIntervalS[s] >= 3600 ? 30 * random.NextSingle() : float.NaN;
                values[3] = network.ReportingIntervalS[s] >= 3600 ? 10 * random.NextSingle() : float.NaN;
                values[4] = network.ReportingIntervalS[s] >= 3600 ? 150 * random.NextSingle() : float.NaN;
                values[5] = network.ReportingIntervalS[s] >= 3600 ? random.NextSingle() : float.NaN;
                columns.Add(s, start + i * step, values);
            }
        }

        return columns;
    }

    sealed record NaiveReading(int Sensor, long ObservedAtMicros, float Pm25, float Pm10, float No2, float So2, float O3, float Co);

    sealed class Accumulator
    {
        public readonly double[] Sums = new double[Pollutants.Count];
        public readonly int[] Counts = new int[Pollutants.Count];
    }

    /// <summary>What one might write first: an object per reading, a dictionary of accumulators keyed by sensor and hour.</summary>
    static void Naive(List<NaiveReading> rows, SensorNetwork network)
    {
        var groups = new Dictionary<(int, long), Accumulator>();
        foreach (var r in rows)
        {
            var key = (r.Sensor, HourlyReducer.HourOf(r.ObservedAtMicros));
            if (!groups.TryGetValue(key, out var acc))
            {
                groups[key] = acc = new Accumulator();
            }

            float[] values = [r.Pm25, r.Pm10, r.No2, r.So2, r.O3, r.Co];
            for (var p = 0; p < values.Length; p++)
            {
                if (!float.IsNaN(values[p]))
                {
                    acc.Sums[p] += values[p];
                    acc.Counts[p]++;
                }
            }
        }

        var valid = groups.Count(g => g.Value.Counts[0] * network.ReportingIntervalS[g.Key.Item1] >= DailyCalculator.ValidHourSeconds);
        GC.KeepAlive(valid);
    }

    static async Task CopyAsync(NpgsqlConnection connection, ReadingColumns columns, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            $"COPY sensor_readings (sensor_id, observed_at, {string.Join(", ", Pollutants.All.Select(p => p.Column()))}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        for (var i = 0; i < columns.Length; i++)
        {
            importer.StartRow();
            importer.Write(columns.SensorIds[columns.Sensor[i]], NpgsqlDbType.Text);
            importer.Write(ReadingColumns.FromMicros(columns.ObservedAtMicros[i]), NpgsqlDbType.TimestampTz);
            for (var p = 0; p < Pollutants.Count; p++)
            {
                var v = columns.ValueOrNaN((Pollutant)p, i);
                if (float.IsNaN(v))
                {
                    importer.WriteNull();
                }
                else
                {
                    importer.Write(v, NpgsqlDbType.Real);
                }
            }
        }

        await importer.CompleteAsync(cancellationToken);
    }

    /// <summary>The readings as ingest receives them: in time order across sensors, a batch at a time, each batch's columns sorted by sensor.</summary>
    static List<ReadingColumns> IngestBatches(ReadingColumns columns)
    {
        var order = Enumerable.Range(0, columns.Length).ToArray();
        var times = columns.ObservedAtMicros.ToArray();
        var sensors = columns.Sensor.ToArray();
        Array.Sort(columns.ObservedAtMicros.ToArray(), order);
        var values = new float[Pollutants.Count];
        var batches = new List<ReadingColumns>();
        for (var start = 0; start < order.Length; start += IngestBatch)
        {
            var batch = order.AsSpan(start, Math.Min(IngestBatch, order.Length - start)).ToArray();
            Array.Sort(batch, (a, b) => sensors[a] != sensors[b] ? sensors[a].CompareTo(sensors[b]) : times[a].CompareTo(times[b]));
            var slice = new ReadingColumns(columns.SensorIds, batch.Length);
            foreach (var i in batch)
            {
                for (var p = 0; p < Pollutants.Count; p++)
                {
                    values[p] = columns.ValueOrNaN((Pollutant)p, i);
                }

                slice.Add(sensors[i], times[i], values);
            }

            batches.Add(slice);
        }

        return batches;
    }

    /// <summary>
    /// What the rollup adds to ingest: reduce each batch and append its hourly sums in the batch's transaction,
    /// and fold them into <c>sensor_hourly</c> now and then (every <see cref="FoldEvery"/> batches, about as
    /// often as a worker at full speed folds every 5 s).
    /// </summary>
    static async Task RollupAsync(NpgsqlConnection connection, List<ReadingColumns> batches, CancellationToken cancellationToken)
    {
        for (var b = 0; b < batches.Count; b++)
        {
            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
            {
                await HourlyStore.AppendPendingAsync(connection, HourlyReducer.Reduce(batches[b].ToRecordBatch()), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            if ((b + 1) % FoldEvery == 0 || b == batches.Count - 1)
            {
                await HourlyStore.FoldAsync(connection, cancellationToken);
            }
        }
    }

    static double Best(int times, Action action)
    {
        var best = double.MaxValue;
        for (var i = 0; i < times; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }

        return best;
    }

    static async Task<double> TimeAsync(Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        return watch.Elapsed.TotalSeconds;
    }

    static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
#pragma warning disable CA2100 // Built here from constants.
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

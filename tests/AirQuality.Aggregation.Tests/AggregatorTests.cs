using AirQuality.Aggregation.Calibration;
using AirQuality.Aggregation.Daily;
using AirQuality.Contracts;
using AirQuality.Storage;
using AirQuality.Tests.Support;
using Dapper;
using Npgsql;
using Xunit;

namespace AirQuality.Aggregation.Tests;

public sealed class AggregatorTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    const string TimeZone = "Asia/Shanghai";
    static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    /// <summary>
    /// The aggregation with the default settings; tests whose hours are built identical (a flat line by the quality rules,
    /// docs/calibration.md) and are about other rules keep every flagged hour in with <paramref name="excludeFlaggedHours"/> false.
    /// </summary>
    static Aggregator AggregatorFor(NpgsqlDataSource db, int daysPerTransaction = 31, bool excludeFlaggedHours = true) =>
        new(db, new AggregationOptions { TimeZone = TimeZone, DaysPerTransaction = daysPerTransaction }.Validate(), TimeProvider.System,
            new CalibrationOptions { ExcludeFlaggedHours = excludeFlaggedHours }.Validate());

    /// <summary>Stores readings the way the ingest worker does: shuffled batches, with repeats, hourly sums in the same transaction.</summary>
    static async Task StoreAsync(NpgsqlDataSource db, IReadOnlyList<SensorReading> readings, int seed)
    {
        var random = new Random(seed);
        var shuffled = readings.OrderBy(_ => random.Next()).ToList();
        var repeats = shuffled.Take(shuffled.Count / 20).ToList(); // a replay after a crash: already stored
        var writer = new TimeSeriesWriter(new HourlyRollup());
        await using var connection = await db.OpenConnectionAsync();
        foreach (var batch in shuffled.Chunk(2500))
        {
            await writer.WriteAsync(connection, batch, [], CancellationToken.None);
        }

        var (again, _) = await writer.WriteAsync(connection, [.. repeats, shuffled[^1]], [], CancellationToken.None);
        Assert.Equal(repeats.Count + 1, again.Duplicates);
    }

    [Theory]
    [InlineData("off", 2025, 12, 29, 11)]   // across the change of year
    [InlineData("off", 2026, 2, 26, 12)]    // across the change of standard on 1 March 2026
    [TimescaleInlineData("auto", 2026, 2, 26, 12)]
    public async Task Every_daily_figure_equals_postgresql_computing_it_from_the_raw_readings(string timescale, int year, int month, int day, int seed)
    {
        await using var db = await postgres.NewDatabaseAsync(timescale);
        await SmallCity.CreateAsync(db);
        var first = new DateOnly(year, month, day);
        var last = first.AddDays(3);
        var start = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), Cst);
        var readings = SmallCity.Readings(start.AddHours(-3), start.AddDays(4).AddHours(3), seed);
        // Late data: a fifth of the readings arrive after the first aggregation has run.
        var late = readings.Where((_, i) => i % 5 == 0).ToList();
        await StoreAsync(db, readings.Where((_, i) => i % 5 != 0).ToList(), seed);
        var firstRun = await AggregatorFor(db, daysPerTransaction: 2).RunAsync(null, CancellationToken.None);
        await StoreAsync(db, late, seed + 1);
        var secondRun = await AggregatorFor(db).RunAsync(null, CancellationToken.None);

        Assert.True(firstRun.Days >= 4, $"first run recomputed {firstRun.Days} days");
        Assert.True(secondRun.Days >= 4);
        await using var connection = await db.OpenConnectionAsync();
        await SqlReference.RunAsync(connection, TimeZone, first.AddDays(-1), last.AddDays(1), CancellationToken.None);
        Assert.Empty(await MismatchesAsync(connection, "sensor_hourly", "ref_hourly", ["sensor_id", "hour_start"],
            Pollutants.All.SelectMany(p => new[] { $"{p.Code()}_sum", $"{p.Code()}_readings" })));
        foreach (var level in Enum.GetValues<AreaLevel>())
        {
            var table = DailyStore.Table(level);
            string[] key = level switch { AreaLevel.Sensor => ["sensor_id", "day"], AreaLevel.District => ["district_id", "day"], _ => ["day"] };
            var columns = await ColumnsAsync(connection, table);
            Assert.Empty(await MismatchesAsync(connection, table, "ref_" + table, key, columns.Except(key).Except(["computed_at"])));
        }

        var rows = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sensor_daily WHERE pm25_valid");
        var invalid = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sensor_daily WHERE NOT pm25_valid");
        var overEight = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sensor_daily WHERE o3_8h_max_ugm3 > 800 AND o3_8h_valid");
        Assert.True(rows > 10 && invalid > 3, $"the data set should have valid ({rows}) and invalid ({invalid}) sensor days");
        Assert.True(overEight > 0, "the data set should exercise the O3 1-hour rule");
        if (month == 2)
        {
            Assert.Equal(["2012", "2026-phase1"], await connection.QueryAsync<string>("SELECT DISTINCT standard_version FROM city_daily ORDER BY 1"));
        }
    }

    [Fact]
    public async Task Hourly_sums_rebuilt_from_readings_loaded_by_hand_equal_postgresql_and_replace_stale_ones()
    {
        await using var db = await postgres.NewDatabaseAsync("auto");
        await SmallCity.CreateAsync(db);
        var first = new DateOnly(2026, 6, 29);
        var readings = SmallCity.Readings(new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), Cst), new DateTimeOffset(first.AddDays(2).ToDateTime(TimeOnly.MinValue), Cst), 5);
        await using var connection = await db.OpenConnectionAsync();
        // A bulk load that bypasses ingest (no hourly sums), and one stale hourly row that matches no reading.
        await new TimeSeriesWriter().WriteAsync(connection, readings, [], CancellationToken.None);
        await connection.ExecuteAsync("INSERT INTO sensor_hourly (sensor_id, hour_start, pm25_sum, pm25_readings) VALUES ('S1', '2026-06-29 04:00+00', 999, 1)");
        var options = new AggregationOptions { TimeZone = TimeZone, DaysPerTransaction = 1 }.Validate();

        var read = await new HourlyRebuild(db, options).RunAsync(first, first.AddDays(1), null, CancellationToken.None);
        await AggregatorFor(db).RunAsync(null, CancellationToken.None);

        Assert.Equal(readings.Count, read);
        await SqlReference.RunAsync(connection, TimeZone, first, first.AddDays(1), CancellationToken.None);
        Assert.Empty(await MismatchesAsync(connection, "sensor_hourly", "ref_hourly", ["sensor_id", "hour_start"],
            Pollutants.All.SelectMany(p => new[] { $"{p.Code()}_sum", $"{p.Code()}_readings" })));
        Assert.Empty(await MismatchesAsync(connection, "district_daily", "ref_district_daily", ["district_id", "day"], ["pm25_ugm3", "pm25_valid", "aqi"]));
    }

    [Fact]
    public async Task Staged_hourly_sums_reach_sensor_hourly_only_by_folds_which_count_each_reading_once_even_concurrently_and_beside_a_rebuild()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await SmallCity.CreateAsync(db);
        var first = new DateOnly(2026, 7, 1);
        var start = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), Cst);
        var random = new Random(21);
        var readings = SmallCity.Readings(start, start.AddDays(1), 21).OrderBy(_ => random.Next()).ToList();
        var thirds = readings.Chunk((readings.Count + 2) / 3).ToList();
        var writer = new TimeSeriesWriter(new HourlyRollup());
        await using var connection = await db.OpenConnectionAsync();
        var count = (string sql) => connection.ExecuteScalarAsync<long>(sql);
        var sensorHourlyColumns = Pollutants.All.SelectMany(p => new[] { $"{p.Code()}_sum", $"{p.Code()}_readings" }).ToList();

        // Stored and staged: nothing in sensor_hourly and no hour marked for the aggregation until a fold.
        foreach (var batch in thirds[0].Chunk(500))
        {
            await writer.WriteAsync(connection, batch, [], CancellationToken.None);
        }

        Assert.Equal(0, await count("SELECT count(*) FROM sensor_hourly"));
        Assert.Equal(0, await count("SELECT count(*) FROM aggregation_dirty_hours"));
        Assert.True(await count("SELECT count(*) FROM sensor_hourly_pending") > 0);

        // Two writers stage more while four sessions fold over and over, then one last fold. Each writer waits after its
        // first batch until eight folds have finished, so folds fall between writes however the threads are scheduled.
        var foldsDone = 0;
        var eightFolds = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writing = Task.WhenAll(thirds[1].Chunk((thirds[1].Length + 1) / 2).Select(async half =>
        {
            await using var own = await db.OpenConnectionAsync();
            var batches = half.Chunk(200).ToList();
            await writer.WriteAsync(own, batches[0], [], CancellationToken.None);
            await eightFolds.Task;
            foreach (var batch in batches.Skip(1))
            {
                await writer.WriteAsync(own, batch, [], CancellationToken.None);
            }
        }));
        var folds = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var own = await db.OpenConnectionAsync();
            var times = 0;
            do
            {
                await HourlyStore.FoldAsync(own, CancellationToken.None);
                times++;
                if (Interlocked.Increment(ref foldsDone) == 8)
                {
                    eightFolds.SetResult();
                }
            }
            while (!writing.IsCompleted);
            return times;
        }));
        await writing;
        await HourlyStore.FoldAsync(connection, CancellationToken.None);

        Assert.True(thirds[1].Length > 2 * 200, "each writer should stage batches after the folds began");
        Assert.Equal(0, await count("SELECT count(*) FROM sensor_hourly_pending"));
        Assert.Equal(await count("SELECT count(DISTINCT hour_start) FROM sensor_hourly"), await count("SELECT count(*) FROM aggregation_dirty_hours"));
        await SqlReference.RunAsync(connection, TimeZone, first.AddDays(-1), first.AddDays(1), CancellationToken.None);
        Assert.Empty(await MismatchesAsync(connection, "sensor_hourly", "ref_hourly", ["sensor_id", "hour_start"], sensorHourlyColumns));

        // The last third staged, then the day rebuilt from the raw readings, which include it: counted once.
        foreach (var batch in thirds[2].Chunk(500))
        {
            await writer.WriteAsync(connection, batch, [], CancellationToken.None);
        }

        await new HourlyRebuild(db, new AggregationOptions { TimeZone = TimeZone }.Validate()).RunAsync(first, first, null, CancellationToken.None);
        await AggregatorFor(db).RunAsync(null, CancellationToken.None);
        Assert.Equal(0, await count("SELECT count(*) FROM sensor_hourly_pending"));
        await SqlReference.RunAsync(connection, TimeZone, first.AddDays(-1), first.AddDays(1), CancellationToken.None);
        Assert.Empty(await MismatchesAsync(connection, "sensor_hourly", "ref_hourly", ["sensor_id", "hour_start"], sensorHourlyColumns));
        Assert.Equal(readings.Count(r => r.Pm25 is not null), await count("SELECT sum(pm25_readings) FROM sensor_hourly"));
    }

    [Fact]
    public async Task An_hour_needs_45_minutes_of_readings_and_a_day_20_valid_hours()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await SmallCity.CreateAsync(db);
        var day = new DateOnly(2026, 6, 30);
        var midnight = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), Cst);
        var readings = new List<SensorReading>();
        for (var h = 0; h < 24; h++)
        {
            // S1 reports every 5 minutes: 9 readings (45 minutes) make a valid hour, 8 do not. 20 hours have 9, 4 have 8.
            var count = h < 20 ? 9 : 8;
            readings.AddRange(Enumerable.Range(1, count).Select(i => new SensorReading("S1", midnight.AddHours(h).AddMinutes(5 * i), h < 20 ? 10 : 1000)));
            // S4 is the same with one hour fewer: 19 valid hours, an invalid day.
            var s4 = h < 19 ? 9 : 8;
            readings.AddRange(Enumerable.Range(1, s4).Select(i => new SensorReading("S4", midnight.AddHours(h).AddMinutes(5 * i), 20)));
        }

        await StoreAsync(db, readings, 1);
        await AggregatorFor(db, excludeFlaggedHours: false).RunAsync(null, CancellationToken.None);

        await using var connection = await db.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(string Sensor, float? Pm25, short Hours, bool Valid, int Readings, int Expected)>(
            "SELECT sensor_id, pm25_ugm3, pm25_valid_hours, pm25_valid, pm25_readings, expected_readings FROM sensor_daily WHERE day = @day AND sensor_id IN ('S1', 'S4') ORDER BY 1",
            new { day })).ToList();
        Assert.Equal(("S1", (float?)10f, (short)20, true, 20 * 9 + 4 * 8, 288), rows[0]); // the 1000s of invalid hours are left out
        Assert.Equal(("S4", (float?)20f, (short)19, false, 19 * 9 + 5 * 8, 288), rows[1]);
        // District D2 (S3 silent, S4 invalid) is not valid; D1 has S1 valid of three sensors: not half.
        var districts = (await connection.QueryAsync<(string District, int Sensors, int Valid, bool IsValid)>(
            "SELECT district_id, sensors, pm25_sensors, pm25_valid FROM district_daily WHERE day = @day ORDER BY 1", new { day })).ToList();
        Assert.Equal([("D1", 3, 1, false), ("D2", 2, 0, false), ("D3", 0, 0, false)], districts);
    }

    [Fact]
    public async Task A_reading_that_arrives_two_days_late_corrects_its_day_and_the_year_over_year_figure()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await SmallCity.CreateAsync(db);
        var days = new[] { new DateOnly(2025, 6, 1), new DateOnly(2026, 6, 1) };
        foreach (var day in days)
        {
            var midnight = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), Cst);
            var level = day.Year == 2025 ? 40.0 : 30.0;
            var readings = SmallCity.Sensors.SelectMany(s => Enumerable.Range(1, 24 * 3600 / s.IntervalS).Select(i => new SensorReading(s.Id, midnight.AddSeconds(s.IntervalS * i), level))).ToList();
            await StoreAsync(db, readings, day.Year);
        }

        var aggregator = AggregatorFor(db, excludeFlaggedHours: false);
        await aggregator.RunAsync(null, CancellationToken.None);
        await using var connection = await db.OpenConnectionAsync();
        var before = await connection.QuerySingleAsync<(double This, double Last, double Change, double Pct, bool Comparable)>(
            "SELECT mean_this, mean_last, change, change_pct, comparable FROM year_over_year('pm25', '2026-06-01', '2026-06-01') WHERE level = 'city'");
        Assert.Equal((30.0, 40.0, -10.0, -25.0, true), before);

        // Days later a reading for 12:00-12:30 on 1 June arrives from S3 (hourly, so its 13:00 reading now shares the hour), twice.
        var late = new SensorReading("S3", new DateTimeOffset(2026, 6, 1, 12, 30, 0, Cst), 2030);
        await StoreAsync(db, [late, late], 3);
        var rerun = await aggregator.RunAsync(null, CancellationToken.None);

        Assert.Equal(1, rerun.Days);
        var s3 = await connection.ExecuteScalarAsync<double>("SELECT pm25_ugm3 FROM sensor_daily WHERE sensor_id = 'S3' AND day = '2026-06-01'");
        Assert.Equal((23 * 30 + (30 + 2030) / 2.0) / 24, s3, 3);
        var after = await connection.QuerySingleAsync<double>("SELECT mean_this FROM year_over_year('pm25', '2026-06-01', '2026-06-01') WHERE level = 'city'");
        Assert.Equal((4 * 30 + s3) / 5, after, 3);
    }

    [Fact]
    public async Task Iaqi_and_exceedance_are_judged_on_the_reported_concentration_not_on_float_noise_of_the_mean()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await SmallCity.CreateAsync(db);
        // Each sensor reads A for the first 12 local hours and B for the last 12. The float32 readings' errors do not
        // cancel, so the double daily mean is off the decimal mean (A + B) / 2 by about 2 parts in 10^8.
        var days = new (DateOnly Day, double A, double B, double? CoA, double? CoB)[]
        {
            (new(2025, 6, 2), 61.7, 88.3, 2.13, 2.27), // 75.0 (double 75.0000019): at the 2012 limit, IAQI 100; CO 2.2 (2.20000005), IAQI 55
            (new(2025, 6, 3), 60.8, 90.2, null, null), // 75.5 (75.4999981): reported 76 (GB/T 8170: a half to even), above the limit, IAQI 102
            (new(2026, 6, 2), 53.7, 66.3, null, null), // 60.0 (60.0000019): at the 2026 limit, IAQI 100
            (new(2026, 6, 3), 54.2, 66.8, null, null), // 60.5 (60.5000019): reported 60, the even neighbour, not above
        };
        var readings = new List<SensorReading>();
        foreach (var (day, a, b, coA, coB) in days)
        {
            var midnight = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), Cst);
            foreach (var (id, _, interval) in SmallCity.Sensors)
            {
                readings.AddRange(Enumerable.Range(1, 24 * 3600 / interval).Select(i =>
                {
                    var morning = (i * interval - 1) / 3600 < 12;
                    return new SensorReading(id, midnight.AddSeconds(interval * i), morning ? a : b, Co: morning ? coA : coB);
                }));
            }
        }

        await StoreAsync(db, readings, 6);
        await AggregatorFor(db, excludeFlaggedHours: false).RunAsync(null, CancellationToken.None);

        await using var connection = await db.OpenConnectionAsync();
        var noisy = await connection.ExecuteScalarAsync<double>("SELECT avg(pm25_mean) FROM (SELECT sum(pm25_sum) / sum(pm25_readings) AS pm25_mean FROM sensor_hourly WHERE sensor_id = 'S1' AND hour_start >= '2025-06-01 16:00+00' AND hour_start < '2025-06-02 16:00+00' GROUP BY hour_start) h");
        Assert.True(noisy > 75, $"the double mean {noisy:R} should carry the float noise this test is about");
        foreach (var table in new[] { "sensor_daily", "district_daily", "city_daily" })
        {
            var rows = (await connection.QueryAsync<(DateTime Day, short? Iaqi, bool? Exceeds, short? Aqi, short? CoIaqi)>(
                $"SELECT day, pm25_iaqi, pm25_exceeds_limit, aqi, co_iaqi FROM {table} WHERE pm25_valid ORDER BY day")).Distinct().ToList();
            Assert.Equal(
                [(new DateTime(2025, 6, 2), (short?)100, (bool?)false, (short?)100, (short?)55), (new DateTime(2025, 6, 3), 102, true, 102, null),
                 (new DateTime(2026, 6, 2), 100, false, 100, null), (new DateTime(2026, 6, 3), 100, false, 100, null)],
                rows);
        }

        // PostgreSQL alone, from the raw readings, judges the same.
        foreach (var (first, last) in new[] { (new DateOnly(2025, 6, 2), new DateOnly(2025, 6, 3)), (new DateOnly(2026, 6, 2), new DateOnly(2026, 6, 3)) })
        {
            await SqlReference.RunAsync(connection, TimeZone, first, last, QualityBits.None, CancellationToken.None);
            foreach (var level in Enum.GetValues<AreaLevel>())
            {
                var table = DailyStore.Table(level);
                string[] key = level switch { AreaLevel.Sensor => ["sensor_id", "day"], AreaLevel.District => ["district_id", "day"], _ => ["day"] };
                var columns = (await ColumnsAsync(connection, table)).Except(key).Except(["computed_at"]);
                Assert.Empty(await MismatchesAsync(connection, table, "ref_" + table, key, columns, $"day BETWEEN '{first:yyyy-MM-dd}' AND '{last:yyyy-MM-dd}'"));
            }
        }

        // The year-over-year line counts the days the rule counts: none this year, one last year.
        var city = (await YearOverYear.QueryAsync(db, Pollutant.Pm25, new(2026, 6, 2), new(2026, 6, 3), CancellationToken.None)).Single(y => y.Level == "city");
        Assert.Equal((0, 1), (city.ExceedanceDaysThis, city.ExceedanceDaysLast));
        Assert.EndsWith("Days above the 24-hour limit: 0, against 1 last year.", city.Describe());
    }

    [Fact]
    public async Task Too_few_valid_days_on_either_side_is_not_comparable()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await SmallCity.CreateAsync(db);
        var midnight = new DateTimeOffset(2026, 6, 1, 0, 0, 0, Cst);
        await StoreAsync(db, SmallCity.Sensors.SelectMany(s => Enumerable.Range(1, 24 * 3600 / s.IntervalS).Select(i => new SensorReading(s.Id, midnight.AddSeconds(s.IntervalS * i), 30))).ToList(), 1);
        await AggregatorFor(db, excludeFlaggedHours: false).RunAsync(null, CancellationToken.None);

        await using var connection = await db.OpenConnectionAsync();
        var city = await connection.QuerySingleAsync<(int Valid, int ValidLast, double? Change, bool Comparable)>(
            "SELECT valid_days_this, valid_days_last, change, comparable FROM year_over_year('pm25', '2026-06-01', '2026-06-01') WHERE level = 'city'");
        Assert.Equal((1, 0, (double?)null, false), city);
    }

    static async Task<List<string>> ColumnsAsync(NpgsqlConnection connection, string table) =>
        [.. await connection.QueryAsync<string>("SELECT column_name FROM information_schema.columns WHERE table_name = @table AND table_schema = 'public' ORDER BY ordinal_position", new { table })];

    /// <summary>
    /// Rows where the two tables differ: a key on one side only, or a column unequal (reals to 1 part in 10^5); of
    /// <paramref name="actual"/> only the rows <paramref name="actualWhere"/> selects, when given.
    /// </summary>
    static async Task<List<string>> MismatchesAsync(NpgsqlConnection connection, string actual, string expected, string[] key, IEnumerable<string> columns, string actualWhere = "true")
    {
        var conditions = new List<string>();
        foreach (var c in columns)
        {
            var type = await connection.ExecuteScalarAsync<string>("SELECT data_type FROM information_schema.columns WHERE table_name = @actual AND column_name = @c", new { actual, c });
            conditions.Add(type is "real" or "double precision"
                ? $"NOT (a.{c} IS NULL AND e.{c} IS NULL OR abs(a.{c} - e.{c}) <= 1e-5 * greatest(1, abs(e.{c})))"
                : $"a.{c}::text IS DISTINCT FROM e.{c}::text");
        }

        var on = string.Join(" AND ", key.Select(k => $"a.{k} = e.{k}"));
        var sql = $"""
            SELECT concat_ws(' ', {string.Join(", ", key.Select(k => $"coalesce(a.{k}, e.{k})::text"))}, {string.Join(", ", conditions.Select((c, i) => $"CASE WHEN {c} THEN '{columns.ElementAt(i)}: ' || coalesce(a.{columns.ElementAt(i)}::text, 'null') || ' vs ' || coalesce(e.{columns.ElementAt(i)}::text, 'null') END"))})
            FROM (SELECT * FROM {actual} WHERE {actualWhere}) a FULL JOIN {expected} e ON {on}
            WHERE a.{key[0]} IS NULL OR e.{key[0]} IS NULL OR {string.Join(" OR ", conditions)}
            LIMIT 20
            """;
        return [.. await connection.QueryAsync<string>(sql)];
    }
}

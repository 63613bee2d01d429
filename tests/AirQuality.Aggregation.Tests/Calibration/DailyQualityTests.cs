using AirQuality.Aggregation.Calibration;
using AirQuality.Contracts;
using AirQuality.Storage;
using AirQuality.Tests.Support;
using Dapper;
using Npgsql;
using Xunit;

namespace AirQuality.Aggregation.Tests.Calibration;

/// <summary>
/// The daily figures of migration 0022 against the test's own computation from the hourly rows: which calibration
/// versions and how many corrected hours stand behind each sensor day, and which flagged hours the rules of
/// docs/calibration.md ("Flagged hours in the daily figures") leave out or count. A station and three micro sensors
/// within 2 km of each other and a fourth far off, three local days (Asia/Shanghai), stored through the real writer.
/// </summary>
public sealed class DailyQualityTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    const int Hours = 72;
    const QualityBits Excluded = QualityBits.OutOfRange | QualityBits.FlatLine | QualityBits.HumidityHigh;

    /// <summary>Local midnight of 2026-05-02 in Asia/Shanghai (UTC+8, no daylight saving).</summary>
    static readonly DateTime Start = new(2026, 5, 1, 16, 0, 0, DateTimeKind.Utc);

    static readonly string[] Sensors = ["S1", "M1", "M2", "M3", "M4"];

    static double Pm25(string sensor, int h) => (sensor, h) switch
    {
        ("M1", 10) => 1200,                      // out of range (and far from its neighbours): left out
        ("M2", >= 15 and <= 17) => 33,           // flat line: left out
        ("M2", 40) => Base(sensor, h) + 200,     // a jump and far from the neighbours: stays in, counted
        ("M3", 22) => 5,                         // far below its neighbours: stays in, counted
        ("M4", 22 or 23 or 24) => 50,            // three identical hours across local midnight: a flat line in both days
        _ => Base(sensor, h),
    };

    static double Base(string sensor, int h) => 40 + 8 * Math.Sin(h * 0.5 + Array.IndexOf(Sensors, sensor)) + 0.37 * Array.IndexOf(Sensors, sensor);

    static double? Rh(string sensor, int h) => (sensor, h) switch
    {
        ("S1", _) => null,
        ("M1", >= 5 and <= 7) => 97,             // humidity above 95%: left out (micro sensor)
        ("M2", _) when h % 6 == 0 => null,       // no humidity: not corrected
        _ => 60 + 10 * Math.Cos(h * 0.3),
    };

    /// <summary>Calibrations (valid_from hour, window_to hour): M1 re-fitted in the middle of day 1; M3 never; M4 from day 1.</summary>
    static readonly Dictionary<string, (int ValidFrom, int WindowTo, double Kappa)[]> Calibrations = new()
    {
        ["M1"] = [(0, 0, 0.1), (36, 36, 0.2)],
        ["M2"] = [(0, 0, 0.15)],
        ["M4"] = [(30, 30, 0.12)],
    };

    static async Task StoreAsync(NpgsqlDataSource db, Func<string, int, bool> include)
    {
        await using var connection = await db.OpenConnectionAsync();
        var readings = new List<SensorReading>();
        for (var h = 0; h < Hours; h++)
        {
            var end = new DateTimeOffset(Start.AddHours(h + 1));
            foreach (var sensor in Sensors.Where(s => include(s, h)))
            {
                for (var k = 0; k < (sensor == "S1" ? 1 : 12); k++)
                {
                    readings.Add(new SensorReading(sensor, end.AddMinutes(-5 * k), Pm25(sensor, h), Humidity: Rh(sensor, h)));
                }
            }
        }

        await new TimeSeriesWriter(new HourlyRollup()).WriteAsync(connection, readings, [], CancellationToken.None);
    }

    static async Task<NpgsqlDataSource> WorldAsync(PostgresFixture postgres, Func<string, int, bool> include)
    {
        var db = await postgres.NewDatabaseAsync();
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO districts VALUES ('D1', 'One', NULL, 29.6, 106.5), ('D2', 'Two', NULL, 29.8, 106.5);
            INSERT INTO townships VALUES ('T1', 'D1', 'One', NULL), ('T2', 'D2', 'Two', NULL);
            INSERT INTO sensors VALUES
                ('S1', 'station', 'D1', 'T1', 29.600, 106.5, 'national_station', 3600),
                ('M1', 'micro 1', 'D1', 'T1', 29.605, 106.5, 'micro_sensor', 300),
                ('M2', 'micro 2', 'D1', 'T1', 29.610, 106.5, 'micro_sensor', 300),
                ('M3', 'micro 3', 'D1', 'T1', 29.615, 106.5, 'micro_sensor', 300),
                ('M4', 'micro 4', 'D2', 'T2', 29.780, 106.5, 'micro_sensor', 300);
            """);
        foreach (var (sensor, versions) in Calibrations)
        {
            foreach (var ((validFrom, windowTo, kappa), version) in versions.Select((v, i) => (v, i + 1)))
            {
                await connection.ExecuteAsync("""
                    INSERT INTO sensor_calibrations (sensor_id, version, valid_from, method, scope, kappa, window_from, window_to, n_hours,
                                                     rmse_ugm3, cv_rmse_ugm3, cv_rmse_linear_ugm3, cv_rmse_hygroscopic_ugm3, raw_rmse_ugm3, stations, humidity_source)
                    VALUES (@sensor, @version, @validFrom, 'hygroscopic', 'sensor', @kappa, @windowFrom, @windowTo, 24, 1, 1, 1, 1, 2, '{S1}', 'sensor')
                    """, new { sensor, version, validFrom = Start.AddHours(validFrom), kappa, windowFrom = Start.AddHours(windowTo).AddDays(-28), windowTo = Start.AddHours(windowTo) });
            }
        }

        await StoreAsync(db, include);
        return db;
    }

    static Aggregator AggregatorFor(NpgsqlDataSource db, bool exclude = true) =>
        new(db, new AggregationOptions().Validate(), TimeProvider.System, new CalibrationOptions { ExcludeFlaggedHours = exclude }.Validate());

    sealed record Day(double? Pm25, int ValidHours, int CorrectedHours, int[] Versions, int ExcludedHours, int FlaggedHours);

    /// <summary>The rules applied by the test to the hourly rows and the flags of <c>sensor_hour_quality</c>.</summary>
    static async Task<Dictionary<(string Sensor, DateOnly Day), Day>> ExpectedAsync(NpgsqlConnection connection, QualityBits excluded)
    {
        var hours = await connection.QueryAsync<(string Sensor, DateTime Hour, double Raw, double? Corrected, int? Version, bool Valid, int? Flags)>("""
            SELECT m.sensor_id, m.hour_start, m.pm25_ugm3::float8, m.pm25_corrected_ugm3::float8, m.calibration_version, m.pm25_valid, q.flags
            FROM sensor_hourly_means m LEFT JOIN sensor_hour_quality q USING (sensor_id, hour_start)
            WHERE m.pm25_readings > 0
            """);
        return hours
            .Where(h => h.Valid)
            .GroupBy(h => (h.Sensor, DateOnly.FromDateTime(h.Hour.ToUniversalTime().AddHours(8))))
            .ToDictionary(g => g.Key, g =>
            {
                var kept = g.Where(h => ((QualityBits)(h.Flags ?? 0) & excluded) == 0).ToList();
                return new Day(
                    kept.Count > 0 ? kept.Average(h => h.Corrected ?? h.Raw) : null,
                    kept.Count,
                    kept.Count(h => h.Corrected is not null),
                    [.. kept.Where(h => h.Corrected is not null).Select(h => h.Version!.Value).Distinct().Order()],
                    g.Count() - kept.Count,
                    kept.Count(h => (h.Flags ?? 0) != 0));
            });
    }

    static async Task<Dictionary<(string Sensor, DateOnly Day), Day>> ActualAsync(NpgsqlConnection connection) =>
        (await connection.QueryAsync<(string Sensor, DateTime Day, double? Pm25, int ValidHours, int CorrectedHours, int[] Versions, int ExcludedHours, int FlaggedHours)>("""
            SELECT sensor_id, day, pm25_ugm3::float8, pm25_valid_hours, pm25_corrected_hours, calibration_versions, pm25_excluded_hours, pm25_flagged_hours
            FROM sensor_daily
            """)).ToDictionary(r => (r.Sensor, DateOnly.FromDateTime(r.Day)), r => new Day(r.Pm25, r.ValidHours, r.CorrectedHours, r.Versions, r.ExcludedHours, r.FlaggedHours));

    static void AssertDaysEqual(Dictionary<(string Sensor, DateOnly Day), Day> expected, Dictionary<(string Sensor, DateOnly Day), Day> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, e) in expected)
        {
            var a = actual[key];
            Assert.True(e.ValidHours == a.ValidHours && e.CorrectedHours == a.CorrectedHours && e.Versions.SequenceEqual(a.Versions)
                        && e.ExcludedHours == a.ExcludedHours && e.FlaggedHours == a.FlaggedHours,
                $"{key}: expected {e} [{string.Join(',', e.Versions)}], sensor_daily has {a} [{string.Join(',', a.Versions)}]");
            Assert.Equal(e.Pm25!.Value, a.Pm25!.Value, 1e-3 * Math.Max(1, e.Pm25.Value));
        }
    }

    [Fact]
    public async Task Sensor_days_record_their_calibration_versions_and_corrected_hours_and_leave_out_the_excluding_flags_only()
    {
        await using var db = await WorldAsync(postgres, (_, _) => true);
        await AggregatorFor(db).RunAsync(null, CancellationToken.None);

        await using var connection = await db.OpenConnectionAsync();
        var expected = await ExpectedAsync(connection, Excluded);
        AssertDaysEqual(expected, await ActualAsync(connection));

        // The cases the world was built for, so that a rule missing from the aggregation fails above.
        var day0 = DateOnly.FromDateTime(Start.AddHours(8));
        var (day1, day2) = (day0.AddDays(1), day0.AddDays(2));
        Assert.Equal("1,2", string.Join(',', expected[("M1", day1)].Versions));                  // re-fitted in the middle of the day
        Assert.Equal(4, expected[("M1", day0)].ExcludedHours);                  // three humid hours and one out of range
        Assert.Equal(3, expected[("M2", day0)].ExcludedHours);                  // the flat line
        Assert.Equal((2, 1), (expected[("M4", day0)].ExcludedHours, expected[("M4", day1)].ExcludedHours)); // a flat line across midnight
        Assert.True(expected[("M2", day0)].CorrectedHours is > 0 and < 21);      // every sixth hour without humidity
        Assert.Equal(0, expected[("S1", day0)].CorrectedHours);
        Assert.Empty(expected[("M3", day1)].Versions);                          // never calibrated: raw, flagged expired
        Assert.Equal(expected[("M3", day1)].ValidHours, expected[("M3", day1)].FlaggedHours);
        Assert.Equal("1", string.Join(',', expected[("M4", day2)].Versions));
        Assert.True(expected[("M4", day1)].CorrectedHours is > 0 and < 24);     // calibrated from hour 30

        // Areas: corrected and flagged hours of the valid sensor days behind the mean, excluded hours of every sensor day.
        var sensorDays = await connection.QueryAsync<(string District, DateTime Day, bool Valid, int Corrected, int Excluded, int Flagged)>(
            "SELECT district_id, day, pm25_valid, pm25_corrected_hours, pm25_excluded_hours, pm25_flagged_hours FROM sensor_daily");
        var districts = await connection.QueryAsync<(string District, DateTime Day, int Corrected, int Excluded, int Flagged)>(
            "SELECT district_id, day, pm25_corrected_hours, pm25_excluded_hours, pm25_flagged_hours FROM district_daily");
        foreach (var d in districts)
        {
            var of = sensorDays.Where(s => s.District == d.District && s.Day == d.Day).ToList();
            Assert.Equal((of.Where(s => s.Valid).Sum(s => s.Corrected), of.Sum(s => s.Excluded), of.Where(s => s.Valid).Sum(s => s.Flagged)), (d.Corrected, d.Excluded, d.Flagged));
        }

        var city = await connection.QuerySingleAsync<(int Corrected, int Excluded)>("SELECT pm25_corrected_hours, pm25_excluded_hours FROM city_daily WHERE day = @day0", new { day0 = day0.ToDateTime(TimeOnly.MinValue) });
        Assert.Equal((sensorDays.Where(s => DateOnly.FromDateTime(s.Day) == day0 && s.Valid).Sum(s => s.Corrected), 4 + 3 + 2), city);

        // With the exclusion off, every valid hour is in the mean and none is counted as left out.
        await AggregatorFor(db, exclude: false).MarkDaysAsync(day0, day2, CancellationToken.None);
        await AggregatorFor(db, exclude: false).RunAsync(null, CancellationToken.None);
        var all = await ExpectedAsync(connection, QualityBits.None);
        Assert.All(all.Values, d => Assert.Equal(0, d.ExcludedHours));
        AssertDaysEqual(all, await ActualAsync(connection));
        Assert.NotEqual(expected[("M1", day0)].Pm25, all[("M1", day0)].Pm25);
    }

    [Fact]
    public async Task A_late_hour_that_makes_a_flat_line_of_the_previous_day_recomputes_that_day()
    {
        // M4's first hour of day 1 arrives late: until it does, hours 22 and 23 of day 0 are only two identical hours.
        await using var db = await WorldAsync(postgres, (sensor, h) => !(sensor == "M4" && h == 24));
        await AggregatorFor(db).RunAsync(null, CancellationToken.None);
        await using var connection = await db.OpenConnectionAsync();
        var day0 = DateOnly.FromDateTime(Start.AddHours(8));
        var before = (await ActualAsync(connection))[("M4", day0)];
        Assert.Equal(0, before.ExcludedHours);

        // The late hour belongs to day 1; the flat line it closes (22, 23, 24 identical) reaches back into day 0.
        await using (var writer = await db.OpenConnectionAsync())
        {
            var end = new DateTimeOffset(Start.AddHours(25));
            await new TimeSeriesWriter(new HourlyRollup()).WriteAsync(writer,
                [.. Enumerable.Range(0, 12).Select(k => new SensorReading("M4", end.AddMinutes(-5 * k), 50, Humidity: Rh("M4", 24)))], [], CancellationToken.None);
        }

        await AggregatorFor(db).RunAsync(null, CancellationToken.None);
        var after = (await ActualAsync(connection))[("M4", day0)];
        var expected = (await ExpectedAsync(connection, Excluded))[("M4", day0)];
        Assert.Equal(2, expected.ExcludedHours);                                // hours 22 and 23
        Assert.Equal(expected.ExcludedHours, after.ExcludedHours);
        Assert.Equal(expected.Pm25!.Value, after.Pm25!.Value, 1e-3 * expected.Pm25.Value);
        Assert.Equal(before.ValidHours - 2, after.ValidHours);
    }
}

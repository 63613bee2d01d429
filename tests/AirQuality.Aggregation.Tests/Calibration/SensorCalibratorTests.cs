using AirQuality.Aggregation.Calibration;
using AirQuality.Contracts;
using AirQuality.Storage;
using AirQuality.Tests.Support;
using Dapper;
using Npgsql;
using Xunit;

namespace AirQuality.Aggregation.Tests.Calibration;

/// <summary>
/// A station and four micro sensors with known errors, stored through the real writer: M1 (0.5 km) grows with humidity
/// (κ = 0.08), M2 (0.8 km) is off linearly, M3 (about 20 km away) has no station near, M4 (1 km) grows like M1 but
/// sends no humidity in every seventh hour.
/// </summary>
public sealed class SensorCalibratorTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    const double Kappa = 0.08;
    const double LinearA = 0.8, LinearB = -0.15, LinearC = 3;
    static readonly DateTime Start = new(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc);

    static double Truth(long h) => 30 + 18 * Math.Sin(h * 0.37) + 9 * Math.Cos(h * 0.09) + (h % 24 < 6 ? 15 : 0);

    static double Rh(long h) => 68 + 25 * Math.Cos(h * Math.PI / 12 + 0.4 * Math.Sin(h * 0.05));

    static double Raw(string sensor, long h, double kappa = Kappa) => sensor switch
    {
        "M2" => (Truth(h) - LinearB * Rh(h) - LinearC) / LinearA,
        _ => Truth(h) * (1 + kappa * CalibrationModel.Growth(Rh(h))),
    };

    static bool HasHumidity(string sensor, long h) => sensor != "M4" || h % 7 != 0;

    static async Task CreateCityAsync(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        // 0.01° of latitude is 1.11 km; these tests set Calibration:MaxDistanceKm and OwnModelMaxDistanceKm to 2.
        await connection.ExecuteAsync("""
            INSERT INTO districts VALUES ('D1', 'One', NULL, 29.6, 106.5);
            INSERT INTO townships VALUES ('T1', 'D1', 'One', NULL);
            INSERT INTO sensors VALUES
                ('S1', 'station', 'D1', 'T1', 29.600, 106.5, 'national_station', 3600),
                ('M1', 'micro 1', 'D1', 'T1', 29.6045, 106.5, 'micro_sensor', 300),
                ('M2', 'micro 2', 'D1', 'T1', 29.6072, 106.5, 'micro_sensor', 300),
                ('M3', 'micro 3', 'D1', 'T1', 29.780, 106.5, 'micro_sensor', 300),
                ('M4', 'micro 4', 'D1', 'T1', 29.609, 106.5, 'micro_sensor', 300);
            """);
    }

    /// <summary>Hours [<paramref name="from"/>, <paramref name="to"/>) of every sensor, stored as the ingest worker stores them; M1 with <paramref name="m1Kappa"/>.</summary>
    static async Task StoreAsync(NpgsqlDataSource db, DateTime from, DateTime to, double m1Kappa = Kappa)
    {
        var readings = new List<SensorReading>();
        for (var h = Hour(from); h < Hour(to); h++)
        {
            var end = new DateTimeOffset(Start.AddHours(h + 1));
            readings.Add(new SensorReading("S1", end, Truth(h)));
            foreach (var m in new[] { "M1", "M2", "M3", "M4" })
            {
                for (var k = 0; k < 12; k++)
                {
                    readings.Add(new SensorReading(m, end.AddMinutes(-5 * k), Raw(m, h, m == "M1" ? m1Kappa : Kappa), Humidity: HasHumidity(m, h) ? Rh(h) : null));
                }
            }
        }

        var writer = new TimeSeriesWriter(new HourlyRollup());
        await using var connection = await db.OpenConnectionAsync();
        foreach (var batch in readings.Chunk(5000))
        {
            await writer.WriteAsync(connection, batch, [], CancellationToken.None);
        }
    }

    static long Hour(DateTime at) => (long)(at - Start).TotalHours;

    static SensorCalibrator CalibratorFor(NpgsqlDataSource db) => new(db, new CalibrationOptions { MaxDistanceKm = 2, OwnModelMaxDistanceKm = 2 }.Validate(), TimeProvider.System);

    static Aggregator AggregatorFor(NpgsqlDataSource db, Pm25Flow flow = Pm25Flow.Corrected) =>
        new(db, new AggregationOptions().Validate(), TimeProvider.System, new CalibrationOptions { Pm25 = flow }.Validate());

    [Fact]
    public async Task Only_a_sensor_within_OwnModelMaxDistanceKm_of_a_station_gets_a_model_of_its_own_and_the_others_the_network_model_of_every_pair()
    {
        // M1 is 0.5 km from S1; M2 (0.8 km) and M4 (1 km) are paired with it too (within MaxDistanceKm) but take the
        // network-wide model, which is fitted on all three sensors' pairs; M3 has no station near.
        await using var db = await postgres.NewDatabaseAsync();
        await CreateCityAsync(db);
        var end = Start.AddDays(5);
        await StoreAsync(db, Start, end);

        var calibrator = new SensorCalibrator(db, new CalibrationOptions { MaxDistanceKm = 2, OwnModelMaxDistanceKm = 0.6 }.Validate(), TimeProvider.System);
        var run = await calibrator.RefitAsync(end, CancellationToken.None);

        Assert.Equal((1, 3, 0), (run.OwnFits, run.NetworkFits, run.Uncalibrated));
        Assert.Equal(120 + 120 + 120 - 18, run.Network!.Hours);
        await using var connection = await db.OpenConnectionAsync();
        var scopes = (await connection.QueryAsync<(string Sensor, string Scope)>("SELECT sensor_id, scope FROM sensor_calibrations ORDER BY sensor_id")).ToList();
        Assert.Equal([("M1", "sensor"), ("M2", "network"), ("M3", "network"), ("M4", "network")], scopes);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CalibrationOptions { MaxDistanceKm = 0.5, OwnModelMaxDistanceKm = 1 }.Validate());
    }

    [Fact]
    public async Task Each_micro_sensor_gets_the_model_that_made_its_error_versioned_with_its_stations_and_statistics()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await CreateCityAsync(db);
        var end = Start.AddDays(5);
        await StoreAsync(db, Start, end);

        var run = await CalibratorFor(db).RefitAsync(end, CancellationToken.None);

        Assert.Equal((3, 1, 0), (run.OwnFits, run.NetworkFits, run.Uncalibrated));
        await using var connection = await db.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(string Sensor, int Version, DateTime ValidFrom, string Method, string Scope, double? A, double? B, double? C, double? Kappa, int Hours, double Rmse, double CvRmse, double RawRmse, string[] Stations)>(
            "SELECT sensor_id, version, valid_from, method, scope, a, b, c, kappa, n_hours, rmse_ugm3, cv_rmse_ugm3, raw_rmse_ugm3, stations FROM sensor_calibrations ORDER BY sensor_id")).ToDictionary(r => r.Sensor);
        Assert.Equal(["M1", "M2", "M3", "M4"], rows.Keys);
        Assert.All(rows.Values, r => Assert.Equal((1, end.AddDays(-28)), (r.Version, r.ValidFrom)));

        Assert.Equal(("hygroscopic", "sensor"), (rows["M1"].Method, rows["M1"].Scope));
        Assert.Equal(["S1"], rows["M1"].Stations);
        Assert.Equal(Kappa, rows["M1"].Kappa!.Value, 1e-4);
        Assert.Equal(120, rows["M1"].Hours);
        Assert.True(rows["M1"].Rmse < 0.01 && rows["M1"].RawRmse > 3, $"M1 RMSE {rows["M1"].Rmse}, raw {rows["M1"].RawRmse}");

        Assert.Equal(("linear_rh", "sensor"), (rows["M2"].Method, rows["M2"].Scope));
        Assert.Equal((LinearA, LinearB, LinearC), (Math.Round(rows["M2"].A!.Value, 3), Math.Round(rows["M2"].B!.Value, 3), Math.Round(rows["M2"].C!.Value, 2)));

        // No station within 2 km: the model of every paired hour of the city, and the row says so.
        Assert.Equal("network", rows["M3"].Scope);
        Assert.Equal(["S1"], rows["M3"].Stations);
        Assert.Equal(run.Network!.Model.Method.Code(), rows["M3"].Method);
        Assert.Equal(run.Network.Hours, rows["M3"].Hours);
        Assert.Equal(120 + 120 + 120 - 18, run.Network.Hours);

        // Missing humidity: those hours are neither fitted nor corrected (never a default RH).
        Assert.Equal(120 - 18, rows["M4"].Hours);
        Assert.Equal(Kappa, rows["M4"].Kappa!.Value, 1e-4);
    }

    [Fact]
    public async Task Corrected_hourly_means_sit_beside_the_raw_ones_and_the_setting_chooses_which_the_daily_figures_take()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await CreateCityAsync(db);
        var end = Start.AddDays(5);
        await StoreAsync(db, Start, end);
        await CalibratorFor(db).RefitAsync(end, CancellationToken.None);
        await AggregatorFor(db).RunAsync(null, CancellationToken.None);

        await using var connection = await db.OpenConnectionAsync();
        var hours = (await connection.QueryAsync<(string Sensor, DateTime Hour, float Raw, float? Corrected, float? Rh, int? Version)>(
            "SELECT sensor_id, hour_start, pm25_ugm3, pm25_corrected_ugm3, rh_pct, calibration_version FROM sensor_hourly_means WHERE sensor_id LIKE 'M%'")).ToList();
        Assert.Equal(4 * 120, hours.Count);
        foreach (var r in hours)
        {
            var h = Hour(r.Hour);
            Assert.Equal(Raw(r.Sensor, h), r.Raw, 1e-3 * r.Raw);
            if (HasHumidity(r.Sensor, h))
            {
                Assert.Equal(1, r.Version);
                Assert.Equal(Rh(h), r.Rh!.Value, 1e-3);
                if (r.Sensor != "M3")
                {
                    Assert.Equal(Truth(h), r.Corrected!.Value, 0.01);
                }
            }
            else
            {
                Assert.Null(r.Rh);
                Assert.Null(r.Corrected);
            }
        }

        Assert.Null(await connection.ExecuteScalarAsync<float?>("SELECT max(pm25_corrected_ugm3) FROM sensor_hourly_means WHERE sensor_id = 'S1'"));

        // Daily figures: M1's corrected hours average to the truth; M4's hours without humidity flow raw.
        var zone = new AggregationOptions().Zone;
        double DailyMean(string sensor, DateOnly day, bool corrected) => Enumerable.Range(0, 120)
            .Where(h => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(Start.AddHours(h), zone)) == day)
            .Average(h => corrected && HasHumidity(sensor, h) ? Truth(h) : Raw(sensor, h));
        var day2 = new DateOnly(2026, 5, 2);
        var daily = (await connection.QueryAsync<(string Sensor, float Pm25)>("SELECT sensor_id, pm25_ugm3 FROM sensor_daily WHERE day = @day2 AND pm25_valid", new { day2 })).ToDictionary(r => r.Sensor, r => r.Pm25);
        Assert.Equal(DailyMean("M1", day2, true), daily["M1"], 0.01);
        Assert.Equal(DailyMean("M4", day2, true), daily["M4"], 0.01);
        // The station reads the truth and is never corrected.
        Assert.Equal(Enumerable.Range(0, 120).Where(h => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(Start.AddHours(h), zone)) == day2).Average(h => Truth(h)), daily["S1"], 0.01);

        await AggregatorFor(db, Pm25Flow.Raw).MarkDaysAsync(day2, day2, CancellationToken.None);
        await AggregatorFor(db, Pm25Flow.Raw).RunAsync(null, CancellationToken.None);
        var raw = await connection.ExecuteScalarAsync<float>("SELECT pm25_ugm3 FROM sensor_daily WHERE day = @day2 AND sensor_id = 'M1'", new { day2 });
        Assert.Equal(DailyMean("M1", day2, false), raw, 0.01);
    }

    [Fact]
    public async Task A_refit_marks_only_the_hours_whose_corrected_value_changed_and_earlier_hours_keep_their_version()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await CreateCityAsync(db);
        var first = Start.AddDays(4);
        await StoreAsync(db, Start, first);
        await CalibratorFor(db).RefitAsync(first, CancellationToken.None);
        await AggregatorFor(db).RunAsync(null, CancellationToken.None);
        // A day later, M1 has drifted: it grows more with humidity.
        var second = first.AddDays(1);
        await StoreAsync(db, first, second, m1Kappa: 0.12);
        await AggregatorFor(db).RunAsync(null, CancellationToken.None);
        await using var connection = await db.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM aggregation_dirty_hours"));
        var before = (await connection.QueryAsync<(string, DateOnly, float)>("SELECT sensor_id, day, pm25_ugm3 FROM sensor_daily ORDER BY 1, 2")).ToList();

        var run = await CalibratorFor(db).RefitAsync(second, CancellationToken.None);

        var marked = (await connection.QueryAsync<DateTime>("SELECT hour_start FROM aggregation_dirty_hours ORDER BY 1")).ToList();
        Assert.Equal(marked.Count, run.HoursMarked);
        // M1's new version moves its hours of the new day; nothing before the previous fit's end is touched.
        Assert.InRange(marked.Count, 12, 24);
        Assert.All(marked, h => Assert.InRange(h, first, second.AddHours(-1)));
        var versions = (await connection.QueryAsync<(int Version, DateTime ValidFrom, double Kappa)>(
            "SELECT version, valid_from, kappa FROM sensor_calibrations WHERE sensor_id = 'M1' ORDER BY version")).ToList();
        Assert.Equal([1, 2], versions.Select(v => v.Version));
        Assert.Equal(first, versions[1].ValidFrom);
        Assert.True(versions[1].Kappa > versions[0].Kappa + 0.003, $"κ {versions[0].Kappa} -> {versions[1].Kappa}");
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM sensor_hourly_calibrated WHERE hour_start < @first AND calibration_version <> 1", new { first }));
        Assert.Equal(24, await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM sensor_hourly_calibrated WHERE sensor_id = 'M1' AND hour_start >= @first AND calibration_version = 2", new { first }));

        await AggregatorFor(db).RunAsync(null, CancellationToken.None);
        var after = (await connection.QueryAsync<(string Sensor, DateOnly Day, float Pm25)>("SELECT sensor_id, day, pm25_ugm3 FROM sensor_daily ORDER BY 1, 2")).ToList();
        var zone = new AggregationOptions().Zone;
        var firstTouched = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(first, zone));
        Assert.Equal(before.Where(r => r.Item2 < firstTouched), after.Where(r => r.Day < firstTouched).Select(r => (r.Sensor, r.Day, r.Pm25)));
        Assert.NotEqual(before.Single(r => r.Item1 == "M1" && r.Item2 == firstTouched.AddDays(1)).Item3,
            after.Single(r => r.Sensor == "M1" && r.Day == firstTouched.AddDays(1)).Pm25);
    }

    [Fact]
    public async Task The_performance_view_compares_raw_and_corrected_24_hour_means_with_the_epa_targets()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await CreateCityAsync(db);
        var end = Start.AddDays(8);
        await StoreAsync(db, Start, end);
        await CalibratorFor(db).RefitAsync(end, CancellationToken.None);
        await AggregatorFor(db).RunAsync(null, CancellationToken.None);

        await using var connection = await db.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(string Sensor, int Days, double RawRmse, bool? RawMeets, int CorrectedDays, double? CorrectedRmse, double? CorrectedSlope, bool? CorrectedMeets)>(
            "SELECT sensor_id, days, raw_rmse_ugm3, raw_meets_targets, corrected_days, corrected_rmse_ugm3, corrected_slope, corrected_meets_targets FROM sensor_calibration_performance")).ToDictionary(r => r.Sensor);
        // M3 has only the network model, so no station of its own to be judged against.
        Assert.Equal(["M1", "M2", "M4"], rows.Keys.Order());

        // Independently: local days (UTC+8) with 18+ valid hours, the 24-hour means of sensor and station.
        var zone = new AggregationOptions().Zone;
        var days = Enumerable.Range(0, 8 * 24).GroupBy(h => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(Start.AddHours(h), zone)))
            .Where(g => g.Count() >= 18).ToList();
        var rawRmse = Math.Sqrt(days.Average(g => Math.Pow(g.Average(h => Raw("M1", h)) - g.Average(h => Truth(h)), 2)));
        Assert.Equal(days.Count, rows["M1"].Days);
        Assert.Equal(rawRmse, rows["M1"].RawRmse, 0.01);
        Assert.Equal(days.Count, rows["M1"].CorrectedDays);
        Assert.True(rows["M1"].CorrectedRmse < 0.05);
        Assert.Equal(1, rows["M1"].CorrectedSlope!.Value, 0.01);
        Assert.True(rows["M1"].CorrectedMeets);
        Assert.True(rows["M2"].CorrectedMeets);
        // M4 has no corrected value in every seventh hour, which leaves 20 or more corrected hours a day.
        Assert.Equal(days.Count, rows["M4"].CorrectedDays);
        Assert.True(rows["M4"].CorrectedMeets);
    }
}

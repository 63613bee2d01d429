using AirQuality.Contracts;
using AirQuality.Storage;
using AirQuality.Tests.Support;
using Dapper;
using Npgsql;
using Xunit;

namespace AirQuality.Aggregation.Tests.Calibration;

/// <summary>
/// The view <c>sensor_hour_quality</c> of migration 0021 against the rules of docs/calibration.md ("Quality flags"),
/// recomputed here from the test's own hours: a station and three micro sensors within 2 km of each other, and a fourth
/// micro sensor about 20 km away, stored through the real writer, with hours built to trip each flag and hours just short
/// of it.
/// </summary>
public sealed class SensorHourQualityTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    const int Hours = 48;
    static readonly DateTime Start = new(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc);
    static readonly string[] Sensors = ["S1", "M1", "M2", "M3", "M4"];

    /// <summary>Sensors within 2 km of each other (0.01° of latitude is 1.11 km); M4 is alone.</summary>
    static readonly Dictionary<string, string[]> Neighbours = new()
    {
        ["S1"] = ["M1", "M2", "M3"],
        ["M1"] = ["S1", "M2", "M3"],
        ["M2"] = ["S1", "M1", "M3"],
        ["M3"] = ["S1", "M1", "M2"],
        ["M4"] = [],
    };

    /// <summary>The calibration in force from each hour: (valid_from, window_to); M3 has none.</summary>
    static readonly Dictionary<string, (DateTime ValidFrom, DateTime WindowTo)[]> Calibrations = new()
    {
        // Window ended 6 days before Start: in force and fresh up to Start + 1 day, expired after (7 days).
        ["M1"] = [(Start, Start.AddDays(-6))],
        ["M2"] = [(Start, Start.AddDays(-6))],
        // None in force before hour 12, then fresh.
        ["M4"] = [(Start.AddHours(12), Start.AddHours(12))],
    };

    static double Pm25(string sensor, int h) => (sensor, h) switch
    {
        ("M1", 10) => 1200,                      // out of range, a jump both ways, far above its neighbours
        ("M1", 20) => 1000,                      // the upper bound itself: in range
        ("M2", >= 15 and <= 17) => 33,           // three identical hours: flat line
        ("M2", 30 or 31) => 34,                  // two: not
        ("M2", 40) => Base(sensor, h) + 200,     // a jump of 200 from a valid hour
        ("M4", 40) => Base(sensor, h) + 140,     // a jump of 140: under 150
        ("M3", 22) => 5,                         // far below its neighbours (3 × 5 < their median, 35 µg/m³ off)
        ("M3", 31) => Base(sensor, h) + 200,     // a jump of 200, but from an invalid hour
        _ => Base(sensor, h),
    };

    static double Base(string sensor, int h) => 40 + 8 * Math.Sin(h * 0.5 + Array.IndexOf(Sensors, sensor)) + 0.37 * Array.IndexOf(Sensors, sensor);

    static double? Rh(string sensor, int h) => (sensor, h) switch
    {
        ("S1", _) => null,                       // stations: no humidity in sensor_hourly_means
        ("M1", >= 5 and <= 7) => 97,
        ("M3", 8) => 95,                         // 95% itself is not above 95%
        _ => 60 + 10 * Math.Cos(h * 0.3),
    };

    /// <summary>Readings in the hour: a station one, a micro sensor 12 (every 5 minutes), M3's hour 30 only 3 (15 minutes: invalid).</summary>
    static int Readings(string sensor, int h) => sensor == "S1" ? 1 : sensor == "M3" && h == 30 ? 3 : 12;

    static bool Valid(string sensor, int h) => Readings(sensor, h) * (sensor == "S1" ? 3600 : 300) >= 2700;

    static async Task StoreAsync(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO districts VALUES ('D1', 'One', NULL, 29.6, 106.5);
            INSERT INTO townships VALUES ('T1', 'D1', 'One', NULL);
            INSERT INTO sensors VALUES
                ('S1', 'station', 'D1', 'T1', 29.600, 106.5, 'national_station', 3600),
                ('M1', 'micro 1', 'D1', 'T1', 29.605, 106.5, 'micro_sensor', 300),
                ('M2', 'micro 2', 'D1', 'T1', 29.610, 106.5, 'micro_sensor', 300),
                ('M3', 'micro 3', 'D1', 'T1', 29.615, 106.5, 'micro_sensor', 300),
                ('M4', 'micro 4', 'D1', 'T1', 29.780, 106.5, 'micro_sensor', 300);
            """);
        var readings = new List<SensorReading>();
        for (var h = 0; h < Hours; h++)
        {
            var end = new DateTimeOffset(Start.AddHours(h + 1));
            foreach (var sensor in Sensors)
            {
                for (var k = 0; k < Readings(sensor, h); k++)
                {
                    readings.Add(new SensorReading(sensor, end.AddMinutes(-5 * k), Pm25(sensor, h), Humidity: Rh(sensor, h)));
                }
            }
        }

        await new TimeSeriesWriter(new HourlyRollup()).WriteAsync(connection, readings, [], CancellationToken.None);
        await HourlyStore.FoldAsync(connection, CancellationToken.None);
        foreach (var (sensor, versions) in Calibrations)
        {
            foreach (var ((validFrom, windowTo), version) in versions.Select((v, i) => (v, i + 1)))
            {
                await connection.ExecuteAsync("""
                    INSERT INTO sensor_calibrations (sensor_id, version, valid_from, method, scope, kappa, window_from, window_to, n_hours,
                                                     rmse_ugm3, cv_rmse_ugm3, cv_rmse_linear_ugm3, cv_rmse_hygroscopic_ugm3, raw_rmse_ugm3, stations, humidity_source)
                    VALUES (@sensor, @version, @validFrom, 'hygroscopic', 'sensor', 0.1, @windowFrom, @windowTo, 24, 1, 1, 1, 1, 2, '{S1}', 'sensor')
                    """, new { sensor, version, validFrom, windowFrom = windowTo.AddDays(-28), windowTo });
            }
        }

        // The micro sensors' hourly humidity, as the aggregation keeps it.
        await connection.ExecuteAsync("SELECT apply_sensor_calibrations(@from, @to)", new { from = Start, to = Start.AddHours(Hours) });
    }

    sealed record Flags(bool OutOfRange, bool RateOfChange, bool FlatLine, bool HumidityHigh, bool CalibrationExpired, bool NeighbourDisagreement)
    {
        public int Bits => (OutOfRange ? 1 : 0) | (RateOfChange ? 2 : 0) | (FlatLine ? 4 : 0) | (HumidityHigh ? 8 : 0)
                           | (CalibrationExpired ? 16 : 0) | (NeighbourDisagreement ? 32 : 0);
    }

    /// <summary>The documented rules, applied to the hours as built.</summary>
    static Flags Expected(string sensor, int h)
    {
        var v = Pm25(sensor, h);
        var micro = sensor != "S1";
        var flat = Enumerable.Range(h - 2, 3).Any(first => first >= 0 && first + 2 < Hours
                                                           && Enumerable.Range(first, 3).All(x => Pm25(sensor, x) == v));
        var hour = Start.AddHours(h);
        var inForce = Calibrations.TryGetValue(sensor, out var versions)
            ? versions.Where(c => c.ValidFrom <= hour).OrderByDescending(c => c.ValidFrom).Select(c => (DateTime?)c.WindowTo).FirstOrDefault()
            : null;
        var others = Neighbours[sensor].Where(n => Valid(n, h)).Select(n => Pm25(n, h)).Order().ToArray();
        var median = others.Length == 0 ? double.NaN
            : others.Length % 2 == 1 ? others[others.Length / 2] : (others[others.Length / 2 - 1] + others[others.Length / 2]) / 2;
        return new Flags(
            OutOfRange: v < 0 || v > 1000,
            RateOfChange: h > 0 && Valid(sensor, h - 1) && Math.Abs(v - Pm25(sensor, h - 1)) > 150,
            FlatLine: flat,
            HumidityHigh: micro && Rh(sensor, h) > 95,
            CalibrationExpired: micro && (inForce is null || hour > inForce.Value.AddDays(7)),
            NeighbourDisagreement: Valid(sensor, h) && others.Length >= 2 && Math.Abs(v - median) > 25 && (v > 3 * median || 3 * v < median));
    }

    [Fact]
    public async Task Each_sensor_hour_carries_exactly_the_documented_flags_and_every_flag_is_both_tripped_and_not()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await StoreAsync(db);

        await using var connection = await db.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(string Sensor, DateTime HourStart, int Bits, bool OutOfRange, bool RateOfChange, bool FlatLine, bool HumidityHigh, bool CalibrationExpired, bool NeighbourDisagreement)>("""
            SELECT sensor_id, hour_start, flags, out_of_range, rate_of_change, flat_line, humidity_high, calibration_expired, neighbour_disagreement
            FROM sensor_hour_quality ORDER BY sensor_id, hour_start
            """)).ToList();

        var actual = rows.ToDictionary(r => (r.Sensor, (int)(r.HourStart.ToUniversalTime() - Start).TotalHours),
            r => (r.Bits, Flags: new Flags(r.OutOfRange, r.RateOfChange, r.FlatLine, r.HumidityHigh, r.CalibrationExpired, r.NeighbourDisagreement)));
        var expected = Sensors.SelectMany(s => Enumerable.Range(0, Hours).Select(h => (Key: (s, h), Flags: Expected(s, h)))).ToDictionary(e => e.Key, e => e.Flags);

        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, flags) in expected)
        {
            Assert.True(flags == actual[key].Flags, $"{key.s} hour {key.h}: expected {flags}, the view says {actual[key].Flags}");
            Assert.Equal(flags.Bits, actual[key].Bits);
        }

        // Each flag both set and not set somewhere, so a rule dropped or always true fails above.
        var all = expected.Values.ToList();
        foreach (var (name, get) in new (string, Func<Flags, bool>)[]
                 {
                     ("out_of_range", f => f.OutOfRange), ("rate_of_change", f => f.RateOfChange), ("flat_line", f => f.FlatLine),
                     ("humidity_high", f => f.HumidityHigh), ("calibration_expired", f => f.CalibrationExpired),
                     ("neighbour_disagreement", f => f.NeighbourDisagreement),
                 })
        {
            Assert.True(all.Any(get) && !all.All(get), $"{name} is never or always set in the test's hours.");
        }

        // The hours built at and just short of each threshold, by name.
        Assert.Equal(1 | 2 | 32, actual[("M1", 10)].Bits & ~16);
        Assert.Equal(0, actual[("M1", 20)].Bits & 1);
        Assert.True(actual[("M2", 16)].Flags.FlatLine && !actual[("M2", 30)].Flags.FlatLine);
        Assert.True(actual[("M2", 40)].Flags.RateOfChange && !actual[("M4", 40)].Flags.RateOfChange && !actual[("M3", 31)].Flags.RateOfChange);
        Assert.True(actual[("M1", 6)].Flags.HumidityHigh && !actual[("M3", 8)].Flags.HumidityHigh);
        Assert.True(actual[("M3", 22)].Flags.NeighbourDisagreement);
        Assert.True(!actual[("M1", 24)].Flags.CalibrationExpired && actual[("M1", 25)].Flags.CalibrationExpired);
        Assert.True(actual[("M4", 11)].Flags.CalibrationExpired && !actual[("M4", 12)].Flags.CalibrationExpired && actual[("M3", 0)].Flags.CalibrationExpired);
        Assert.False(actual[("S1", 0)].Flags.CalibrationExpired);

        // The function of a period gives the view's rows of that period, the rules looking beyond its ends: hour 16 is
        // flat with hours 15 and 17, hour 41 a jump from hour 40.
        var (from, to) = (Start.AddHours(16), Start.AddHours(42));
        var period = (await connection.QueryAsync<(string Sensor, DateTime HourStart, int Bits)>(
            "SELECT sensor_id, hour_start, flags FROM sensor_hour_quality(@from, @to)", new { from, to })).ToList();
        Assert.Equal(rows.Where(r => r.HourStart >= from && r.HourStart < to).Select(r => (r.Sensor, r.HourStart, r.Bits)).Order(), period.Order());
        Assert.Contains(("M2", from, actual[("M2", 16)].Bits), period);
        Assert.True((actual[("M2", 16)].Bits & 4) != 0 && (actual[("M2", 41)].Bits & 2) != 0);
    }
}

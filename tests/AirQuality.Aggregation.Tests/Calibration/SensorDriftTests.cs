using AirQuality.Aggregation.Calibration;
using AirQuality.Contracts;
using AirQuality.Storage;
using AirQuality.Tests.Support;
using Dapper;
using Npgsql;
using Xunit;

namespace AirQuality.Aggregation.Tests.Calibration;

/// <summary>
/// The drift flag of migration 0023 (bit 64 of <c>sensor_hour_quality</c>) against the test's own application of the rule
/// in docs/calibration.md to the hourly rows: a station and four micro sensors within 500 m, calibrated by the real
/// calibrator on their first four days; M1's gain then grows by 15% a day, the others stay as they were.
/// </summary>
public sealed class SensorDriftTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    const int Days = 10;
    const int FitDays = 4;
    static readonly DateTime Start = new(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc);
    static readonly string[] Sensors = ["S1", "M1", "M2", "M3", "M4"];

    static double Air(int h) => 40 + 15 * Math.Sin(2 * Math.PI * h / 24) + 5 * Math.Sin(h / 7.0);

    static double Rh(int h) => 60 + 10 * Math.Cos(h * 0.3);

    /// <summary>M1 drifts after the fit's window; M2 reads 10% high and 3 µg/m³ over, steadily; all micro sensors swell alike in humid air.</summary>
    static double Gain(string sensor, int h) => sensor switch
    {
        "M1" => 1 + 0.15 * Math.Max(0, h / 24.0 - FitDays),
        "M2" => 1.1,
        _ => 1,
    };

    static double Pm25(string sensor, int h)
    {
        var i = Array.IndexOf(Sensors, sensor);
        if (sensor == "S1")
        {
            return Air(h);
        }

        return Gain(sensor, h) * Air(h) * (1 + 0.2 * Rh(h) / (100 - Rh(h))) + (sensor == "M2" ? 3 : 0) + 0.5 * Math.Sin(h * 1.3 + i);
    }

    static async Task<NpgsqlDataSource> WorldAsync(PostgresFixture postgres)
    {
        var db = await postgres.NewDatabaseAsync();
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO districts VALUES ('D1', 'One', NULL, 29.6, 106.5);
            INSERT INTO townships VALUES ('T1', 'D1', 'One', NULL);
            INSERT INTO sensors VALUES
                ('S1', 'station', 'D1', 'T1', 29.600, 106.5, 'national_station', 3600),
                ('M1', 'micro 1', 'D1', 'T1', 29.601, 106.5, 'micro_sensor', 300),
                ('M2', 'micro 2', 'D1', 'T1', 29.602, 106.5, 'micro_sensor', 300),
                ('M3', 'micro 3', 'D1', 'T1', 29.603, 106.5, 'micro_sensor', 300),
                ('M4', 'micro 4', 'D1', 'T1', 29.604, 106.5, 'micro_sensor', 300);
            """);
        var readings = new List<SensorReading>();
        for (var h = 0; h < Days * 24; h++)
        {
            var end = new DateTimeOffset(Start.AddHours(h + 1));
            foreach (var sensor in Sensors)
            {
                for (var k = 0; k < (sensor == "S1" ? 1 : 12); k++)
                {
                    readings.Add(new SensorReading(sensor, end.AddMinutes(-5 * k), Pm25(sensor, h), Humidity: sensor == "S1" ? null : Rh(h)));
                }
            }
        }

        await new TimeSeriesWriter(new HourlyRollup()).WriteAsync(connection, readings, [], CancellationToken.None);
        var calibrator = new SensorCalibrator(db, new CalibrationOptions { Window = TimeSpan.FromDays(FitDays) }.Validate(), TimeProvider.System);
        await calibrator.RefitAsync(Start.AddDays(FitDays), CancellationToken.None);
        return db;
    }

    [Fact]
    public async Task A_micro_sensor_whose_gain_moves_after_its_calibration_is_flagged_and_steady_ones_are_not()
    {
        await using var db = await WorldAsync(postgres);
        await using var connection = await db.OpenConnectionAsync();

        // The test's own rule, from the hourly rows: every sensor here is within 2 km of every other.
        var means = (await connection.QueryAsync<(string Sensor, DateTime Hour, double Pm25, bool Valid)>(
            "SELECT sensor_id, hour_start, pm25_ugm3::float8, pm25_valid FROM sensor_hourly_means")).ToList();
        var valid = means.Where(m => m.Valid).ToDictionary(m => (m.Sensor, (int)(m.Hour.ToUniversalTime() - Start).TotalHours), m => m.Pm25);
        double? Median(string sensor, int h)
        {
            var others = Sensors.Where(s => s != sensor && valid.ContainsKey((s, h))).Select(s => valid[(s, h)]).Order().ToArray();
            return others.Length < 2 ? null : others.Length % 2 == 1 ? others[others.Length / 2] : (others[others.Length / 2 - 1] + others[others.Length / 2]) / 2;
        }

        (int N, double Ratio, double Offset) Pairs(string sensor, int from, int to)
        {
            var pairs = Enumerable.Range(from, to - from).Where(h => valid.ContainsKey((sensor, h)) && Median(sensor, h) is not null)
                .Select(h => (Sensor: valid[(sensor, h)], Reference: Median(sensor, h)!.Value)).ToList();
            return (pairs.Count, pairs.Sum(p => p.Sensor) / pairs.Sum(p => p.Reference), pairs.Average(p => p.Sensor - p.Reference));
        }

        var baselines = (await connection.QueryAsync<(string Sensor, int Hours, double Ratio, double Offset)>(
            "SELECT sensor_id, reference_hours, reference_ratio, reference_offset_ugm3 FROM sensor_calibrations WHERE version = 1")).ToDictionary(b => b.Sensor);
        var drift = (await connection.QueryAsync<(string Sensor, DateTime Hour, bool Drift, int Flags)>(
            "SELECT sensor_id, hour_start, drift, flags FROM sensor_hour_quality")).ToDictionary(q => (q.Sensor, (int)(q.Hour.ToUniversalTime() - Start).TotalHours));

        foreach (var sensor in Sensors.Skip(1))
        {
            var baseline = Pairs(sensor, 0, FitDays * 24);
            Assert.Equal(baseline.N, baselines[sensor].Hours);
            Assert.Equal(baseline.Ratio, baselines[sensor].Ratio, 1e-9);
            Assert.Equal(baseline.Offset, baselines[sensor].Offset, 1e-6);
            for (var h = 0; h < Days * 24; h++)
            {
                var now = Pairs(sensor, Math.Max(0, h - 71), h + 1);
                var expected = valid.ContainsKey((sensor, h)) && Median(sensor, h) is not null && now.N >= 24
                               && (Math.Abs(now.Ratio / baseline.Ratio - 1) > 0.25 || Math.Abs(now.Offset - baseline.Offset) > 10);
                Assert.True(expected == drift[(sensor, h)].Drift, $"{sensor} hour {h}: expected drift {expected}, the view says {drift[(sensor, h)].Drift} (ratio {now.Ratio / baseline.Ratio:F3}, offset moved {now.Offset - baseline.Offset:F2})");
                Assert.Equal(drift[(sensor, h)].Drift, (drift[(sensor, h)].Flags & 64) != 0);
            }
        }

        // The drifting sensor is flagged once it has drifted, never while it had not; the steady ones never are, nor the station.
        Assert.Contains(Enumerable.Range(FitDays * 24, (Days - FitDays) * 24), h => drift[("M1", h)].Drift);
        Assert.DoesNotContain(Enumerable.Range(0, (FitDays + 1) * 24), h => drift[("M1", h)].Drift);
        Assert.True(drift[("M1", Days * 24 - 1)].Drift);
        foreach (var steady in new[] { "S1", "M2", "M3", "M4" })
        {
            Assert.DoesNotContain(Enumerable.Range(0, Days * 24), h => drift[(steady, h)].Drift);
        }

        // The function of a period agrees with the view, its rolling window reaching back before the period.
        var (from, to) = (Start.AddDays(8), Start.AddDays(9));
        var period = await connection.QueryAsync<(string Sensor, DateTime Hour, bool Drift)>(
            "SELECT sensor_id, hour_start, drift FROM sensor_hour_quality(@from, @to)", new { from, to });
        Assert.All(period, p => Assert.Equal(drift[(p.Sensor, (int)(p.Hour.ToUniversalTime() - Start).TotalHours)].Drift, p.Drift));
        Assert.Contains(period, p => p.Drift);
    }
}

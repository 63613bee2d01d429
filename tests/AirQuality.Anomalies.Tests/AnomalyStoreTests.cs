using AirQuality.Aggregation;
using AirQuality.Aggregation.Calibration;
using AirQuality.Anomalies;
using AirQuality.Contracts;
using AirQuality.Storage;
using AirQuality.Tests.Support;
using Dapper;
using Npgsql;
using Xunit;

namespace AirQuality.Anomalies.Tests;

/// <summary>
/// <c>Anomalies:Pm25</c>: a station and three micro sensors within a kilometre, a week of dry air, then a day on which
/// the air is humid from 10:00 to 14:00. The micro sensors read high in humid air exactly as their calibration (κ = 0.1,
/// inserted as version 1) says, so the corrected values are the truth. M1 also has a real plume from 16:00 to 18:00.
/// </summary>
public sealed class AnomalyStoreTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    const double Kappa = 0.1;
    static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    static readonly DateOnly Day = new(2025, 6, 30);
    static readonly DateTimeOffset DayStart = new(Day.ToDateTime(TimeOnly.MinValue), Cst);
    static readonly string[] Micro = ["M1", "M2", "M3"];

    /// <summary>What is in the air at a sensor, µg/m³: 40 with a gentle cycle of its own, and M1's plume.</summary>
    static double Truth(string sensor, DateTimeOffset at)
    {
        var minutes = (at - DayStart).TotalMinutes;
        var plume = sensor == "M1" && Local(at, 16, 18) ? 150 : 0;
        return 40 + 4 * Math.Sin(minutes / 97 + sensor[^1]) + plume;
    }

    /// <summary>Relative humidity, %: 97 from 10:00 to 14:00 on the day, else 55 (readings at the end of each hour's 5 minutes).</summary>
    static double Rh(DateTimeOffset at) => Local(at, 10, 14) ? 97 : 55;

    static bool Local(DateTimeOffset at, int fromHour, int toHour) =>
        at > DayStart.AddHours(fromHour) && at <= DayStart.AddHours(toHour);

    static double Raw(DateTimeOffset at, double truth) => truth * (1 + Kappa * CalibrationModel.Growth(Rh(at)));

    [Fact]
    public async Task A_humid_afternoon_raises_an_anomaly_on_raw_values_and_not_on_corrected_ones_and_records_the_versions()
    {
        await using var db = await StoreAsync();
        var aggregation = new AggregationOptions().Validate();
        var raw = new AnomalyDetector(db, new AnomalyOptions { Pm25 = Pm25Flow.Raw }.Validate(), aggregation);
        var corrected = new AnomalyDetector(db, new AnomalyOptions { Pm25 = Pm25Flow.Corrected }.Validate(), aggregation);
        var (humidFrom, humidTo) = (DayStart.AddHours(10).UtcDateTime, DayStart.AddHours(14).UtcDateTime);
        static bool Overlaps(Anomaly a, DateTime from, DateTime to) => a.Category == Anomaly.Pollution && a.Start < to && a.End > from;

        var onRaw = await raw.RunAsync(Day, CancellationToken.None);
        // Raw, the humid hours read 4.2 times the truth (about 170 µg/m³, above the hourly limit of 115).
        Assert.Contains(onRaw, a => Overlaps(a, humidFrom, humidTo));
        Assert.Contains(onRaw, a => Overlaps(a, DayStart.AddHours(16).UtcDateTime, DayStart.AddHours(18).UtcDateTime));
        await using (var connection = await db.OpenConnectionAsync())
        {
            var rows = (await connection.QueryAsync<(string Pm25Values, string? Versions)>(
                "SELECT pm25_values, calibration_versions::text FROM anomalies WHERE day = @Day", new { Day })).ToList();
            Assert.All(rows, r => Assert.Equal(("raw", null), r));
        }

        var onCorrected = await corrected.RunAsync(Day, CancellationToken.None);
        Assert.DoesNotContain(onCorrected, a => Overlaps(a, humidFrom, humidTo));
        var plume = Assert.Single(onCorrected, a => a.Category == Anomaly.Pollution);
        Assert.Contains("M1", plume.SensorIds);
        Assert.InRange(plume.PeakUgm3!.Value, 180, 200); // the truth, 190 ± 4, not the raw 1.15 times it
        await using (var connection = await db.OpenConnectionAsync())
        {
            var row = await connection.QuerySingleAsync<(string Pm25Values, string Versions, string[] Sensors)>(
                "SELECT pm25_values, calibration_versions::text, sensor_ids FROM anomalies WHERE day = @Day AND category = 'pollution'", new { Day });
            Assert.Equal("corrected", row.Pm25Values);
            var expected = "{" + string.Join(", ", row.Sensors.Where(s => s.StartsWith('M')).Order(StringComparer.Ordinal).Select(s => $"\"{s}\": [1]")) + "}";
            Assert.Equal(expected, row.Versions);
        }
    }

    [Fact]
    public async Task Corrected_quarters_are_the_quarter_means_through_their_hours_calibration_and_raw_ones_stay_raw()
    {
        await using var db = await StoreAsync();
        var aggregation = new AggregationOptions().Validate();
        var (target, baseline) = new AnomalyDetector(new AnomalyOptions(), aggregation).Window(Day);
        var (sensors, raw, _) = await new AnomalyStore(db, Pm25Flow.Raw).LoadAsync(Day, target, baseline, CancellationToken.None);
        var (_, corrected, _) = await new AnomalyStore(db, Pm25Flow.Corrected).LoadAsync(Day, target, baseline, CancellationToken.None);
        const int Q = HourlyPm25.QuartersPerHour;
        var start = new DateTimeOffset(DateTime.UnixEpoch.AddHours(baseline.FirstHour), TimeSpan.Zero);
        var checkedHumid = 0;
        for (var s = 0; s < sensors.Count; s++)
        {
            var id = sensors[s].SensorId;
            for (var h = 0; h < raw.Hours; h++)
            {
                if (start.AddHours(h) < DayStart.AddDays(-7))
                {
                    // The baseline reaches back 14 days; the readings start 7 days before the day.
                    Assert.True(double.IsNaN(raw.Values[s * raw.Hours + h]) && double.IsNaN(corrected.Values[s * raw.Hours + h]));
                    continue;
                }

                for (var k = 0; k < Q; k++)
                {
                    // The test's own quarter: readings every 5 minutes in (start, start + 15 min]; a station reports hourly, at the hour's end.
                    var quarterEnd = start.AddHours(h).AddMinutes(15 * (k + 1));
                    var times = id == "S1"
                        ? (k == Q - 1 ? [quarterEnd] : Array.Empty<DateTimeOffset>())
                        : [quarterEnd.AddMinutes(-10), quarterEnd.AddMinutes(-5), quarterEnd];
                    var at = s * raw.Hours * Q + h * Q + k;
                    if (times.Length == 0)
                    {
                        Assert.True(double.IsNaN(raw.Quarters[at]) && double.IsNaN(corrected.Quarters[at]));
                        continue;
                    }

                    var truth = times.Average(t => Truth(id, t));
                    var rawMean = id == "S1" ? truth : times.Average(t => Raw(t, Truth(id, t)));
                    Near(rawMean, raw.Quarters[at]);
                    Near(id == "S1" ? rawMean : truth, corrected.Quarters[at]);
                    checkedHumid += id != "S1" && Rh(times[0]) > 90 ? 1 : 0;
                }

                var hourTruth = id == "S1" ? Truth(id, start.AddHours(h + 1)) : Enumerable.Range(0, 12).Average(i => Truth(id, start.AddHours(h + 1).AddMinutes(-5 * i)));
                Near(hourTruth, corrected.Values[s * raw.Hours + h]);
            }
        }

        Assert.Equal(3 * 4 * Q, checkedHumid); // three micro sensors, four humid hours
    }

    /// <summary>Readings are stored as <c>real</c>: equal to a thousandth of a µg/m³.</summary>
    static void Near(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) < 1e-3, $"Expected {expected}, got {actual}.");

    /// <summary>The city, eight days of readings through the real writer, calibration version 1 for each micro sensor, aggregated.</summary>
    async Task<NpgsqlDataSource> StoreAsync()
    {
        var db = await postgres.NewDatabaseAsync();
        await using (var connection = await db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                INSERT INTO districts VALUES ('D1', 'One', NULL, 29.6, 106.5);
                INSERT INTO townships VALUES ('T1', 'D1', 'One', NULL);
                INSERT INTO sensors VALUES
                    ('S1', 'station', 'D1', 'T1', 29.600, 106.500, 'national_station', 3600),
                    ('M1', 'micro 1', 'D1', 'T1', 29.603, 106.500, 'micro_sensor', 300),
                    ('M2', 'micro 2', 'D1', 'T1', 29.600, 106.504, 'micro_sensor', 300),
                    ('M3', 'micro 3', 'D1', 'T1', 29.597, 106.500, 'micro_sensor', 300);
                """);
        }

        var first = DayStart.AddDays(-7);
        var end = DayStart.AddDays(1);
        var readings = new List<SensorReading>();
        for (var t = first.AddHours(1); t <= end; t = t.AddHours(1))
        {
            readings.Add(new SensorReading("S1", t, Math.Round(Truth("S1", t), 3)));
        }

        foreach (var m in Micro)
        {
            for (var t = first.AddMinutes(5); t <= end; t = t.AddMinutes(5))
            {
                readings.Add(new SensorReading(m, t, Raw(t, Truth(m, t)), Humidity: Rh(t)));
            }
        }

        await using (var connection = await db.OpenConnectionAsync())
        {
            var writer = new TimeSeriesWriter(new HourlyRollup());
            foreach (var batch in readings.Chunk(5000))
            {
                await writer.WriteAsync(connection, batch, [], CancellationToken.None);
            }

            await connection.ExecuteAsync("""
                INSERT INTO sensor_calibrations (sensor_id, version, valid_from, method, scope, kappa, window_from, window_to, n_hours, rmse_ugm3, cv_rmse_ugm3,
                                                 cv_rmse_linear_ugm3, cv_rmse_hygroscopic_ugm3, raw_rmse_ugm3, stations, humidity_source)
                SELECT m, 1, @from, 'hygroscopic', 'network', @Kappa, @from - interval '28 days', @from, 100, 1, 1, 1, 1, 1, ARRAY['S1'], 'sensor'
                FROM unnest(@Micro) AS m
                """, new { from = first.UtcDateTime, Kappa, Micro });
        }

        await new Aggregator(db, new AggregationOptions().Validate(), TimeProvider.System).RunAsync(null, CancellationToken.None);
        return db;
    }
}

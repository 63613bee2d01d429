using AirQuality.Attribution;
using AirQuality.Aggregation;
using AirQuality.Aggregation.Calibration;
using AirQuality.Aggregation.Columns;
using AirQuality.Contracts;
using AirQuality.Storage;
using AirQuality.Storage.Registry;
using AirQuality.Tests.Support;
using Dapper;
using Xunit;

namespace AirQuality.Attribution.Tests;

public sealed class CityHoursLoaderTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Telemetry_recorded_outside_running_is_not_read_as_emission_evidence()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db, attribution: true); // the sources come with the attribution rows
        var firstHour = HourlyColumns.HourOf(ReportCity.DayStart.UtcDateTime);
        await using (var connection = await db.OpenConnectionAsync())
        {
            // Hour 0: running at 10 and in maintenance at 90 (a plant being cleaned, not emitting); hour 1: start-up only;
            // hour 2: stopped only; hour 3: no status given, which says nothing either way.
            await connection.ExecuteAsync("""
                INSERT INTO source_telemetry (source_id, observed_at, particulate_mgm3, operating_status) VALUES
                ('P1', @t0 + interval '15 minutes', 10, 'running'),
                ('P1', @t0 + interval '30 minutes', 90, 'maintenance'),
                ('P1', @t0 + interval '75 minutes', 90, 'startup'),
                ('P1', @t0 + interval '135 minutes', 90, 'stopped'),
                ('P1', @t0 + interval '195 minutes', 12, NULL)
                """, new { t0 = ReportCity.DayStart.UtcDateTime });
        }

        var registry = await new RegistryStore(db).LoadAsync(CancellationToken.None);
        var city = await CityHoursLoader.LoadAsync(db, registry, firstHour, 4, CancellationToken.None);
        var p1 = city.SourceIndex("P1")!.Value;
        Assert.Equal(10, city.Particulate[p1 * 4 + 0], 3);
        Assert.True(double.IsNaN(city.Particulate[p1 * 4 + 1]), "Start-up is not emission evidence.");
        Assert.True(double.IsNaN(city.Particulate[p1 * 4 + 2]), "A stopped plant is not emission evidence.");
        Assert.Equal(12, city.Particulate[p1 * 4 + 3], 3);
    }

    [Fact]
    public async Task Corrected_pm25_is_read_for_micro_sensors_where_the_hour_has_a_correction_and_raw_elsewhere()
    {
        // A station and a micro sensor reading 1 + κ·RH/(100 − RH) times the truth (κ = 0.1) at RH 90%, except in hour 2,
        // whose readings carry no humidity and so has no correction.
        await using var db = await postgres.NewDatabaseAsync();
        var t0 = new DateTimeOffset(2025, 6, 30, 0, 0, 0, TimeSpan.Zero);
        const double Kappa = 0.1, Truth = 50;
        var raw = Truth * (1 + Kappa * CalibrationModel.Growth(90));
        await using (var connection = await db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                INSERT INTO districts VALUES ('D1', 'One', NULL, 29.6, 106.5);
                INSERT INTO townships VALUES ('T1', 'D1', 'One', NULL);
                INSERT INTO sensors VALUES ('S1', 'station', 'D1', 'T1', 29.600, 106.5, 'national_station', 3600),
                                           ('M1', 'micro', 'D1', 'T1', 29.603, 106.5, 'micro_sensor', 300);
                INSERT INTO sensor_calibrations (sensor_id, version, valid_from, method, scope, kappa, window_from, window_to, n_hours, rmse_ugm3, cv_rmse_ugm3,
                                                 cv_rmse_linear_ugm3, cv_rmse_hygroscopic_ugm3, raw_rmse_ugm3, stations, humidity_source)
                VALUES ('M1', 1, @t0, 'hygroscopic', 'network', @Kappa, @t0 - interval '28 days', @t0, 100, 1, 1, 1, 1, 1, ARRAY['S1'], 'sensor');
                """, new { t0 = t0.UtcDateTime, Kappa });
            var readings = Enumerable.Range(1, 3).Select(h => new SensorReading("S1", t0.AddHours(h), Truth))
                .Concat(Enumerable.Range(1, 36).Select(i => new SensorReading("M1", t0.AddMinutes(5 * i), raw, Humidity: (i - 1) / 12 == 2 ? null : 90)))
                .ToList();
            await new TimeSeriesWriter(new HourlyRollup()).WriteAsync(connection, readings, [], CancellationToken.None);
            await connection.ExecuteAsync("SELECT fold_sensor_hourly(); SELECT apply_sensor_calibrations(@from, @to)", new { from = t0.UtcDateTime, to = t0.AddHours(3).UtcDateTime });
        }

        var registry = await new RegistryStore(db).LoadAsync(CancellationToken.None);
        var firstHour = HourlyColumns.HourOf(t0.UtcDateTime);
        var asReported = await CityHoursLoader.LoadAsync(db, registry, firstHour, 3, Pm25Flow.Raw, CancellationToken.None);
        var corrected = await CityHoursLoader.LoadAsync(db, registry, firstHour, 3, Pm25Flow.Corrected, CancellationToken.None);
        var (s1, m1) = (asReported.SensorIndex("S1")!.Value, asReported.SensorIndex("M1")!.Value);
        Assert.Equal([raw, raw, raw], asReported.Pm25[(m1 * 3)..(m1 * 3 + 3)], new ToleranceComparer());
        Assert.Equal([Truth, Truth, raw], corrected.Pm25[(m1 * 3)..(m1 * 3 + 3)], new ToleranceComparer());
        Assert.Equal([Truth, Truth, Truth], corrected.Pm25[(s1 * 3)..(s1 * 3 + 3)], new ToleranceComparer());
    }

    /// <summary>Hourly means are stored as <c>real</c>: equal to a thousandth of a µg/m³.</summary>
    sealed class ToleranceComparer : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-3;

        public int GetHashCode(double obj) => 0;
    }
}

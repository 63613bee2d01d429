using AirQuality.Attribution;
using AirQuality.Aggregation.Columns;
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
}

using AirQuality.Analytics;
using AirQuality.Analytics.Standards;
using AirQuality.Tests.Support;
using Dapper;
using Xunit;

namespace AirQuality.Analytics.Tests.Standards;

[Collection(PostgresTests.Name)]
public sealed class StandardCatalogTests(PostgresFixture postgres)
{
    [Theory]
    // HJ 633-2012, worked by hand: IAQI = IAQI_lo + (IAQI_hi - IAQI_lo) / (C_hi - C_lo) × (C - C_lo), any fraction raised.
    [InlineData("2012", "pm25", "24h", 35, 50)]           // a breakpoint exactly
    [InlineData("2012", "pm25", "24h", 35.1, 51)]         // 50.125 raised to 51
    [InlineData("2012", "pm25", "24h", 80, 107)]          // 100 + 50 × 5/40 = 106.25
    [InlineData("2012", "pm25", "24h", 75, 100)]
    [InlineData("2026-phase1", "pm25", "24h", 60, 100)]   // HJ 633-2026: IAQI 100 at 60 µg/m³
    [InlineData("2026-phase1", "pm25", "24h", 75, 114)]   // 100 + 50 × 15/55 = 113.6
    [InlineData("2026-phase1", "pm25", "24h", 40, 60)]    // 50 + 50 × (40 - 35)/(60 - 35)
    [InlineData("2012", "pm10", "24h", 200, 125)]         // 100 + 50 × 50/100
    [InlineData("2026-phase1", "pm10", "24h", 120, 100)]
    [InlineData("2012", "co", "24h", 3, 75)]              // mg/m³: 50 + 50 × 1/2
    [InlineData("2012", "o3", "8h", 180, 119)]            // 100 + 50 × 20/55 = 118.2
    [InlineData("2012", "pm25", "24h", 600, 500)]         // above the table: its top
    [InlineData("2012", "pm25", "24h", 0, 0)]
    public async Task Iaqi_matches_the_worked_examples_and_the_sql_function(string version, string pollutant, string averaging, double concentration, int expected)
    {
        await using var db = await postgres.NewDatabaseAsync();
        await using var connection = await db.OpenConnectionAsync();
        var catalog = await StandardCatalog.LoadAsync(connection, CancellationToken.None);

        Assert.Equal(expected, catalog.Iaqi(version, Pollutants.Parse(pollutant), averaging, concentration));
        Assert.Equal(expected, await connection.ExecuteScalarAsync<int>("SELECT iaqi(@version, @pollutant, @averaging, @concentration)", new { version, pollutant, averaging, concentration }));
    }

    [Fact]
    public async Task The_standard_changes_on_1_March_2026_and_again_in_2031()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await using var connection = await db.OpenConnectionAsync();
        var catalog = await StandardCatalog.LoadAsync(connection, CancellationToken.None);

        Assert.Equal(("2012", 75.0), (catalog.On(new(2026, 2, 28)).Version, catalog.On(new(2026, 2, 28)).Pm25DailyLimitUgm3));
        Assert.Equal(("2026-phase1", 60.0), (catalog.On(new(2026, 3, 1)).Version, catalog.On(new(2026, 3, 1)).Pm25DailyLimitUgm3));
        Assert.Equal(("2026-phase2", 50.0), (catalog.On(new(2031, 1, 1)).Version, catalog.On(new(2031, 1, 1)).Pm25DailyLimitUgm3));
        Assert.Equal(30.0, catalog.On(new(2030, 12, 31)).Pm25AnnualLimitUgm3);
    }

    [Fact]
    public async Task Csharp_and_sql_agree_on_every_pollutant_over_the_whole_scale()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await using var connection = await db.OpenConnectionAsync();
        var catalog = await StandardCatalog.LoadAsync(connection, CancellationToken.None);
        var random = new Random(7);
        var cases = new List<(string Version, string Pollutant, string Averaging, double Concentration)>();
        foreach (var version in new[] { "2012", "2026-phase1" })
        {
            foreach (var (pollutant, averaging, top) in new[] { ("pm25", "24h", 600.0), ("pm10", "24h", 700), ("no2", "24h", 1000), ("so2", "24h", 3000), ("co", "24h", 70), ("o3", "8h", 900), ("o3", "1h", 1300) })
            {
                cases.AddRange(Enumerable.Range(0, 50).Select(_ => (version, pollutant, averaging, Math.Round(random.NextDouble() * top, 1))));
            }
        }

        var sql = (await connection.QueryAsync<int>(
            "SELECT iaqi(v, p, a, c) FROM unnest(@versions, @pollutants, @averagings, @concentrations) AS x(v, p, a, c)",
            new { versions = cases.Select(c => c.Version).ToArray(), pollutants = cases.Select(c => c.Pollutant).ToArray(), averagings = cases.Select(c => c.Averaging).ToArray(), concentrations = cases.Select(c => c.Concentration).ToArray() })).ToList();

        Assert.Equal(sql, cases.Select(c => catalog.Iaqi(c.Version, Pollutants.Parse(c.Pollutant), c.Averaging, c.Concentration)!.Value));
    }
}

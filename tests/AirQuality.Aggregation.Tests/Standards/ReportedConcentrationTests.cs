using AirQuality.Aggregation;
using AirQuality.Aggregation.Daily;
using AirQuality.Aggregation.Standards;
using AirQuality.Tests.Support;
using Dapper;
using Xunit;

namespace AirQuality.Aggregation.Tests.Standards;

public sealed class ReportedConcentrationTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Concentrations_are_rounded_as_hj_663_reports_them_alike_in_csharp_and_sql()
    {
        // GB/T 8170 to HJ 663's precision: nearest, an exact half to the even neighbour, float noise ignored.
        (string Pollutant, double Concentration, double Expected)[] cases =
        [
            ("pm25", 75.00000001, 75),
            ("pm25", 74.99999809265137, 75),
            ("pm25", 75.4, 75),
            ("pm25", 75.6, 76),
            ("pm25", 40.5, 40),
            ("pm25", 41.5, 42),
            ("pm25", 40.50000190734863, 40), // 40.5 as a double mean of float32 readings
            ("pm25", 41.49999809265137, 42),
            ("pm25", 40.5006, 41), // a real excess over the half
            ("pm25", 40.4994, 40),
            ("so2", 2621.5001572900003, 2622), // 2621.5 with float32 noise (6 parts in 10^8) at the top of the tables: still the half, to even
            ("co", 2.2000000000000006, 2.2),
            ("co", 2.25, 2.2),
            ("co", 2.35, 2.4),
            ("co", 2.2500000476837, 2.2),
            ("co", 2.26, 2.3),
            ("o3", 800.4, 800),
            ("no2", 0.5, 0),
            ("no2", 0, 0),
        ];
        await using var db = await postgres.NewDatabaseAsync();
        await using var connection = await db.OpenConnectionAsync();

        foreach (var (pollutant, concentration, expected) in cases)
        {
            var sql = await connection.ExecuteScalarAsync<double>("SELECT reported_concentration(@pollutant, @concentration)", new { pollutant, concentration });
            Assert.Equal((pollutant, concentration, expected, expected), (pollutant, concentration, ReportedConcentration.Round(Pollutants.Parse(pollutant), concentration), sql));
        }
    }

    [Fact]
    public async Task Nan_and_negative_concentrations_have_no_reported_value_and_infinity_is_refused()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await using var connection = await db.OpenConnectionAsync();

        Assert.Null(ReportedConcentration.Steps(Pollutant.Pm25, double.NaN));
        Assert.Null(ReportedConcentration.Steps(Pollutant.Pm25, -0.1));
        Assert.Equal([null, null, null], await connection.QueryAsync<double?>("SELECT reported_concentration('pm25', c) FROM unnest(ARRAY['NaN', -0.1, NULL]::float8[]) c"));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReportedConcentration.Steps(Pollutant.Pm25, double.PositiveInfinity));
    }

    [Fact]
    public async Task A_day_exceeds_the_pm25_limit_of_every_standard_only_when_its_reported_mean_is_above_it()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await using var connection = await db.OpenConnectionAsync();
        var catalog = await StandardCatalog.LoadAsync(connection, CancellationToken.None);
        var days = new[] { new DateOnly(2025, 6, 1), new DateOnly(2026, 6, 1), new DateOnly(2031, 6, 1) };
        var cases = new List<(DateOnly Day, decimal Exact, double Mean, bool Expected)>();
        foreach (var day in days)
        {
            var limit = (decimal)catalog.On(day).Pm25DailyLimitUgm3;
            foreach (var offset in new[] { -1m, -0.6m, -0.5m, -0.4m, 0m, 0.4m, 0.5m, 0.6m, 1m, 1.5m })
            {
                var exact = limit + offset;
                // GB/T 8170: a half goes to the even neighbour; GB 3095: above the limit.
                var expected = Math.Round(exact, MidpointRounding.ToEven) > limit;
                var d = (double)exact;
                cases.AddRange(new[] { d, Math.BitIncrement(d), Math.BitDecrement(d), d * (1 + 6e-8), d * (1 - 6e-8) }.Select(mean => (day, exact, mean, expected)));
            }
        }

        var figures = new DailyFigures(AreaLevel.City, cases.Count);
        for (var row = 0; row < cases.Count; row++)
        {
            figures.Day[row] = cases[row].Day;
            figures.Mean[(int)Pollutant.Pm25][row] = cases[row].Mean;
            figures.Valid[(int)Pollutant.Pm25][row] = true;
            figures.AssignAqi(row, catalog);
        }

        // The comparison reference_daily.sql makes.
        var sql = (await connection.QueryAsync<bool>("""
            SELECT reported_concentration('pm25', x.mean) > s.pm25_24h_limit_ugm3
            FROM unnest(@days, @means) WITH ORDINALITY AS x(day, mean, n) JOIN aq_standards s ON s.standard_version = aq_standard_on(x.day)
            ORDER BY x.n
            """, new { days = cases.Select(c => c.Day).ToArray(), means = cases.Select(c => c.Mean).ToArray() })).ToList();

        var wrong = cases.Select((c, i) => (Case: c, Csharp: figures.Pm25Exceeds[i] == 1, Sql: sql[i]))
            .Where(x => x.Csharp != x.Case.Expected || x.Sql != x.Case.Expected)
            .Select(x => $"{x.Case.Day} {x.Case.Exact} as {x.Case.Mean:R}: C# {x.Csharp}, SQL {x.Sql}, rule {x.Case.Expected}")
            .ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {cases.Count} wrong, e.g.\n{string.Join("\n", wrong.Take(20))}");
        Assert.Contains(cases, c => c.Expected);
    }
}

using AirQuality.Aggregation;
using AirQuality.Aggregation.Standards;
using AirQuality.Tests.Support;
using Dapper;
using Xunit;

namespace AirQuality.Aggregation.Tests.Standards;

public sealed class StandardCatalogTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Theory]
    // HJ 633-2012, worked by hand: IAQI = IAQI_lo + (IAQI_hi - IAQI_lo) / (C_hi - C_lo) × (C - C_lo), any fraction raised.
    [InlineData("2012", "pm25", "24h", 35, 50)]           // a breakpoint exactly
    [InlineData("2012", "pm25", "24h", 36, 52)]           // 50 + 50 × 1/40 = 51.25 raised to 52
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
    public async Task Iaqi_is_of_the_concentration_as_reported_not_of_the_float_noise_of_a_mean()
    {
        // HJ 663 reports µg/m³ as whole numbers and CO to 0.1 mg/m³ (rounded by GB/T 8170: an exact half to the even
        // neighbour); HJ 633 raises the IAQI's fraction, never a concentration's representation error.
        (string Version, string Pollutant, string Averaging, double Concentration, int Expected)[] cases =
        [
            ("2012", "pm25", "24h", 75.00000001, 100), // a float mean of readings averaging exactly 75.0
            ("2012", "pm25", "24h", 75.4, 100), // reported as 75
            ("2012", "pm25", "24h", 35.1, 50), // reported as 35
            ("2026-phase1", "pm25", "24h", 40.5, 60), // an exact half: 40, the even neighbour (50 + 50 × 5/25)
            ("2026-phase1", "pm25", "24h", 41.5, 64), // 42: 50 + 50 × 7/25 = 64
            ("2026-phase1", "pm25", "24h", 40.50000002, 60), // float noise on the half is still the half
            ("2026-phase1", "pm25", "24h", 40.51, 62), // more than a half: 41
            ("2012", "co", "24h", 2.2000000000000006, 55), // 50 + 50 × 0.2/2 = 55 exactly
            ("2012", "co", "24h", 2.25, 55), // 2.2, the even neighbour
            ("2012", "co", "24h", 2.35, 60), // 2.4, the even neighbour: 50 + 50 × 0.4/2
            ("2026-phase1", "pm25", "24h", 135.3, 179), // 135: 150 + 50 × 20/35 = 178.6
            ("2012", "no2", "24h", 8.8, 12), // 9: 50 × 9/40 = 11.25
        ];
        await using var db = await postgres.NewDatabaseAsync();
        await using var connection = await db.OpenConnectionAsync();
        var catalog = await StandardCatalog.LoadAsync(connection, CancellationToken.None);

        foreach (var (version, pollutant, averaging, concentration, expected) in cases)
        {
            var sql = await connection.ExecuteScalarAsync<int>("SELECT iaqi(@version, @pollutant, @averaging, @concentration)", new { version, pollutant, averaging, concentration });
            Assert.Equal((version, pollutant, concentration, expected, expected), (version, pollutant, concentration, catalog.Iaqi(version, Pollutants.Parse(pollutant), averaging, concentration), sql));
        }
    }

    [Fact]
    public async Task Iaqi_at_and_around_every_breakpoint_of_every_pollutant_and_standard_follows_the_rule_in_csharp_and_sql()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await using var connection = await db.OpenConnectionAsync();
        var catalog = await StandardCatalog.LoadAsync(connection, CancellationToken.None);
        var tables = (await connection.QueryAsync<(string Version, string Pollutant, string Averaging, short Iaqi, double Concentration)>(
                "SELECT standard_version, pollutant, averaging, iaqi, concentration FROM aq_iaqi_breakpoints ORDER BY 1, 2, 3, 4"))
            .GroupBy(b => (b.Version, b.Pollutant, b.Averaging))
            .ToList();
        Assert.Equal(3 * 7, tables.Count); // three standards × (five 24-hour pollutants, O3 8-hour and 1-hour)
        var cases = new List<(string Version, string Pollutant, string Averaging, decimal Exact, double Mean, int Expected)>();
        foreach (var table in tables)
        {
            var step = table.Key.Pollutant == "co" ? 0.1m : 1m;
            var points = table.Select(b => ((int)b.Iaqi, (decimal)b.Concentration)).ToArray();
            foreach (var (_, breakpoint) in points)
            {
                // At the breakpoint, a step or two either side, on the halves between, and a tenth of a step off a half.
                foreach (var offset in new[] { 0m, 0.4m, 0.5m, 0.6m, 1m, 1.5m, 2m, -0.4m, -0.5m, -0.6m, -1m, -1.5m, -2m })
                {
                    var exact = breakpoint + offset * step;
                    if (exact >= 0)
                    {
                        var expected = Rule(points, exact, step);
                        cases.AddRange(Noisy(exact).Select(mean => (table.Key.Version, table.Key.Pollutant, table.Key.Averaging, exact, mean, expected)));
                    }
                }
            }
        }

        var sql = (await connection.QueryAsync<int>(
            "SELECT iaqi(v, p, a, c) FROM unnest(@versions, @pollutants, @averagings, @means) WITH ORDINALITY AS x(v, p, a, c, n) ORDER BY n",
            new { versions = cases.Select(c => c.Version).ToArray(), pollutants = cases.Select(c => c.Pollutant).ToArray(), averagings = cases.Select(c => c.Averaging).ToArray(), means = cases.Select(c => c.Mean).ToArray() })).ToList();

        var wrong = cases.Select((c, i) => (Case: c, Csharp: catalog.Iaqi(c.Version, Pollutants.Parse(c.Pollutant), c.Averaging, c.Mean), Sql: sql[i]))
            .Where(x => x.Csharp != x.Case.Expected || x.Sql != x.Case.Expected)
            .Select(x => $"{x.Case.Version} {x.Case.Pollutant} {x.Case.Averaging} {x.Case.Exact} as {x.Case.Mean:R}: C# {x.Csharp}, SQL {x.Sql}, rule {x.Case.Expected}")
            .ToList();
        Assert.True(cases.Count > 4000, $"{cases.Count} cases");
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {cases.Count} wrong, e.g.\n{string.Join("\n", wrong.Take(20))}");
    }

    /// <summary>
    /// HJ 633 on the concentration as HJ 663 reports it, in exact decimal arithmetic: rounded to <paramref name="step"/>
    /// by GB/T 8170 (an exact half to the even neighbour), then linear between the breakpoints, any fraction raised.
    /// </summary>
    static int Rule((int Iaqi, decimal Concentration)[] table, decimal exact, decimal step)
    {
        var c = Math.Round(exact / step, MidpointRounding.ToEven) * step;
        if (c == 0)
        {
            return 0;
        }

        for (var i = 1; i < table.Length; i++)
        {
            if (table[i].Concentration >= c)
            {
                var ((loIaqi, loC), (hiIaqi, hiC)) = (table[i - 1], table[i]);
                return loIaqi + (int)Math.Ceiling((hiIaqi - loIaqi) * (c - loC) / (hiC - loC));
            }
        }

        return table[^1].Iaqi;
    }

    /// <summary>
    /// An exact concentration as a double mean of float32 readings may carry it: the nearest double, a bit either
    /// side, and off by 6 parts in 10^8 (a float32 reading's largest relative error, 2^-24) either side.
    /// </summary>
    static IEnumerable<double> Noisy(decimal exact)
    {
        var d = (double)exact;
        return d == 0 ? [0, float.Epsilon, 6e-8] : [d, Math.BitIncrement(d), Math.BitDecrement(d), d * (1 + 6e-8), d * (1 - 6e-8)];
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

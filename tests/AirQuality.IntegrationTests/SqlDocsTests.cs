using System.Text.RegularExpressions;
using AirQuality.Aggregation;
using AirQuality.Aggregation.Calibration;
using AirQuality.Anomalies;
using AirQuality.Attribution;
using AirQuality.Attribution.Model;
using Dapper;
using AirQuality.Contracts;
using AirQuality.Simulation;
using AirQuality.Storage;
using AirQuality.Storage.Registry;
using AirQuality.Tests.Support;
using Npgsql;
using Xunit;

namespace AirQuality.IntegrationTests;

/// <summary>Every query in docs/sql.md runs, as an analyst login, against a database the simulator filled (anomalies detected and attributed), and returns rows; an inspection outcome is recorded and learned from.</summary>
[Collection(DatabaseTests.Name)]
public sealed partial class SqlDocsTests(PostgresFixture postgres)
{
    static readonly DateTimeOffset Day = new(2026, 6, 30, 0, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task Every_worked_query_in_the_sql_guide_runs_and_returns_rows()
    {
        var queries = SqlBlock().Matches(await File.ReadAllTextAsync(Path.Combine(TestRegistry.RepositoryRoot, "docs", "sql.md")))
            .Select(m => m.Groups[1].Value).ToList();
        Assert.True(queries.Count >= 10, $"docs/sql.md has {queries.Count} queries; the guide promises at least ten.");

        await using var db = await postgres.NewDatabaseAsync("auto");
        var registry = TestRegistry.Shipped();
        await new RegistryStore(db).UpsertAsync(registry, CancellationToken.None);
        // Two days now and the same two days a year earlier; one sensor falls silent for the last three hours.
        foreach (var (start, seed) in new[] { (Day.AddYears(-1), 8), (Day, 7) })
        {
            await FillAsync(db, registry, start, TimeSpan.FromDays(2), seed, silent: registry.Sensors[0].SensorId);
        }

        // Each period calibrated on its own window, as the demo does; models of their own against stations within 0.5 km (no
        // micro sensor of the shipped registry is co-located with one, the default) so that the calibration view has rows.
        foreach (var start in new[] { Day.AddYears(-1), Day })
        {
            await new SensorCalibrator(db, new CalibrationOptions { OwnModelMaxDistanceKm = 0.5 }, TimeProvider.System).RefitAsync((start + TimeSpan.FromDays(2)).UtcDateTime, CancellationToken.None);
        }

        await new Aggregator(db, new AggregationOptions(), TimeProvider.System).RunAsync(null, CancellationToken.None);
        var day = DateOnly.FromDateTime(Day.DateTime).AddDays(1);
        await new AnomalyDetector(db, new AnomalyOptions(), new AggregationOptions()).RunAsync(day, CancellationToken.None);
        var model = AttributionModel.Load(Path.Combine(TestRegistry.RepositoryRoot, "infra", "models", "attribution-model.json"));
        var (city, attributions) = await new AttributionRunner(db, model, new AnomalyOptions(), new AggregationOptions(), new AttributionOptions()).RunAsync(day, CancellationToken.None);
        Assert.Contains(attributions, a => a.Flags.Count > 0);
        await AssertInspectionDecisionsAndContributorsAreStoredAsync(db, model, city, attributions);

        // As analysts run them: a login in the read-only role, so the grants are proven to cover the guide.
        var login = $"analyst_docs_{Guid.NewGuid():N}"[..24];
        var password = DatabaseRoles.GeneratePassword();
        await DatabaseRoles.CreateOrUpdateLoginAsync(db, login, DatabaseRoles.Analyst, password, CancellationToken.None);
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres.ConnectionString(db)) { Username = login, Password = password }.ConnectionString);
        await connection.OpenAsync();
        foreach (var (sql, i) in queries.Select((q, i) => (q, i + 1)))
        {
#pragma warning disable CA2100 // The guide's own queries, read from the repository.
            await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync(), $"Query {i} of docs/sql.md returned no rows:\n{sql}");
        }

        await AssertInspectionOutcomesAreKeptAndLearnedFromAsync(db, attributions.First(a => a.Flags.Count > 0));
    }

    /// <summary>
    /// Each flag's to_inspect is its probability against the model's inspection threshold; each episode's dominant
    /// contributor is, recomputed here from the candidates' plume shares, the one with the largest share when at least half.
    /// </summary>
    static async Task AssertInspectionDecisionsAndContributorsAreStoredAsync(NpgsqlDataSource db, AttributionModel model, CityHours city, IReadOnlyList<EpisodeAttribution> attributions)
    {
        await using var connection = await db.OpenConnectionAsync();
        var flags = (await connection.QueryAsync<(long AnomalyId, short Rank, bool ToInspect)>("SELECT anomaly_id, rank, to_inspect FROM source_flags"))
            .ToDictionary(f => (f.AnomalyId, (int)f.Rank), f => f.ToInspect);
        Assert.Equal(attributions.Sum(a => a.Flags.Count), flags.Count);
        foreach (var (a, f) in attributions.SelectMany(a => a.Flags.Select(f => (a, f))))
        {
            Assert.Equal(f.Probability >= model.InspectAtOrAbove, flags[(a.Episode.AnomalyId, f.Rank)]);
        }

        Assert.Contains(flags.Values, v => v);

        var stored = (await connection.QueryAsync<(long AnomalyId, string SourceId, float Share, int Hours)>(
            "SELECT anomaly_id, source_id, plume_share, episode_hours FROM episode_contributors")).ToDictionary(r => r.AnomalyId);
        var plume = new PlumeEstimator(city, new AggregationOptions().Zone);
        var expected = 0;
        foreach (var a in attributions)
        {
            var top = CandidateFeatures.Compute(city, plume, a.Episode, new AttributionOptions()).MaxBy(c => c.Facts.PlumeShare);
            if (top is null || top.Facts.PlumeShare < 0.5)
            {
                Assert.False(stored.ContainsKey(a.Episode.AnomalyId), $"episode {a.Episode.AnomalyId} has no source with half the plume, yet a contributor row");
                continue;
            }

            expected++;
            var row = stored[a.Episode.AnomalyId];
            Assert.Equal((city.Sources[top.Source].SourceId, a.Episode.EndHour - a.Episode.StartHour), (row.SourceId, row.Hours));
            // Stored as real (about 7 digits): a tolerance, since rounding both to 5 places fails when they straddle a half.
            Assert.Equal(top.Facts.PlumeShare, row.Share, 1e-5);
        }

        Assert.Equal(expected, stored.Count);
        Assert.True(expected > 0, "no episode had a dominant contributor; the persistent_contributors query has nothing to show");
    }

    static async Task AssertInspectionOutcomesAreKeptAndLearnedFromAsync(NpgsqlDataSource db, EpisodeAttribution attribution)
    {
        await using var connection = await db.OpenConnectionAsync();
        var flagId = await connection.ExecuteScalarAsync<long>("SELECT flag_id FROM source_flags WHERE anomaly_id = @id AND rank = 1", new { id = attribution.Episode.AnomalyId });
        var outcome = await OutcomeStore.RecordAsync(db, flagId, OutcomeStore.Confirmed, new DateOnly(2026, 7, 2), null, "Baghouse bypassed.", CancellationToken.None);
        Assert.True(outcome > 0);
        await Assert.ThrowsAsync<InvalidOperationException>(() => OutcomeStore.RecordAsync(db, flagId + 100_000, OutcomeStore.Confirmed, new DateOnly(2026, 7, 2), null, null, CancellationToken.None));

        // Re-running detection replaces the day's anomalies and flags; the outcome keeps its episode.
        await new AnomalyDetector(db, new AnomalyOptions(), new AggregationOptions()).RunAsync(attribution.Episode.Day, CancellationToken.None);
        var kept = await connection.QuerySingleAsync<(string SourceId, string[] SensorIds, long? FlagId)>("SELECT source_id, sensor_ids, flag_id FROM enforcement_outcomes WHERE outcome_id = @outcome", new { outcome });
        Assert.Equal(attribution.Flags[0].SourceId, kept.SourceId);
        Assert.NotEmpty(kept.SensorIds);
        Assert.Null(kept.FlagId);

        var rows = await OutcomeLabels.LoadAsync(db, new AnomalyOptions(), new AggregationOptions(), new AttributionOptions(), CancellationToken.None);
        var row = Assert.Single(rows);
        Assert.True(row.Confirmed);
        Assert.Equal(CandidateFeatures.Names.Count, row.Features.Length);
    }

    /// <summary>What the gateways would send: every sensor at its interval, every monitored source every 15 minutes.</summary>
    static async Task FillAsync(NpgsqlDataSource db, CityRegistry registry, DateTimeOffset start, TimeSpan duration, int seed, string silent)
    {
        var world = new AirQualityWorld(registry, seed, start, duration);
        var writer = new TimeSeriesWriter(new HourlyRollup());
        await using var connection = await db.OpenConnectionAsync();
        var readings = new List<SensorReading>();
        var telemetry = new List<SourceTelemetry>();
        for (var t = start.AddMinutes(1); t <= start + duration; t = t.AddMinutes(1))
        {
            var minute = (long)(t - start).TotalMinutes;
            for (var i = 0; i < world.Sensors.Count; i++)
            {
                var sensor = world.Sensors[i];
                if (minute % (sensor.ReportingIntervalS / 60) == 0 && !(sensor.SensorId == silent && t > start + duration - TimeSpan.FromHours(3)))
                {
                    readings.Add(world.Reading(i, t));
                }
            }

            if (minute % 15 == 0)
            {
                telemetry.AddRange(Enumerable.Range(0, world.MonitoredSources.Count).Select(i => world.Telemetry(i, t)));
            }

            if (readings.Count >= 20_000)
            {
                await writer.WriteAsync(connection, readings, telemetry, CancellationToken.None);
                readings.Clear();
                telemetry.Clear();
            }
        }

        await writer.WriteAsync(connection, readings, telemetry, CancellationToken.None);
    }

    [GeneratedRegex(@"```sql\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex SqlBlock();
}

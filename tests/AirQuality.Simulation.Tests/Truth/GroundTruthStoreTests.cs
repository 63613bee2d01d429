using AirQuality.Simulation;
using AirQuality.Simulation.Truth;
using AirQuality.Tests.Support;
using Dapper;
using Xunit;

namespace AirQuality.Simulation.Tests.Truth;

public sealed class GroundTruthStoreTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_simulations_incidents_are_filed_once_in_the_table_and_the_file()
    {
        var options = new SimulationOptions(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.FromHours(8)), TimeSpan.FromDays(5), 7, 0);
        var incidents = new AirQualityWorld(TestRegistry.Shipped(), options.Seed, options.Start, options.Duration).Truth.Incidents;
        await using var db = await postgres.NewDatabaseAsync();
        var name = GroundTruthStore.SimulationName(options);

        await GroundTruthStore.WriteTableAsync(db, name, incidents, CancellationToken.None);
        await GroundTruthStore.WriteTableAsync(db, name, incidents, CancellationToken.None);
        var path = Path.Combine(Path.GetTempPath(), $"airq-truth-{Guid.NewGuid():N}.csv");
        await GroundTruthStore.WriteCsvAsync(path, incidents, CancellationToken.None);

        await using var connection = await db.OpenConnectionAsync();
        Assert.Equal(incidents.Count, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM simulation_incidents WHERE simulation = @name", new { name }));
        Assert.Equal(incidents.Count(i => i.SourceId is null), await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM simulation_incidents WHERE source_id IS NULL"));
        Assert.Equal(incidents.Count + 1, (await File.ReadAllLinesAsync(path)).Length);
        File.Delete(path);
    }
}

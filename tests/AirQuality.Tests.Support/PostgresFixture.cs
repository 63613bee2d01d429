using AirQuality.Development;
using AirQuality.Storage;
using Npgsql;
using Xunit;

namespace AirQuality.Tests.Support;

/// <summary>
/// A test class's access to the test process's <see cref="SharedCluster"/>, as a class fixture
/// (<c>IClassFixture&lt;PostgresFixture&gt;</c>) so classes run in parallel, or as the fixture of a collection whose
/// classes must run one at a time. Each test asks for a database of its own, so no test sees another's rows.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    PrivateCluster? _cluster;
    static int _databases;

    public PrivateCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    public async Task InitializeAsync() => _cluster = await SharedCluster.GetAsync();

    // The cluster outlives the class: ClusterCleanupFramework deletes it after the assembly's last test.
    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// Stops the cluster, as an outage would; <see cref="StartAsync"/> brings it back on the same port. Every test of
    /// the process loses its database meanwhile, so only a test that runs alone may call it (IntegrationTests keeps
    /// its database tests in one serial collection for this).
    /// </summary>
    public Task StopAsync() => Cluster.StopAsync(CancellationToken.None);

    public async Task StartAsync()
    {
        await PrivateCluster.EnsureRunningAsync(Cluster.Directory, preloadTimescale: true, progress: null, CancellationToken.None);
        // Pooled connections from before the outage are dead; later tests must not be handed one.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>The connection string of a database made by <see cref="NewDatabaseAsync"/>, with its password, for a child process.</summary>
    public string ConnectionString(NpgsqlDataSource database) =>
        Cluster.ConnectionString(new NpgsqlConnectionStringBuilder(database.ConnectionString).Database!);

    /// <summary>A new empty database; with <paramref name="timescale"/> <c>off</c> or <c>auto</c>, migrated with that setting unless <paramref name="migrate"/> is false.</summary>
    public async Task<NpgsqlDataSource> NewDatabaseAsync(string timescale = "off", bool migrate = true)
    {
        var name = $"test_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..30];
        await using (var admin = new NpgsqlConnection(Cluster.ConnectionString("postgres")))
        {
            await admin.OpenAsync();
            // The name is generated here from digits and hex, never input.
#pragma warning disable CA2100
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
#pragma warning restore CA2100
            await create.ExecuteNonQueryAsync();
        }

        var dataSource = Database.CreateDataSource(Cluster.ConnectionString(name));
        if (migrate)
        {
            await new Migrator(dataSource, new DatabaseOptions { Timescale = timescale }).MigrateAsync(null, CancellationToken.None);
        }

        return dataSource;
    }

    /// <summary>Whether the TimescaleDB extension can be used by this cluster.</summary>
    public async Task<bool> TimescaleAvailableAsync()
    {
        await using var connection = new NpgsqlConnection(Cluster.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') AND current_setting('shared_preload_libraries') LIKE '%timescaledb%'", connection);
        return (bool)(await command.ExecuteScalarAsync())!;
    }
}

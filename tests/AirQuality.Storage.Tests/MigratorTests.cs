using AirQuality.Storage;
using AirQuality.Tests.Support;
using Dapper;
using Npgsql;
using Xunit;

namespace AirQuality.Storage.Tests;

public sealed class MigratorTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Every_migration_is_applied_once_and_a_second_run_is_a_no_op()
    {
        await using var db = await postgres.NewDatabaseAsync(migrate: false);
        var migrator = new Migrator(db, new DatabaseOptions { Timescale = "off" });
        var first = await migrator.MigrateAsync(null, CancellationToken.None);
        var second = await migrator.MigrateAsync(null, CancellationToken.None);

        Assert.Equal(Migrator.All.Select(m => m.Version), first.Select(m => m.Version));
        Assert.Empty(second);
        var info = await DatabaseInfo.ReadAsync(db, CancellationToken.None);
        Assert.Equal(Migrator.All.Select(m => m.Version), info.Migrations.Select(m => m.Version));
        Assert.Contains("PostgreSQL 15", info.ServerVersion, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checking_a_database_with_a_pending_migration_names_it_and_applies_nothing()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await using var connection = await db.OpenConnectionAsync();
        var last = Migrator.All[^1];
        await connection.ExecuteAsync("DELETE FROM schema_migrations WHERE version = @Version", new { last.Version });
        var migrator = new Migrator(db, new DatabaseOptions());

        var error = await Assert.ThrowsAsync<PendingMigrationsException>(() => migrator.EnsureUpToDateAsync(CancellationToken.None));

        Assert.Equal([last.Version], error.Pending.Select(m => m.Version));
        Assert.False(error.NeverMigrated);
        Assert.Equal($"1 migration pending ({last.Version:0000}_{last.Name})", error.Message);
        Assert.Equal(Migrator.All.Count - 1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Checking_a_migrated_database_passes()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await new Migrator(db, new DatabaseOptions()).EnsureUpToDateAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Checking_a_database_never_migrated_lists_every_migration_and_creates_nothing()
    {
        await using var db = await postgres.NewDatabaseAsync(migrate: false);
        var error = await Assert.ThrowsAsync<PendingMigrationsException>(() => new Migrator(db, new DatabaseOptions()).EnsureUpToDateAsync(CancellationToken.None));
        Assert.True(error.NeverMigrated);
        Assert.Equal(Migrator.All.Select(m => m.Version), error.Pending.Select(m => m.Version));
        Assert.StartsWith($"the database has never been migrated: {Migrator.All.Count} migrations pending (0001_", error.Message, StringComparison.Ordinal);
        await using var connection = await db.OpenConnectionAsync();
        Assert.Null(await connection.ExecuteScalarAsync<string?>("SELECT to_regclass('schema_migrations')::text"));
    }

    [Fact]
    public async Task A_migration_edited_after_it_was_applied_stops_the_run_with_an_explanation()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await using (var connection = await db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new Migrator(db, new DatabaseOptions()).MigrateAsync(null, CancellationToken.None));
        Assert.Contains("0001_registry.sql was changed after it was applied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_postgresql_gets_monthly_partitions_made_ahead()
    {
        await using var db = await postgres.NewDatabaseAsync(timescale: "off");
        await using var connection = await db.OpenConnectionAsync();
        var partitions = (await connection.QueryAsync<string>("""
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'sensor_readings'::regclass ORDER BY 1
            """)).ToList();
        var now = DateTime.UtcNow;
        Assert.Contains($"sensor_readings_y{now.AddMonths(3):yyyy}m{now.AddMonths(3):MM}", partitions);
        Assert.Contains($"sensor_readings_y{now.AddMonths(-13):yyyy}m{now.AddMonths(-13):MM}", partitions);
        Assert.False(await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')"));
    }

    [WithoutTimescaleFact]
    public async Task Without_TimescaleDB_auto_falls_back_to_plain_postgresql_with_the_same_tables()
    {
        await using var db = await postgres.NewDatabaseAsync(timescale: "auto");
        var info = await DatabaseInfo.ReadAsync(db, CancellationToken.None);
        Assert.Null(info.TimescaleVersion);
        Assert.False(info.ReadingsAreHypertable);
        await using var connection = await db.OpenConnectionAsync();
        Assert.True(await connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM pg_inherits WHERE inhparent = 'sensor_readings'::regclass)"));
    }

    [TimescaleFact]
    public async Task TimescaleDB_is_used_for_hypertables_with_compression_when_the_extension_is_present()
    {
        await using var db = await postgres.NewDatabaseAsync(timescale: "auto");
        var info = await DatabaseInfo.ReadAsync(db, CancellationToken.None);
        Assert.NotNull(info.TimescaleVersion);
        Assert.True(info.ReadingsAreHypertable);
        await using var connection = await db.OpenConnectionAsync();
        var compression = (await connection.QueryAsync<(string Table, string Segment)>("""
            SELECT hypertable_name, attname FROM timescaledb_information.compression_settings
            WHERE segmentby_column_index = 1 ORDER BY 1
            """)).ToList();
        Assert.Equal([("sensor_readings", "sensor_id"), ("source_telemetry", "source_id")], compression);
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM timescaledb_information.jobs WHERE proc_name = 'policy_compression'"));
    }

    [Fact]
    public async Task Readings_are_keyed_time_first_with_no_second_index()
    {
        await using var db = await postgres.NewDatabaseAsync(timescale: "off");
        await AssertKeyedTimeFirstAsync(db);
    }

    [TimescaleFact]
    public async Task Readings_are_keyed_time_first_on_a_hypertable_and_TimescaleDB_keeps_its_compression()
    {
        await using var db = await postgres.NewDatabaseAsync(timescale: "auto");
        await AssertKeyedTimeFirstAsync(db);
        await using var connection = await db.OpenConnectionAsync();
        // Migration 0011 took compression off to change the key; it must be back as 0002 made it.
        var settings = (await connection.QueryAsync<(string Column, int? Segment, int? Order)>("""
            SELECT attname, segmentby_column_index, orderby_column_index FROM timescaledb_information.compression_settings
            WHERE hypertable_name = 'sensor_readings' ORDER BY 1
            """)).ToList();
        Assert.Equal([("observed_at", null, 1), ("sensor_id", 1, null)], settings);
        Assert.Equal("720:00:00", await connection.ExecuteScalarAsync<string>(
            "SELECT config ->> 'compress_after' FROM timescaledb_information.jobs WHERE proc_name = 'policy_compression' AND hypertable_name = 'sensor_readings'"));
    }

    static async Task AssertKeyedTimeFirstAsync(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        // The indexes of sensor_readings itself (each partition or chunk has its copies).
        var indexes = (await connection.QueryAsync<string>("""
            SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'sensor_readings'::regclass ORDER BY 1
            """)).ToList();
        var key = Assert.Single(indexes);
        Assert.Matches(@"^CREATE UNIQUE INDEX sensor_readings_pkey ON (ONLY )?public\.sensor_readings USING btree \(observed_at, sensor_id\)$", key);

        // Still one row per (sensor_id, observed_at), whichever way round the key is.
        await connection.ExecuteAsync("INSERT INTO sensor_readings (sensor_id, observed_at, pm25_ugm3) VALUES ('S0001', now(), 1)");
        Assert.Equal(0, await connection.ExecuteAsync(
            "INSERT INTO sensor_readings (sensor_id, observed_at, pm25_ugm3) SELECT sensor_id, observed_at, 2 FROM sensor_readings ON CONFLICT (sensor_id, observed_at) DO NOTHING"));
    }
}

using AirQuality.Storage;
using AirQuality.Storage.Registry;
using AirQuality.Tests.Support;
using Dapper;
using Npgsql;
using Xunit;

namespace AirQuality.IntegrationTests;

/// <summary>The <c>airq</c> program against a database of its own: what it prints and what it leaves stored.</summary>
[Collection(DatabaseTests.Name)]
public sealed class CommandLineDatabaseTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Db_info_prints_the_host_port_database_and_user_to_connect_with_but_not_the_password()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var connection = new NpgsqlConnectionStringBuilder(postgres.ConnectionString(db));
        var (exit, output) = AirqProcess.Run(new Dictionary<string, string> { ["AIRQ_DB"] = connection.ConnectionString }, "db", "info");
        Assert.True(exit == 0, output);
        Assert.Contains($"Connection:  host 127.0.0.1, port {connection.Port}, database {connection.Database}, user airq", output, StringComparison.Ordinal);
        Assert.DoesNotContain(connection.Password!, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Granting_analyst_rights_to_the_administrators_login_is_refused_in_words_and_changes_nothing()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var (exit, output) = AirqProcess.Run(new Dictionary<string, string> { ["AIRQ_DB"] = postgres.ConnectionString(db) }, "db", "grant-analyst", "airq");
        Assert.Equal(2, exit);
        Assert.Contains("'airq' is an administrator's login", output, StringComparison.Ordinal);
        Assert.Contains("give the new login a name of its own", output, StringComparison.Ordinal);
        Assert.DoesNotContain("42501", output, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", output, StringComparison.Ordinal);
        await using var connection = await db.OpenConnectionAsync();
        Assert.True(await connection.ExecuteScalarAsync<bool>("SELECT rolsuper FROM pg_roles WHERE rolname = 'airq'"));
    }

    [Fact]
    public async Task Anomalies_on_a_day_without_readings_says_so_and_stores_no_faults()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await new RegistryStore(db).UpsertAsync(TestRegistry.Shipped(), CancellationToken.None);
        var (exit, output) = AirqProcess.Run(new Dictionary<string, string> { ["AIRQ_DB"] = postgres.ConnectionString(db) }, "anomalies", "--date", "2020-01-01");
        Assert.True(exit == 0, output);
        Assert.Contains("There are no readings for 2020-01-01", output, StringComparison.Ordinal);
        Assert.DoesNotContain("sensor fault", output, StringComparison.Ordinal);
        await using var connection = await db.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM anomalies WHERE day = '2020-01-01'"));
    }

    [Fact]
    public async Task A_read_only_command_refuses_a_database_with_a_pending_migration_names_db_migrate_and_leaves_the_schema_unchanged()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await using var connection = await db.OpenConnectionAsync();
        var last = Migrator.All[^1];
        await connection.ExecuteAsync("DELETE FROM schema_migrations WHERE version = @Version", new { last.Version });
        var before = (await connection.QueryAsync<(int, string)>("SELECT version, checksum FROM schema_migrations ORDER BY 1")).ToList();

        var (exit, output) = AirqProcess.Run(new Dictionary<string, string> { ["AIRQ_DB"] = postgres.ConnectionString(db) }, "status");

        Assert.True(exit == 1, $"exit code {exit}:{Environment.NewLine}{output}");
        Assert.Contains($"error: 1 migration pending ({last.Version:0000}_{last.Name}), and this command does not change the schema: " +
            "run `./airq db migrate` to apply it, then this command again.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Ingest workers", output, StringComparison.Ordinal);
        Assert.Equal(before, (await connection.QueryAsync<(int, string)>("SELECT version, checksum FROM schema_migrations ORDER BY 1")).ToList());
    }

    [Fact]
    public async Task Db_info_shows_a_database_with_a_pending_migration_and_names_what_is_pending()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var last = await UnapplyLastMigrationAsync(db);

        var (exit, output) = AirqProcess.Run(new Dictionary<string, string> { ["AIRQ_DB"] = postgres.ConnectionString(db) }, "db", "info");

        Assert.True(exit == 0, output);
        Assert.Contains($"Pending:     {last.Version:0000}_{last.Name}", output, StringComparison.Ordinal);
        Assert.Contains("Migrations:", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("export", "city_daily", "--from", "2026-06-30", "--out", "{tmp}/city.parquet")]
    [InlineData("attribute", "--date", "2026-06-30")]
    [InlineData("user", "add", "officer.li", "--role", "city_supervisor")]
    [InlineData("registry", "import", "{registry}")]
    public async Task Commands_that_read_or_write_data_refuse_a_database_with_a_pending_migration_and_change_nothing(params string[] command)
    {
        await using var db = await postgres.NewDatabaseAsync();
        var last = await UnapplyLastMigrationAsync(db);
        await using var connection = await db.OpenConnectionAsync();
        var tmp = Directory.CreateTempSubdirectory("airq-pending-").FullName;
        var args = command.Select(a => a.Replace("{tmp}", tmp, StringComparison.Ordinal).Replace("{registry}", TestRegistry.ShippedDirectory, StringComparison.Ordinal)).ToArray();

        var (exit, output) = AirqProcess.Run(new Dictionary<string, string>
        {
            ["AIRQ_DB"] = postgres.ConnectionString(db),
            ["AIRQ_Attribution__ModelPath"] = Path.Combine(TestRegistry.RepositoryRoot, "infra", "models", "attribution-model.json"),
        }, args);

        Assert.True(exit == 1, $"exit code {exit}:{Environment.NewLine}{output}");
        Assert.Contains($"error: 1 migration pending ({last.Version:0000}_{last.Name}), and this command does not change the schema", output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM console_users"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sensors"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM schema_migrations WHERE version = @Version", new { last.Version }));
    }

    /// <summary>Makes the newest migration pending again (its row gone, its objects left, as a database one release behind would look to the check).</summary>
    static async Task<Migration> UnapplyLastMigrationAsync(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        var last = Migrator.All[^1];
        await connection.ExecuteAsync("DELETE FROM schema_migrations WHERE version = @Version", new { last.Version });
        return last;
    }

    [Fact]
    public async Task A_command_on_a_database_never_migrated_refuses_and_creates_nothing()
    {
        await using var db = await postgres.NewDatabaseAsync(migrate: false);
        var (exit, output) = AirqProcess.Run(new Dictionary<string, string> { ["AIRQ_DB"] = postgres.ConnectionString(db) }, "yoy", "--to", "2026-06-30");

        Assert.True(exit == 1, $"exit code {exit}:{Environment.NewLine}{output}");
        Assert.Contains($"error: the database has never been migrated: {Migrator.All.Count} migrations pending (0001_", output, StringComparison.Ordinal);
        Assert.Contains("run `./airq db migrate` to apply them", output, StringComparison.Ordinal);
        await using var connection = await db.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
    }
}

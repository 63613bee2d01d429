using System.Text.RegularExpressions;
using AirQuality.Aggregation;
using AirQuality.Contracts;
using AirQuality.Storage;
using AirQuality.Tests.Support;
using Dapper;
using Npgsql;
using Xunit;

namespace AirQuality.IntegrationTests;

/// <summary>
/// The roles of migration 0009: logins made by <c>airq db grant-analyst</c> and <c>grant-worker</c>, the real
/// programs run under them, and what each may not do.
/// </summary>
[Collection(DatabaseTests.Name)]
public sealed partial class DatabaseRolesTests(PostgresFixture postgres)
{
    [Fact]
    public async Task The_analyst_role_reads_exactly_the_tables_and_views_of_the_sql_guide_and_changes_nothing()
    {
        await using var db = await postgres.NewDatabaseAsync("auto");
        var (login, connectionString) = GrantWithCli(db, "grant-analyst", "AIRQ_ANALYST_PASSWORD");
        var (relations, functions) = DocumentedObjects();
        Assert.Contains("sensor_readings", relations);
        Assert.Contains("year_over_year", functions);

        await using var analyst = new NpgsqlConnection(connectionString);
        await analyst.OpenAsync();
        var readable = (await analyst.QueryAsync<string>("""
            SELECT c.relname FROM pg_class c
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND has_table_privilege(c.oid, 'SELECT')
            """)).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(relations.Order(StringComparer.Ordinal), readable.Order(StringComparer.Ordinal));
        foreach (var relation in relations)
        {
            // Really reading, not only the catalogue's opinion.
            await analyst.ExecuteScalarAsync<long>($"SELECT count(*) FROM (SELECT 1 FROM {relation} LIMIT 1) x");
        }

        foreach (var function in functions)
        {
            Assert.True(await analyst.ExecuteScalarAsync<bool>(
                "SELECT bool_and(has_function_privilege(p.oid, 'EXECUTE')) FROM pg_proc p WHERE p.proname = @function AND p.pronamespace = 'public'::regnamespace", new { function }),
                $"{login} cannot execute {function}(), which docs/sql.md names.");
        }

        await AssertRefusedAsync(analyst, "SELECT * FROM ingest_offsets");
        await AssertRefusedAsync(analyst, "SELECT * FROM schema_migrations");
        await AssertRefusedAsync(analyst, "SELECT ensure_monthly_partitions('sensor_readings', now(), now())");
        await AssertRefusedAsync(analyst, "INSERT INTO sensor_readings (sensor_id, observed_at, pm25_ugm3) VALUES ('S0001', now(), 1)");
        await AssertRefusedAsync(analyst, "UPDATE sensors SET name = 'x'");
        await AssertRefusedAsync(analyst, "DELETE FROM anomalies");
        await AssertRefusedAsync(analyst, "TRUNCATE city_daily");
        await AssertRefusedAsync(analyst, "CREATE TABLE mine (x int)");
        await AssertRefusedAsync(analyst, "CREATE TEMP TABLE mine (x int)");
        await AssertRefusedAsync(analyst, "CREATE VIEW mine AS SELECT 1");
    }

    [Fact]
    public async Task The_ingest_and_analytics_workers_run_under_their_own_logins_and_cannot_step_outside_them()
    {
        await using var harness = await IngestHarness.StartAsync(postgres);
        var (_, ingestDb) = GrantWithCli(harness.Database, "grant-worker", "AIRQ_WORKER_PASSWORD", "--role", "ingest");
        var (_, analyticsDb) = GrantWithCli(harness.Database, "grant-worker", "AIRQ_WORKER_PASSWORD", "--role", "analytics");

        // The real worker process, with the ingest login only: it checks the schema, loads the registry, stores,
        // keeps the hourly sums and offsets, and reports its status.
        var summary = await harness.SimulateAsync(IngestHarness.Start, TimeSpan.FromHours(2));
        using (var worker = AirqProcess.Start(Environment(ingestDb, harness), "ingest"))
        {
            await IngestHarness.Until(async () => await harness.StoredRowsAsync() == summary.ExpectedStored || worker.HasExited, TimeSpan.FromMinutes(1));
            Assert.Equal(0, worker.Terminate(TimeSpan.FromSeconds(30)));
            Assert.Equal(summary.ExpectedStored, await harness.StoredRowsAsync());
        }

        // A month with no partition yet: the worker's login creates it through ensure_monthly_partitions.
        var farAhead = new SensorReading(harness.Registry.Sensors[0].SensorId, new DateTimeOffset(2031, 5, 1, 0, 0, 0, TimeSpan.Zero), 12.5);
        await using (var ingest = Database.CreateDataSource(ingestDb))
        await using (var connection = await ingest.OpenConnectionAsync())
        {
            var (stored, _) = await new TimeSeriesWriter(new HourlyRollup()).WriteAsync(connection, [farAhead], [], CancellationToken.None);
            Assert.Equal(1, stored.Stored);
            await HourlyStore.FoldAsync(connection, CancellationToken.None);
            Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT pm25_readings FROM sensor_hourly WHERE hour_start = '2031-04-30 23:00+00'"));
            await AssertRefusedAsync(connection, "DELETE FROM sensor_readings");
            await AssertRefusedAsync(connection, "INSERT INTO sensors (sensor_id) VALUES ('X')");
            await AssertRefusedAsync(connection, "SELECT * FROM sensor_daily");
            await AssertRefusedAsync(connection, "CREATE TABLE mine (x int)");
        }

        // The aggregation and anomaly detection, as the analytics login.
        var (exit, output) = AirqProcess.Run(Environment(analyticsDb, harness), "aggregate");
        Assert.True(exit == 0, output);
        // Rebuilding hourly sums from the raw readings stages and folds them, as the analytics login too.
        (exit, output) = AirqProcess.Run(Environment(analyticsDb, harness), "aggregate", "--rebuild", "--from", "2026-11-01", "--to", "2026-11-01");
        Assert.True(exit == 0, output);
        (exit, output) = AirqProcess.Run(Environment(analyticsDb, harness), "anomalies", "--date", "2026-11-01");
        Assert.True(exit == 0, output);
        await using (var analytics = Database.CreateDataSource(analyticsDb))
        await using (var connection = await analytics.OpenConnectionAsync())
        {
            Assert.True(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sensor_daily WHERE day = '2026-11-01'") >= harness.Registry.Sensors.Count);
            await AssertRefusedAsync(connection, "INSERT INTO sensor_readings (sensor_id, observed_at) VALUES ('S0001', now())");
            await AssertRefusedAsync(connection, "UPDATE ingest_offsets SET next_offset = 0");
            await AssertRefusedAsync(connection, "DELETE FROM sensors");
            await AssertRefusedAsync(connection, "CREATE TABLE mine (x int)");
        }
    }

    [Fact]
    public void A_login_name_that_is_not_a_plain_identifier_is_refused_before_anything_runs()
    {
        var (exit, output) = AirqProcess.Run(
            new Dictionary<string, string> { ["AIRQ_DB"] = "Host=127.0.0.1;Port=1;Username=x;Password=x;Database=x" }, "db", "grant-analyst", "bob\"; DROP TABLE sensors; --");
        Assert.Equal(2, exit);
        Assert.Contains("is not a valid login name", output, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => DatabaseRoles.CheckLoginName("airq_analyst"));
        Assert.Throws<ArgumentOutOfRangeException>(() => DatabaseRoles.CheckLoginName("Alice"));
        Assert.Equal("alice_2", DatabaseRoles.CheckLoginName("alice_2"));
    }

    /// <summary>Runs <c>airq db GRANT NAME</c> with a password in <paramref name="passwordVariable"/>; returns the login and a connection string for it.</summary>
    (string Login, string ConnectionString) GrantWithCli(NpgsqlDataSource db, string verb, string passwordVariable, params string[] more)
    {
        var login = $"t_{Guid.NewGuid():N}"[..20];
        var password = DatabaseRoles.GeneratePassword();
        var (exit, output) = AirqProcess.Run(
            new Dictionary<string, string> { ["AIRQ_DB"] = postgres.ConnectionString(db), [passwordVariable] = password }, ["db", verb, login, .. more]);
        Assert.True(exit == 0, output);
        Assert.Contains($"Created login {login}", output, StringComparison.Ordinal);
        Assert.DoesNotContain(password, output, StringComparison.Ordinal);
        return (login, new NpgsqlConnectionStringBuilder(postgres.ConnectionString(db)) { Username = login, Password = password }.ConnectionString);
    }

    static Dictionary<string, string> Environment(string connectionString, IngestHarness harness) => new()
    {
        ["AIRQ_DB"] = connectionString,
        ["AIRQ_KAFKA_BOOTSTRAP"] = harness.Broker.BootstrapServers,
        ["AIRQ_Ingest__MaxAge"] = "4000.00:00:00",
    };

    static async Task AssertRefusedAsync(NpgsqlConnection connection, string sql)
    {
        var e = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(sql));
        Assert.True(e.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{sql}: expected permission denied, got {e.SqlState} {e.MessageText}");
    }

    /// <summary>The relations and functions named in docs/sql.md, section "What to query".</summary>
    static (HashSet<string> Relations, HashSet<string> Functions) DocumentedObjects()
    {
        var guide = File.ReadAllText(Path.Combine(TestRegistry.RepositoryRoot, "docs", "sql.md"));
        var section = guide[guide.IndexOf("## What to query", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        var functions = FunctionName().Matches(section).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var relations = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in section.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        {
            var firstCell = row.Split('|')[1];
            relations.UnionWith(RelationName().Matches(firstCell).Select(m => m.Groups[1].Value));
        }

        return (relations, functions);
    }

    [GeneratedRegex(@"`([a-z_0-9]+)\(")]
    private static partial Regex FunctionName();

    [GeneratedRegex(@"`([a-z_0-9]+)`")]
    private static partial Regex RelationName();
}

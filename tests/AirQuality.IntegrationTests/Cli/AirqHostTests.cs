using AirQuality.Aggregation;
using AirQuality.Anomalies;
using AirQuality.Attribution;
using AirQuality.Attribution.Model;
using AirQuality.Cli;
using AirQuality.Cli.Monitoring;
using AirQuality.Ingest;
using AirQuality.Ingest.Kafka;
using AirQuality.Reports;
using AirQuality.Storage;
using AirQuality.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AirQuality.IntegrationTests.Cli;

/// <summary>The host a command builds: the stages' <c>AddXxx</c>, the settings and the command's flags laid over them.</summary>
[Collection(DatabaseTests.Name)]
public sealed class AirqHostTests(PostgresFixture postgres)
{
    static AirqConfiguration Configuration(string connectionString, params (string Key, string Value)[] settings) =>
        AirqConfiguration.From(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Append((Key: "Database:ConnectionString", Value: connectionString)).Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build());

    [Fact]
    public async Task Flags_and_the_city_settings_reach_every_stage_without_changing_the_configuration_read()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var configuration = Configuration(postgres.ConnectionString(db), ("TimeZone", "America/Los_Angeles"), ("Ingest:BatchSize", "1234"), ("Monitoring:Port", "0"));
        using var host = await AirqHost.BuildAsync(configuration, new Dictionary<string, string?>
        {
            ["Monitoring:Port"] = "9123",
            ["Kafka:BootstrapServers"] = "broker.example:9092",
            ["Kafka:GroupId"] = null,
        }, CancellationToken.None);
        var services = host.Services;

        Assert.Equal(9123, services.GetRequiredService<MonitoringOptions>().Port);
        Assert.Equal("broker.example:9092", services.GetRequiredService<KafkaOptions>().BootstrapServers);
        Assert.Equal("airq-ingest", services.GetRequiredService<KafkaOptions>().GroupId);
        Assert.Equal(1234, services.GetRequiredService<IngestOptions>().BatchSize);
        Assert.Equal("America/Los_Angeles", services.GetRequiredService<AggregationOptions>().TimeZone);
        Assert.Equal("America/Los_Angeles", services.GetRequiredService<ReportOptions>().TimeZone);
        Assert.Equal("America/Los_Angeles", services.GetRequiredService<CityCalendar>().Zone.Id);
        Assert.NotNull(services.GetRequiredService<Aggregator>());
        Assert.NotNull(services.GetRequiredService<AnomalyDetector>());
        Assert.NotNull(services.GetRequiredService<ReportQueries>());
        // The flags are the host's: the configuration the command read is left as it was (commands used to write into it).
        Assert.Equal("0", configuration.Root["Monitoring:Port"]);
        Assert.Null(configuration.Root["Kafka:BootstrapServers"]);
    }

    [Fact]
    public async Task A_host_builds_without_a_trained_model_and_asking_for_the_model_names_its_setting()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var missing = Path.Combine(Path.GetTempPath(), $"airq-no-model-{Guid.NewGuid():N}.json");
        using var host = await AirqHost.BuildAsync(Configuration(postgres.ConnectionString(db), ("Attribution:ModelPath", missing)), new Dictionary<string, string?>(), CancellationToken.None);

        var error = Assert.Throws<AttributionModelException>(() => host.Services.GetRequiredService<AttributionRunner>());
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("Attribution:ModelPath", error.Message, StringComparison.Ordinal);
    }

    const string Unreachable = "Host=127.0.0.1;Port=1;Username=x;Password=x;Database=x;Timeout=2";

    [Fact]
    public async Task A_bad_setting_is_refused_before_the_database_is_touched()
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            AirqHost.BuildAsync(Configuration(Unreachable, ("Ingest:BatchSize", "0")), new Dictionary<string, string?>(), CancellationToken.None));
        Assert.Contains("Ingest:BatchSize must be between 1 and 100,000 messages.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_without_a_database_builds_where_none_can_be_reached_and_says_so_if_one_is_asked_for()
    {
        using var host = await AirqHost.BuildAsync(Configuration(Unreachable), new Dictionary<string, string?>(), HostNeeds.Nothing, CancellationToken.None);

        Assert.NotNull(host.Services.GetRequiredService<AggregationOptions>());
        var error = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>());
        Assert.Contains("without a database", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_only_leaves_a_database_never_migrated_as_it_is_and_migrated_applies_every_migration()
    {
        await using var db = await postgres.NewDatabaseAsync(migrate: false);
        var configuration = Configuration(postgres.ConnectionString(db), ("Database:Timescale", "off"));
        using (var server = await AirqHost.BuildAsync(configuration, new Dictionary<string, string?>(), new HostNeeds(DatabaseMode.ServerOnly), CancellationToken.None))
        {
            Assert.Empty(server.Services.GetRequiredService<DatabaseServer>().Applied);
            Assert.Empty((await DatabaseInfo.ReadAsync(server.Services.GetRequiredService<Npgsql.NpgsqlDataSource>(), CancellationToken.None)).Migrations);
        }

        using var migrated = await AirqHost.BuildAsync(configuration, new Dictionary<string, string?>(), new HostNeeds(DatabaseMode.Migrated), CancellationToken.None);
        Assert.Equal(Migrator.All.Count, migrated.Services.GetRequiredService<DatabaseServer>().Applied.Count);
        await migrated.Services.GetRequiredService<Migrator>().EnsureUpToDateAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_worker_without_a_broker_is_refused_before_the_database_is_touched()
    {
        var error = await Assert.ThrowsAsync<UsageException>(() =>
            AirqHost.BuildAsync(Configuration(Unreachable), new Dictionary<string, string?>(), new HostNeeds(Broker: BrokerMode.Configured), CancellationToken.None));
        Assert.Contains("./airq broker", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_never_migrated_is_refused_when_the_host_is_built()
    {
        await using var db = await postgres.NewDatabaseAsync(migrate: false);
        await Assert.ThrowsAsync<PendingMigrationsException>(() =>
            AirqHost.BuildAsync(Configuration(postgres.ConnectionString(db)), new Dictionary<string, string?>(), CancellationToken.None));
    }
}

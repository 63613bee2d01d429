using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using AirQuality.Cli.Monitoring;
using AirQuality.Contracts;
using AirQuality.Ingest.Kafka;
using Confluent.Kafka;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace AirQuality.IntegrationTests;

/// <summary>A worker that stops on an error it does not retry must exit non-zero within seconds, so that <c>restart: unless-stopped</c> restarts it.</summary>
public sealed partial class MonitoringTests
{
    [Fact]
    public async Task An_ingest_worker_stopped_by_a_database_error_it_does_not_retry_exits_non_zero_within_seconds()
    {
        await using var harness = await IngestHarness.StartAsync(postgres);
        await using (var connection = await harness.Database.OpenConnectionAsync())
        {
            // A CHECK the validator does not know: the database refuses the batch, which is not a transient error.
            await connection.ExecuteAsync("ALTER TABLE sensor_readings ADD CONSTRAINT test_pm25_below_1000 CHECK (pm25_ugm3 < 1000)");
        }

        var (worker, url) = await StartReadyIngestWorkerAsync(harness);
        using var _ = worker;

        using (var producer = new ProducerBuilder<string, byte[]>(KafkaClients.Producer(harness.Broker.BootstrapServers, new KafkaOptions())).Build())
        {
            await producer.ProduceAsync(Topics.SensorReadings, new Message<string, byte[]>
            {
                Key = "S0001",
                Value = Encoding.UTF8.GetBytes("{\"sensor_id\":\"S0001\",\"observed_at\":\"2026-11-01T00:05:00Z\",\"pm25\":1500}"),
            });
        }

        var watch = Stopwatch.StartNew();
        var exit = worker.WaitForExit(TimeSpan.FromSeconds(30));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"The worker took {watch.Elapsed} to exit.");
        Assert.Equal(1, exit);
        Assert.Contains("error: the ingest worker stopped:", worker.Output, StringComparison.Ordinal);
        Assert.Contains("test_pm25_below_1000", worker.Output, StringComparison.Ordinal);
        Assert.Equal(0, await harness.StoredRowsAsync());
    }

    [Fact]
    public async Task An_analytics_worker_stopped_by_a_database_error_exits_non_zero_within_seconds()
    {
        await using var harness = await IngestHarness.StartAsync(postgres);
        using var worker = AirqProcess.Start(new Dictionary<string, string> { ["AIRQ_DB"] = postgres.ConnectionString(harness.Database) }, "aggregate", "--every", "00:00:01");
        await IngestHarness.Until(() => worker.HasExited || worker.Output.Contains("Aggregation: nothing to do", StringComparison.Ordinal), TimeSpan.FromMinutes(1));
        Assert.False(worker.HasExited, worker.Output);

        await using (var connection = await harness.Database.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("ALTER TABLE aggregation_dirty_hours RENAME TO aggregation_dirty_hours_gone");
        }

        var watch = Stopwatch.StartNew();
        Assert.Equal(1, worker.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"The worker took {watch.Elapsed} to exit.");
        Assert.Contains("aggregation_dirty_hours", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Liveness_fails_with_the_reason_once_the_worker_has_stopped_for_good()
    {
        string? stoppedBy = null;
        var port = FreePort();
        await using var server = HealthServer.Start(new MonitoringOptions { Port = port }, _ => Task.FromResult<string?>(null), _ => Task.FromResult(""), NullLogger.Instance, () => stoppedBy);
        var url = $"http://localhost:{port}/health/live";
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(url));

        stoppedBy = "PostgresException: 23514: new row violates check constraint";
        using var response = await Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("23514", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

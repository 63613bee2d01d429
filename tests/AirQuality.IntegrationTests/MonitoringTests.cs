using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using AirQuality.Cli.Monitoring;
using AirQuality.Simulation;
using AirQuality.Tests.Support;
using Dapper;
using Xunit;

namespace AirQuality.IntegrationTests;

/// <summary>The workers' HTTP endpoint: health probes and the Prometheus scrape of a real <c>airq ingest</c> process.</summary>
[Collection(ProcessTests.Name)]
public sealed partial class MonitoringTests(PostgresFixture postgres)
{
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Starts <c>airq ingest</c> with a metrics port against the harness's database and broker, and waits until it is ready.</summary>
    async Task<(AirqProcess Worker, string Url)> StartReadyIngestWorkerAsync(IngestHarness harness)
    {
        var port = FreePort();
        var environment = new Dictionary<string, string>
        {
            ["AIRQ_DB"] = postgres.ConnectionString(harness.Database),
            ["AIRQ_KAFKA_BOOTSTRAP"] = harness.Broker.BootstrapServers,
            ["AIRQ_Ingest__MaxAge"] = "4000.00:00:00",
        };
        var worker = AirqProcess.Start(environment, "ingest", "--metrics-port", port.ToString(CultureInfo.InvariantCulture));
        var url = $"http://localhost:{port}";
        await IngestHarness.Until(async () => worker.HasExited || await StatusAsync($"{url}/health/ready") == HttpStatusCode.OK, TimeSpan.FromMinutes(1));
        Assert.False(worker.HasExited, worker.Output);
        return (worker, url);
    }

    [Fact]
    public async Task The_ingest_worker_reports_readiness_and_counters_that_match_the_database_then_stops_on_SIGTERM()
    {
        await using var harness = await IngestHarness.StartAsync(postgres);
        var (worker, url) = await StartReadyIngestWorkerAsync(harness);
        using var _ = worker;
        Assert.Equal(HttpStatusCode.OK, await StatusAsync($"{url}/health/live"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync($"{url}/nothing"));

        var summary = await harness.SimulateAsync(IngestHarness.Start, TimeSpan.FromHours(2), faults: new FaultOptions(Malformed: 0.01, Duplicate: 0.02, UnknownSensor: 0.01));
        Assert.True(summary.Malformed > 0 && summary.UnknownSensor > 0 && summary.Duplicated > 0, "The simulation injected no faults of some kind.");
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        await IngestHarness.Until(async () =>
        {
            metrics = Parse(await Http.GetStringAsync($"{url}/metrics"));
            // Settled: stored, duplicate or rejected (consumed is counted earlier, when a batch is validated).
            var settled = metrics.Where(m => m.Key.StartsWith("airq_ingest_stored_total{", StringComparison.Ordinal) || m.Key.StartsWith("airq_ingest_rejected_total{", StringComparison.Ordinal)).Sum(m => m.Value)
                + metrics["airq_ingest_duplicates_total"];
            return settled >= summary.ExpectedStored + summary.ExpectedRejected + summary.ExpectedDuplicates;
        }, TimeSpan.FromMinutes(1));

        await using (var connection = await harness.Database.OpenConnectionAsync())
        {
            Assert.Equal(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sensor_readings"), metrics["airq_ingest_stored_total{kind=\"reading\"}"]);
            Assert.Equal(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM source_telemetry"), metrics["airq_ingest_stored_total{kind=\"telemetry\"}"]);
        }

        Assert.Equal(summary.ExpectedStored, metrics["airq_ingest_stored_total{kind=\"reading\"}"] + metrics["airq_ingest_stored_total{kind=\"telemetry\"}"]);
        Assert.Equal(summary.ExpectedDuplicates, metrics["airq_ingest_duplicates_total"]);
        Assert.Equal(summary.UnknownSensor, metrics["airq_ingest_rejected_total{reason=\"unknown_sensor\"}"]);
        Assert.Equal(summary.ExpectedRejected, metrics.Where(m => m.Key.StartsWith("airq_ingest_rejected_total{", StringComparison.Ordinal)).Sum(m => m.Value));
        Assert.Equal(0, metrics["airq_ingest_rejected_total{reason=\"oversized\"}"]);
        Assert.Equal(summary.ExpectedStored + summary.ExpectedRejected + summary.ExpectedDuplicates, metrics["airq_ingest_consumed_total"]);
        Assert.Equal(1, metrics["airq_ingest_up"]);
        Assert.True(metrics["airq_ingest_assigned_partitions"] > 0);
        Assert.True(metrics["airq_ingest_latency_seconds_count"] > 0);

        Assert.Equal(0, worker.Terminate(TimeSpan.FromSeconds(30)));
        Assert.Contains("Ingest stopped", worker.Output, StringComparison.Ordinal);
        Assert.Null(await StatusAsync($"{url}/health/live"));
    }

    [Fact]
    public async Task The_analytics_worker_aggregates_on_schedule_detects_anomalies_serves_its_metrics_and_stops_on_SIGTERM()
    {
        await using var harness = await IngestHarness.StartAsync(postgres);
        var summary = await harness.SimulateAsync(IngestHarness.Start, TimeSpan.FromHours(2));
        await harness.RunUntilSettledAsync(new AirQuality.Ingest.IngestCounters(), summary.Messages);
        var port = FreePort();
        using var worker = AirqProcess.Start(
            new Dictionary<string, string> { ["AIRQ_DB"] = postgres.ConnectionString(harness.Database) },
            "aggregate", "--every", "00:00:01", "--anomalies", "--metrics-port", port.ToString(CultureInfo.InvariantCulture));
        var url = $"http://localhost:{port}";
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        await IngestHarness.Until(async () =>
        {
            if (worker.HasExited || await StatusAsync($"{url}/health/ready") != HttpStatusCode.OK)
            {
                return worker.HasExited;
            }

            metrics = Parse(await Http.GetStringAsync($"{url}/metrics"));
            return metrics.GetValueOrDefault("airq_aggregation_runs_total") >= 1 && worker.Output.Contains("Anomalies for ", StringComparison.Ordinal);
        }, TimeSpan.FromMinutes(1));
        Assert.False(worker.HasExited, worker.Output);

        await using (var connection = await harness.Database.OpenConnectionAsync())
        {
            var finished = await connection.ExecuteScalarAsync<DateTime>("SELECT max(finished_at) FROM aggregation_runs");
            // Microseconds in the database, a double in the scrape: equal to within a microsecond or so.
            Assert.Equal((finished - DateTime.UnixEpoch).TotalSeconds, metrics["airq_aggregation_last_run_timestamp_seconds"], tolerance: 1e-5);
            Assert.Equal(0, metrics["airq_aggregation_pending_hours"]);
            Assert.Equal(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM report_deliveries WHERE status = 'failed'"), metrics["airq_report_failed_deliveries"]);
        }

        Assert.Equal(0, worker.Terminate(TimeSpan.FromSeconds(30)));
        Assert.Contains("Aggregation stopped.", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_scrape_follows_the_text_exposition_format()
    {
        var text = new PrometheusText()
            .Counter("airq_test_total", "A help text with a \\ backslash\nand a new line.", 3)
            .Family("airq_test_by_reason", "counter", "By reason.")
            .Sample("airq_test_by_reason", 1.5, ("reason", "a \"quoted\"\nvalue\\"))
            .Gauge("airq_test_nan", "Not a number.", double.NaN)
            .ToString();
        Assert.Equal(
            "# HELP airq_test_total A help text with a \\\\ backslash\\nand a new line.\n# TYPE airq_test_total counter\nairq_test_total 3\n" +
            "# HELP airq_test_by_reason By reason.\n# TYPE airq_test_by_reason counter\nairq_test_by_reason{reason=\"a \\\"quoted\\\"\\nvalue\\\\\"} 1.5\n" +
            "# HELP airq_test_nan Not a number.\n# TYPE airq_test_nan gauge\nairq_test_nan NaN\n",
            text);
    }

    /// <summary>Samples by name with labels; every line must be a comment or a sample, and every family declared before its samples.</summary>
    static Dictionary<string, double> Parse(string scrape)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in scrape.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (TypeLine().Match(line) is { Success: true } type)
            {
                Assert.True(declared.Add(type.Groups[1].Value), $"Family declared twice: {line}");
                continue;
            }

            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                continue;
            }

            var sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"Not a sample line: {line}");
            var name = sample.Groups[1].Value;
            Assert.True(declared.Contains(name) || declared.Contains(SummarySuffix().Replace(name, "")), $"Sample before its # TYPE: {line}");
            samples[name + sample.Groups[2].Value] = double.Parse(sample.Groups[3].Value, CultureInfo.InvariantCulture);
        }

        return samples;
    }

    static async Task<HttpStatusCode?> StatusAsync(string url)
    {
        try
        {
            using var response = await Http.GetAsync(url);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null; // nothing listening (yet, or any more)
        }
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|summary|histogram|untyped)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\]|\\.)*""(?:,[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\]|\\.)*"")*\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex("_(sum|count)$")]
    private static partial Regex SummarySuffix();
}

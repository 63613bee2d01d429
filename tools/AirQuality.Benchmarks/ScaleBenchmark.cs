using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;

namespace AirQuality.Benchmarks;

/// <summary>
/// Ingests the same backlog with 1, 2, ... real <c>airq ingest</c> processes in one consumer group, one after the
/// other, against the same broker and database: how throughput grows with workers on this machine.
/// </summary>
/// <remarks>
/// Each run truncates the tables ingest writes and uses a new consumer group, so it starts from the first offset
/// with an empty database. The clock starts when every process has its partitions (read from their
/// <c>/metrics</c>), so process start-up and the group's rebalances are left out, and stops when the processes
/// together have stored the whole backlog; readings stored before the clock started are not counted.
/// </remarks>
public sealed partial class ScaleBenchmark(string bootstrap, string connectionString, NpgsqlDataSource database, int partitions, Action<string> progress)
{
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    readonly System.Collections.Concurrent.ConcurrentDictionary<Process, System.Collections.Concurrent.ConcurrentQueue<string>> _tails = new();

    public async Task<ScaleRun> RunAsync(int processes, long readings, CancellationToken cancellationToken)
    {
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        await using (var truncate = new NpgsqlCommand("TRUNCATE sensor_readings, source_telemetry, sensor_hourly, sensor_hourly_pending, aggregation_dirty_hours, ingest_offsets, ingest_workers", connection))
        {
            await truncate.ExecuteNonQueryAsync(cancellationToken);
        }

        var group = $"airq-scale-{processes}-{Guid.NewGuid():N}"[..24];
        var ports = FreePorts(processes);
        var wall = Stopwatch.StartNew();
        var children = ports.Select(port => Start(group, port)).ToList();
        try
        {
            progress($"  {processes} process(es) started in group {group}; waiting until they share the {partitions} partitions ...");
            long storedAtStart;
            while (true)
            {
                var scrapes = await ScrapeAllAsync(ports, children, cancellationToken);
                if (scrapes.All(s => s.GetValueOrDefault("airq_ingest_assigned_partitions") > 0)
                    && scrapes.Sum(s => s.GetValueOrDefault("airq_ingest_assigned_partitions")) >= partitions)
                {
                    storedAtStart = (long)scrapes.Sum(Stored);
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            }

            var clock = Stopwatch.StartNew();
            IReadOnlyList<Dictionary<string, double>> last;
            while (true)
            {
                last = await ScrapeAllAsync(ports, children, cancellationToken);
                if (last.Sum(Stored) >= readings)
                {
                    break;
                }

                // Polled, not slept on: each scrape reads the worker's counters, so fewer is kinder to what is measured.
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }

            var seconds = clock.Elapsed.TotalSeconds;
            var run = new ScaleRun(processes, readings - storedAtStart, seconds, wall.Elapsed.TotalSeconds, last.Select(s => (long)Stored(s)).ToList(), LoadAverage());
            progress($"  {run.Readings:N0} readings in {seconds:0.0} s: {run.ReadingsPerSecond:N0} readings/s (stored per process: {string.Join(", ", run.StoredPerProcess.Select(n => n.ToString("N0", CultureInfo.InvariantCulture)))})");
            return run;
        }
        finally
        {
            foreach (var child in children)
            {
                Terminate(child);
            }

            foreach (var child in children)
            {
                await child.WaitForExitAsync(CancellationToken.None);
                child.Dispose();
            }
        }
    }

    /// <summary>The 1-minute load average: the machine is shared, and a busy neighbour shows here.</summary>
    static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    static double Stored(Dictionary<string, double> scrape) =>
        scrape.GetValueOrDefault("airq_ingest_stored_total{kind=\"reading\"}") + scrape.GetValueOrDefault("airq_ingest_duplicates_total");

    Process Start(string group, int port)
    {
        // The same program, run as a user would: dotnet airq.dll ingest.
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(typeof(ScaleBenchmark).Assembly.Location);
        psi.ArgumentList.Add("ingest");
        psi.Environment["AIRQ_DB"] = connectionString;
        psi.Environment["AIRQ_KAFKA_BOOTSTRAP"] = bootstrap;
        psi.Environment["AIRQ_Kafka__GroupId"] = group;
        psi.Environment["AIRQ_Monitoring__Port"] = port.ToString(CultureInfo.InvariantCulture);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start an airq ingest process.");
        // Drained, keeping the last lines for an error message: a full pipe would stall the child.
        var tail = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _tails[process] = tail;
        void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }

            tail.Enqueue(line);
            while (tail.Count > 20 && tail.TryDequeue(out _))
            {
            }
        }

        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    async Task<IReadOnlyList<Dictionary<string, double>>> ScrapeAllAsync(List<int> ports, List<Process> children, CancellationToken cancellationToken)
    {
        var scrapes = new List<Dictionary<string, double>>();
        foreach (var (port, child) in ports.Zip(children))
        {
            if (child.HasExited)
            {
                await child.WaitForExitAsync(cancellationToken);
                throw new InvalidOperationException($"An airq ingest process exited early (code {child.ExitCode}); its last lines:{Environment.NewLine}" +
                    string.Join(Environment.NewLine, _tails.TryGetValue(child, out var tail) ? tail : []));
            }

            try
            {
                scrapes.Add(Parse(await Http.GetStringAsync(new Uri($"http://localhost:{port}/metrics"), cancellationToken)));
            }
            catch (HttpRequestException)
            {
                scrapes.Add([]); // not listening yet
            }
        }

        return scrapes;
    }

    static Dictionary<string, double> Parse(string scrape) =>
        SampleLine().Matches(scrape).ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), StringComparer.Ordinal);

    static void Terminate(Process child)
    {
        if (child.HasExited)
        {
            return;
        }

        // SIGTERM, so each worker flushes and leaves its group as in production.
        using var kill = Process.Start("kill", ["-TERM", child.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>
    /// Distinct free ports: all are held until all are chosen, since a port released at once can be handed out
    /// again (two children on one port: the second cannot listen and exits with code 1).
    /// </summary>
    static List<int> FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }

    [GeneratedRegex(@"(?m)^([a-z_]+(?:\{[^}]*\})?) (\S+)$")]
    private static partial Regex SampleLine();
}

using System.Diagnostics;
using AirQuality.Development;

namespace AirQuality.Tests.Support;

/// <summary>
/// The one private PostgreSQL cluster of a test process (one test assembly): started by the first test that asks,
/// in a temporary folder on a free port (TimescaleDB preloaded when installed), and stopped and deleted once the
/// process has exited. Every test makes a database of its own in it, so test classes run in parallel without
/// seeing each other's rows, and the cluster starts once, not once per class.
/// </summary>
public static class SharedCluster
{
    static readonly Lock _lock = new();
    static Task<PrivateCluster>? _cluster;

    /// <summary>The running cluster, started on the first call.</summary>
    public static Task<PrivateCluster> GetAsync()
    {
        lock (_lock)
        {
            return _cluster ??= StartAsync();
        }
    }

    static async Task<PrivateCluster> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"airq-test-pg-{Guid.NewGuid():N}");
        try
        {
            var (cluster, _) = await PrivateCluster.EnsureRunningAsync(directory, preloadTimescale: true, progress: null, CancellationToken.None);
            DeleteAfterExit(cluster);
            return cluster;
        }
        catch
        {
            // The tests that asked fail saying why; what was made of the cluster must not stay behind.
            if (PrivateCluster.Existing(directory) is { } halfMade)
            {
                await halfMade.DeleteAsync(CancellationToken.None);
            }

            throw;
        }
    }

    /// <summary>
    /// Leaves a watchdog, outside this process's tree, that waits for this process to end and then stops the
    /// cluster and removes its folders. Neither xunit 2's end of run nor a process-exit handler is enough: the test
    /// host is killed a moment after its last result is reported (a cleanup there was seen cut off between
    /// stopping the server and deleting its data), and not at all if it crashes.
    /// </summary>
    static void DeleteAfterExit(PrivateCluster cluster)
    {
        // As root the server runs as postgres (PrivateCluster), and pg_ctl must too.
        var asServer = Environment.UserName == "root" ? "runuser -u postgres -- " : "";
        const string script = """
            while kill -0 "$1" 2>/dev/null; do sleep 1; done
            $5"$2/pg_ctl" -D "$3" -m fast -w stop >/dev/null 2>&1
            rm -rf "$4" "$6"
            """;
        // setsid -f forks: the watchdog's parent exits at once, so it is not in the tree the test host's killer walks.
        using var watchdog = Process.Start(new ProcessStartInfo("setsid", [
            "-f", "sh", "-c", script, "watchdog", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            cluster.BinDirectory, cluster.DataPath, cluster.Directory, asServer, Path.GetDirectoryName(cluster.DataPath)!,
        ])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/",
        }) ?? throw new InvalidOperationException("Could not start the watchdog that deletes the test cluster (setsid).");
        watchdog.WaitForExit();
    }
}

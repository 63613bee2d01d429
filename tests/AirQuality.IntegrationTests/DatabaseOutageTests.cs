using AirQuality.Ingest;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.IntegrationTests;

/// <summary>The ingest worker through a database outage: the process's shared cluster is stopped, so this class runs alone (<see cref="DatabaseOutage"/>).</summary>
[Collection(DatabaseOutage.Name)]
public sealed class DatabaseOutageTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_database_down_for_twenty_seconds_pauses_the_worker_which_then_catches_up_losing_and_doubling_nothing()
    {
        await using var harness = await IngestHarness.StartAsync(postgres);
        var counters = new IngestCounters();
        using var stop = new CancellationTokenSource();
        var running = harness.Worker(counters, options: new IngestOptions
        {
            MaxAge = TimeSpan.FromDays(4000), BatchSize = 500, RetryDelay = TimeSpan.FromMilliseconds(200), MaxRetryDelay = TimeSpan.FromSeconds(2),
        }).RunAsync(stop.Token);

        var streaming = harness.SimulateAsync(IngestHarness.Start, TimeSpan.FromHours(12), speed: 3600 * 12 / 30.0); // about 30 seconds
        await IngestHarness.Until(() => counters.Stored > 1_000, TimeSpan.FromMinutes(1));
        await postgres.StopAsync();
        var storedWhenDown = counters.Stored;
        // The outage itself: twenty seconds of a stopped server while messages keep arriving.
        await Task.Delay(TimeSpan.FromSeconds(20));
        Assert.False(running.IsCompleted, "The worker exited during the outage.");
        Assert.True(counters.Stored - storedWhenDown <= 500, "Records were counted as stored while the database was down.");
        await postgres.StartAsync();

        var summary = await streaming;
        await IngestHarness.Until(() => counters.Settled >= summary.Messages, TimeSpan.FromMinutes(2));
        await stop.CancelAsync();
        await running;
        Assert.Equal(summary.ExpectedStored, counters.Stored);
        Assert.Equal(0, counters.Duplicates);
        Assert.Equal(summary.ExpectedStored, await harness.StoredRowsAsync());
    }
}

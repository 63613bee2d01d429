using System.Net;
using System.Net.Sockets;
using AirQuality.Cli.Monitoring;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace AirQuality.IntegrationTests;

public sealed partial class MonitoringTests
{
    [Fact]
    public async Task A_probe_connecting_while_the_endpoint_starts_does_not_stop_it()
    {
        // A liveness probe polls a starting worker: connections arrive while the server binds. The HttpListener this
        // replaced threw ArgumentNullException from Start when one arrived then (dotnet/corefx#35191).
        var port = FreePort();
        using var stop = new CancellationTokenSource();
        var probe = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = new TcpClient();
                try
                {
                    await client.ConnectAsync(IPAddress.Loopback, port, stop.Token);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                }
            }
        });

        for (var i = 0; i < 20; i++)
        {
            await using var server = HealthServer.Start(new MonitoringOptions { Port = port }, _ => Task.FromResult<string?>(null), _ => Task.FromResult(""), NullLogger.Instance);
            Assert.Equal(HttpStatusCode.OK, await StatusAsync($"http://localhost:{port}/health/live"));
        }

        await stop.CancelAsync();
        await probe;
    }

    [Fact]
    public async Task A_port_already_taken_is_refused_with_what_to_do()
    {
        var port = FreePort();
        await using var first = HealthServer.Start(new MonitoringOptions { Port = port, Host = "127.0.0.1" }, _ => Task.FromResult<string?>(null), _ => Task.FromResult(""), NullLogger.Instance);
        var refused = Assert.Throws<InvalidOperationException>(() =>
            HealthServer.Start(new MonitoringOptions { Port = port, Host = "127.0.0.1" }, _ => Task.FromResult<string?>(null), _ => Task.FromResult(""), NullLogger.Instance));
        Assert.StartsWith($"Cannot listen on 127.0.0.1:{port} for health and metrics (", refused.Message, StringComparison.Ordinal);
        Assert.EndsWith("Choose another Monitoring:Port or --metrics-port.", refused.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync($"http://127.0.0.1:{port}/health/live"));
    }
}

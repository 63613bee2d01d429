using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AirQuality.Cli.Monitoring;

/// <summary>
/// A small HTTP endpoint beside a worker: <c>GET /health/live</c> (200 while the process serves requests and its
/// worker has not stopped for good, else 503 with the reason),
/// <c>GET /health/ready</c> (200 when the worker can do its work, else 503 with the reason) and <c>GET /metrics</c>
/// (Prometheus text format).
/// </summary>
/// <remarks>
/// Kestrel, not <see cref="HttpListener"/>: on Linux the managed HttpListener's <c>Start</c> throws an
/// ArgumentNullException when a client connects while it starts (dotnet/corefx#35191) and leaves an orphaned accept on
/// the port, which a probe polling a starting worker hit in the integration tests.
/// </remarks>
public sealed class HealthServer : IAsyncDisposable
{
    const string Text = "text/plain; charset=utf-8";

    readonly WebApplication _app;
    readonly Func<CancellationToken, Task<string?>> _notReadyReason;
    readonly Func<CancellationToken, Task<string>> _metrics;
    readonly Func<string?> _notLiveReason;
    readonly ILogger _logger;
    readonly CancellationTokenSource _stop = new();

    HealthServer(MonitoringOptions options, Func<CancellationToken, Task<string?>> notReadyReason, Func<CancellationToken, Task<string>> metrics, Func<string?> notLiveReason, ILogger logger)
    {
        _notReadyReason = notReadyReason;
        _metrics = metrics;
        _notLiveReason = notLiveReason;
        _logger = logger;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (options.Host == "localhost")
            {
                kestrel.ListenLocalhost(options.Port);
            }
            else if (options.Host is "*" or "+")
            {
                kestrel.ListenAnyIP(options.Port);
            }
            else
            {
                kestrel.Listen(IPAddress.Parse(options.Host), options.Port);
            }
        });
        _app = builder.Build();
        _app.Run(RespondAsync);
    }

    /// <summary>
    /// Starts listening when <see cref="MonitoringOptions.Port"/> is set; null otherwise. <paramref name="notReadyReason"/>
    /// returns null when ready, else why not; <paramref name="metrics"/> returns the scrape; <paramref name="notLiveReason"/>
    /// (default: always live) returns null while the worker lives, else why it stopped for good.
    /// </summary>
    public static HealthServer? Start(MonitoringOptions options, Func<CancellationToken, Task<string?>> notReadyReason, Func<CancellationToken, Task<string>> metrics, ILogger logger, Func<string?>? notLiveReason = null)
    {
        if (options.Validate().Port == 0)
        {
            return null;
        }

        var server = new HealthServer(options, notReadyReason, metrics, notLiveReason ?? (() => null), logger);
        try
        {
            server._app.StartAsync().GetAwaiter().GetResult();
        }
        catch (IOException e)
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw new InvalidOperationException($"Cannot listen on {options.Host}:{options.Port} for health and metrics ({e.Message}). Choose another Monitoring:Port or --metrics-port.", e);
        }

        logger.LogInformation("Health and metrics on http://{Host}:{Port}/ (/health/live, /health/ready, /metrics).", options.Host, options.Port);
        return server;
    }

    async Task RespondAsync(HttpContext context)
    {
        var request = context.Request;
        int status;
        string contentType, body;
        try
        {
            (status, contentType, body) = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
                ? request.Path.Value switch
                {
                    "/health/live" => _notLiveReason() is { } stopped ? (503, Text, $"not live: {stopped}\n") : (200, Text, "live\n"),
                    "/health/ready" => await ReadyAsync(),
                    "/metrics" => (200, PrometheusText.ContentType, await _metrics(_stop.Token)),
                    _ => (404, Text, "Not found: /health/live, /health/ready and /metrics are served.\n"),
                }
                : (405, Text, "Only GET.\n");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A scrape that cannot be answered (the database is down) must not stop the endpoint.
            _logger.LogWarning("Health endpoint: {Path} failed: {Message}", request.Path.Value, e.Message);
            (status, contentType, body) = (500, Text, "");
        }

        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(request.Method))
        {
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        }
    }

    async Task<(int, string, string)> ReadyAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        string? reason;
        try
        {
            reason = await _notReadyReason(timeout.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            reason = $"readiness check failed: {e.Message}";
        }

        return reason is null ? (200, "text/plain; charset=utf-8", "ready\n") : (503, "text/plain; charset=utf-8", $"not ready: {reason}\n");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
        _stop.Dispose();
    }
}

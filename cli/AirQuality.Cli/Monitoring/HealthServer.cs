using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;

namespace AirQuality.Cli.Monitoring;

/// <summary>
/// A small HTTP endpoint beside a worker: <c>GET /health/live</c> (200 while the process serves requests and its
/// worker has not stopped for good, else 503 with the reason),
/// <c>GET /health/ready</c> (200 when the worker can do its work, else 503 with the reason) and <c>GET /metrics</c>
/// (Prometheus text format). Built on <see cref="HttpListener"/>, which needs no web framework.
/// </summary>
public sealed class HealthServer : IAsyncDisposable
{
    readonly HttpListener _listener;
    readonly Func<CancellationToken, Task<string?>> _notReadyReason;
    readonly Func<CancellationToken, Task<string>> _metrics;
    readonly Func<string?> _notLiveReason;
    readonly ILogger _logger;
    readonly CancellationTokenSource _stop = new();
    readonly Task _loop;

    HealthServer(HttpListener listener, Func<CancellationToken, Task<string?>> notReadyReason, Func<CancellationToken, Task<string>> metrics, Func<string?> notLiveReason, ILogger logger)
    {
        _listener = listener;
        _notReadyReason = notReadyReason;
        _metrics = metrics;
        _notLiveReason = notLiveReason;
        _logger = logger;
        _loop = Task.Run(LoopAsync, CancellationToken.None);
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

        var listener = new HttpListener();
        listener.Prefixes.Add($"http://{options.Host}:{options.Port}/");
        try
        {
            listener.Start();
        }
        catch (HttpListenerException e)
        {
            throw new InvalidOperationException($"Cannot listen on {options.Host}:{options.Port} for health and metrics ({e.Message}). Choose another Monitoring:Port or --metrics-port.", e);
        }

        logger.LogInformation("Health and metrics on http://{Host}:{Port}/ (/health/live, /health/ready, /metrics).", options.Host, options.Port);
        return new HealthServer(listener, notReadyReason, metrics, notLiveReason ?? (() => null), logger);
    }

    async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            // One request at a time: scrapes and probes are rare and quick, and a slow readiness check bounds itself.
            try
            {
                await RespondAsync(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                _logger.LogDebug("Health endpoint: the client went away ({Message}).", e.Message);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A scrape that cannot be answered (the database is down) must not stop the endpoint.
                _logger.LogWarning("Health endpoint: {Path} failed: {Message}", context.Request.Url?.AbsolutePath, e.Message);
                try
                {
                    context.Response.StatusCode = 500;
                    context.Response.Close();
                }
                catch (Exception closing) when (closing is HttpListenerException or InvalidOperationException or ObjectDisposedException)
                {
                    _logger.LogDebug("Health endpoint: could not send the error ({Message}).", closing.Message);
                }
            }
        }
    }

    async Task RespondAsync(HttpListenerContext context)
    {
        var (status, contentType, body) = context.Request.HttpMethod is "GET" or "HEAD"
            ? context.Request.Url?.AbsolutePath switch
            {
                "/health/live" => _notLiveReason() is { } stopped ? (503, "text/plain; charset=utf-8", $"not live: {stopped}\n") : (200, "text/plain; charset=utf-8", "live\n"),
                "/health/ready" => await ReadyAsync(),
                "/metrics" => (200, PrometheusText.ContentType, await _metrics(_stop.Token)),
                _ => (404, "text/plain; charset=utf-8", "Not found: /health/live, /health/ready and /metrics are served.\n"),
            }
            : (405, "text/plain; charset=utf-8", "Only GET.\n");
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength64 = bytes.Length;
        if (context.Request.HttpMethod != "HEAD")
        {
            await context.Response.OutputStream.WriteAsync(bytes, _stop.Token);
        }

        context.Response.Close();
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
        _listener.Stop();
        await _loop;
        _listener.Close();
        _stop.Dispose();
    }
}

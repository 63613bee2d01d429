using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AirQuality.Tests.Support;

/// <summary>
/// Debian's Chromium, headless, driven over the DevTools protocol: open a page at a phone's size, measure it in the
/// browser, take a screenshot. Every wait is for a message from the browser, bounded by a time limit.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    readonly Process _process;
    readonly string _profile;
    readonly ClientWebSocket _socket = new();
    int _id;

    HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>The browser, or null when it is not installed.</summary>
    public static string? Executable => Candidates.FirstOrDefault(File.Exists);

    /// <summary>Starts the browser and attaches to its page, emulating a phone <paramref name="width"/> CSS pixels wide.</summary>
    public static async Task<HeadlessChromium> StartAsync(int width, int height, double scale)
    {
        var profile = Path.Combine(Path.GetTempPath(), $"airq-chromium-{Guid.NewGuid():N}");
        var psi = new ProcessStartInfo(Executable ?? throw new InvalidOperationException("Chromium is not installed."))
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        foreach (var arg in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--remote-debugging-port=0",
            "--remote-allow-origins=*", $"--user-data-dir={profile}", $"--window-size={width},{height}", "about:blank" })
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi)!;
        var browser = new HeadlessChromium(process, profile);
        try
        {
            // Chromium prints "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID" on standard error once it listens.
            using var timeout = new CancellationTokenSource(Limit);
            string? line;
            var seen = new StringBuilder();
            while ((line = await process.StandardError.ReadLineAsync(timeout.Token)) is not null && !line.StartsWith("DevTools listening on ", StringComparison.Ordinal))
            {
                seen.AppendLine(line);
            }

            if (line is null)
            {
                throw new InvalidOperationException($"Chromium exited before listening: {seen}");
            }

            var endpoint = new Uri(line["DevTools listening on ".Length..]);
            _ = process.StandardError.ReadToEndAsync(CancellationToken.None); // keep draining so it never blocks on a full pipe
            using var http = new HttpClient();
            var targets = JsonNode.Parse(await http.GetStringAsync(new Uri($"http://{endpoint.Authority}/json/list"), timeout.Token))!.AsArray();
            var page = targets.First(t => (string?)t!["type"] == "page")!;
            await browser._socket.ConnectAsync(new Uri((string)page["webSocketDebuggerUrl"]!), timeout.Token);
            await browser.SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = scale, ["mobile"] = true });
            await browser.SendAsync("Page.enable");
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens <paramref name="url"/> and returns once its load event has fired.</summary>
    public async Task NavigateAsync(Uri url) => await SendAsync("Page.navigate", new JsonObject { ["url"] = url.AbsoluteUri }, waitForEvent: "Page.loadEventFired");

    /// <summary>Evaluates a JavaScript expression in the page and returns its value.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true });
        return result["exceptionDetails"] is { } error ? throw new InvalidOperationException($"{expression}: {error.ToJsonString()}") : result["result"]!["value"];
    }

    /// <summary>Resizes the emulated screen (CSS pixels).</summary>
    public Task ResizeAsync(int width, int height, double scale) =>
        SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = scale, ["mobile"] = true });

    /// <summary>A PNG of the emulated screen, or of the part of the page from <paramref name="top"/> down <paramref name="height"/> CSS pixels.</summary>
    public async Task<byte[]> ScreenshotAsync(int? top = null, int width = 0, int height = 0)
    {
        var parameters = new JsonObject { ["format"] = "png" };
        if (top is { } y)
        {
            parameters["clip"] = new JsonObject { ["x"] = 0, ["y"] = y, ["width"] = width, ["height"] = height, ["scale"] = 1 };
            parameters["captureBeyondViewport"] = true;
        }

        return Convert.FromBase64String((string)(await SendAsync("Page.captureScreenshot", parameters))["data"]!);
    }

    async Task<JsonNode> SendAsync(string method, JsonObject? parameters = null, string? waitForEvent = null)
    {
        var id = ++_id;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? [] };
        using var timeout = new CancellationTokenSource(Limit);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, timeout.Token);
        JsonNode? result = null;
        var eventSeen = waitForEvent is null;
        while (result is null || !eventSeen)
        {
            var reply = await ReceiveAsync(timeout.Token);
            if ((int?)reply["id"] == id)
            {
                result = reply["error"] is { } error ? throw new InvalidOperationException($"{method}: {error.ToJsonString()}") : reply["result"]!;
            }
            else if ((string?)reply["method"] == waitForEvent)
            {
                eventSeen = true;
            }
        }

        return result;
    }

    async Task<JsonNode> ReceiveAsync(CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        WebSocketReceiveResult received;
        do
        {
            received = await _socket.ReceiveAsync(chunk, cancellationToken);
            buffer.Write(chunk, 0, received.Count);
        }
        while (!received.EndOfMessage);
        return JsonNode.Parse(buffer.ToArray()) ?? throw new InvalidOperationException("Chromium sent an empty message.");
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // A helper process may still hold a file for a moment; the folder is in the temporary directory.
        }
    }
}

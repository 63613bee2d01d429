using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace AirQuality.EnforcementConsole;

/// <summary>
/// The <c>Server-Timing</c> header on every response: <c>app;dur=MS</c>, the milliseconds from the request reaching the
/// console to its response starting (queries and rendering; pages are written in one piece). Browsers show it in their
/// developer tools, and <c>airq bench console</c> reads it.
/// </summary>
static class ServerTiming
{
    public static Task Apply(HttpContext context, Func<Task> next)
    {
        var started = Stopwatch.GetTimestamp();
        context.Response.OnStarting(() =>
        {
            context.Response.Headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture, $"app;dur={Stopwatch.GetElapsedTime(started).TotalMilliseconds:F2}");
            return Task.CompletedTask;
        });
        return next();
    }
}

using Microsoft.AspNetCore.Http;

namespace AirQuality.EnforcementConsole;

/// <summary>The headers every console response carries.</summary>
static class SecurityHeaders
{
    /// <summary>No script from anywhere; styles and images only from the console itself; no framing; forms post only here.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static Task Apply(HttpContext context, Func<Task> next)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        // Pages show who must be inspected: never keep them in a shared cache.
        headers.CacheControl = "no-store";
        return next();
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AirQuality.EnforcementConsole;

/// <summary>Builds the console's web application on Kestrel; <c>airq console</c> runs it and the tests host it on a free port.</summary>
public static class ConsoleApp
{
    /// <summary>The default address: loopback only, so nothing outside the machine reaches it unless <c>--urls</c> says so.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>The app with its settings from configuration section <c>Console</c> (what <c>airq console</c> runs).</summary>
    public static WebApplication Create(string urls, string connectionString, IConfiguration configuration, string? keysDirectory, TimeProvider? time = null) =>
        Create(urls, time, services => services.AddEnforcementConsole(configuration, connectionString, keysDirectory));

    public static WebApplication Create(string urls, string connectionString, ConsoleOptions options, TimeProvider? time = null) =>
        Create(urls, time, services => services.AddEnforcementConsole(options, connectionString));

    static WebApplication Create(string urls, TimeProvider? time, Action<IServiceCollection> addConsole)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(urls);
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information)
            // Antiforgery warns on every page with a form that it set Cache-Control: the console sends no-store on every
            // response already (SecurityHeaders), so the warning says nothing and buried real ones.
            .AddFilter("Microsoft.AspNetCore.Antiforgery", LogLevel.Error);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        addConsole(builder.Services);
        var app = builder.Build();
        app.UseEnforcementConsole();
        return app;
    }
}

using Microsoft.AspNetCore.Authentication.Cookies;
using AirQuality.EnforcementConsole.Internal;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AirQuality.EnforcementConsole;

/// <summary>Wires the console's services: database, user store, pages' queries, cookie sign-in and anti-forgery.</summary>
public static class ConsoleServiceCollectionExtensions
{
    public const string TeamClaim = "airq:team";

    /// <summary>
    /// The console with <see cref="ConsoleOptions"/> bound from configuration section <c>Console</c> (checked by its
    /// <c>Validate</c>); <paramref name="keysDirectory"/> is where the cookie keys live unless <c>Console:KeysDirectory</c> says otherwise.
    /// </summary>
    public static IServiceCollection AddEnforcementConsole(this IServiceCollection services, IConfiguration configuration, string connectionString, string? keysDirectory = null)
    {
        var options = configuration.GetSection("Console").Get<ConsoleOptions>() ?? new ConsoleOptions();
        return services.AddEnforcementConsole(options with { KeysDirectory = options.KeysDirectory ?? keysDirectory }, connectionString);
    }

    public static IServiceCollection AddEnforcementConsole(this IServiceCollection services, ConsoleOptions options, string connectionString)
    {
        options.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(new ConsoleDatabase(connectionString, options));
        services.AddSingleton(sp => new ConsoleUserStore(sp.GetRequiredService<ConsoleDatabase>().DataSource, options, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new TodayQueries(sp.GetRequiredService<ConsoleDatabase>().DataSource, options));
        services.AddSingleton(sp => new WorkflowStore(sp.GetRequiredService<ConsoleDatabase>().DataSource, options, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new CityQueries(sp.GetRequiredService<ConsoleDatabase>().DataSource, options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<WorkflowStore>()));
        // Never ASP.NET Core's default key ring in the user's home folder: keys live where the options say, or in memory.
        var dataProtection = services.AddDataProtection().SetApplicationName("airq-console");
        if (options.KeysDirectory is { } keys)
        {
            Directory.CreateDirectory(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keys));
        }
        else
        {
            services.Configure<KeyManagementOptions>(keyManagement => keyManagement.XmlRepository = new InMemoryKeyRepository());
        }

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.Cookie.Name = "airq.session";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // Secure whenever the request came over HTTPS
            cookie.LoginPath = "/signin";
            cookie.LogoutPath = "/signout";
            cookie.ExpireTimeSpan = options.SessionFor;
            cookie.SlidingExpiration = true;
        });
        services.AddAuthorization();
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "airq.antiforgery";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            antiforgery.FormFieldName = "__airq_token";
            antiforgery.SuppressXFrameOptionsHeader = true; // SecurityHeaders sends DENY, stricter than its SAMEORIGIN
        });
        return services;
    }
}

using Microsoft.AspNetCore.Authentication.Cookies;
using AirQuality.EnforcementConsole.Internal;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AirQuality.EnforcementConsole;

/// <summary>Wires the console's services: database, user store, pages' queries, cookie sign-in and anti-forgery.</summary>
public static class ConsoleServiceCollectionExtensions
{
    public const string TeamClaim = "airq:team";

    public static IServiceCollection AddEnforcementConsole(this IServiceCollection services, ConsoleOptions options, string connectionString)
    {
        options.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(new ConsoleDatabase(connectionString, options));
        services.AddSingleton(sp => new ConsoleUserStore(sp.GetRequiredService<ConsoleDatabase>().DataSource, options, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new TodayQueries(sp.GetRequiredService<ConsoleDatabase>().DataSource));
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

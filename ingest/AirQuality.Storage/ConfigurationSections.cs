using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AirQuality.Storage;

/// <summary>How every stage's <c>AddXxx</c> registers its settings: one section, one check, one object.</summary>
public static class ConfigurationSections
{
    /// <summary>
    /// <typeparamref name="T"/> bound from <paramref name="section"/>, checked by <paramref name="validate"/> (each options
    /// class's own <c>Validate</c>, which throws a sentence naming the setting), and registered as <typeparamref name="T"/>
    /// itself, so that the stages take their options object rather than <c>IOptions</c>.
    /// </summary>
    public static IServiceCollection AddSection<T>(this IServiceCollection services, IConfiguration configuration, string section, Func<T, object> validate)
        where T : class
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section)).Validate(o => validate(o) is not null);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return services;
    }
}

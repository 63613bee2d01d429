using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AirQuality.Aggregation;

/// <summary>Wires the aggregation stage into a host.</summary>
public static class AggregationServiceCollectionExtensions
{
    /// <summary><see cref="AggregationOptions"/> from section <c>Aggregation</c> (checked by its <c>Validate</c>), the <see cref="Aggregator"/> and the <see cref="HourlyRebuild"/>.</summary>
    /// <remarks>Needs <c>AddStorage</c> and a <see cref="TimeProvider"/>.</remarks>
    public static IServiceCollection AddAggregation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AggregationOptions>().Bind(configuration.GetSection("Aggregation")).Validate(o => o.Validate() is not null);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AggregationOptions>>().Value);
        services.AddSingleton<Aggregator>();
        services.AddSingleton<HourlyRebuild>();
        return services;
    }
}

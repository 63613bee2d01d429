using AirQuality.Attribution.Model;
using AirQuality.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AirQuality.Attribution;

/// <summary>Wires the attribution stage into a host.</summary>
public static class AttributionServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="AttributionOptions"/> from section <c>Attribution</c> (checked by its <c>Validate</c>), the model
    /// from <c>Attribution:ModelPath</c> and the <see cref="AttributionRunner"/>.
    /// </summary>
    /// <remarks>
    /// The model is loaded when first asked for, not when the host is built: a host that never attributes (the
    /// aggregation worker without <c>--anomalies</c>) must run where no model has been trained yet. A missing or stale
    /// model file is an <see cref="AttributionModelException"/> then. Needs <c>AddStorage</c>, <c>AddAggregation</c>
    /// and <c>AddAnomalies</c>.
    /// </remarks>
    public static IServiceCollection AddAttribution(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSection<AttributionOptions>(configuration, "Attribution", o => o.Validate());
        services.AddSingleton<IAttributionModel>(sp => AttributionModel.Load(sp.GetRequiredService<AttributionOptions>().ModelPath));
        services.AddSingleton<AttributionRunner>();
        return services;
    }
}

using AirQuality.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AirQuality.Anomalies;

/// <summary>Wires the anomaly stage into a host.</summary>
public static class AnomaliesServiceCollectionExtensions
{
    /// <summary><see cref="AnomalyOptions"/> from section <c>Anomalies</c> (checked by its <c>Validate</c>) and the <see cref="AnomalyDetector"/> on the database.</summary>
    /// <remarks>Needs <c>AddStorage</c> and <c>AddAggregation</c>.</remarks>
    public static IServiceCollection AddAnomalies(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSection<AnomalyOptions>(configuration, "Anomalies", o => o.Validate());
        services.AddSingleton(sp => new AnomalyDetector(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<AnomalyOptions>(), sp.GetRequiredService<Aggregation.AggregationOptions>()));
        return services;
    }
}

using AirQuality.Ingest.Kafka;
using AirQuality.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AirQuality.Ingest;

/// <summary>Wires the ingest stage into a host.</summary>
public static class IngestServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="IngestOptions"/> from section <c>Ingest</c> and <see cref="KafkaOptions"/> from section <c>Kafka</c>,
    /// each checked by its <c>Validate</c>, and the process's one <see cref="IngestCounters"/>, which the worker, the
    /// status reporter and the metrics share.
    /// </summary>
    /// <remarks>Needs <c>AddStorage</c>. The worker itself is made per run, once the registry it validates against is loaded.</remarks>
    public static IServiceCollection AddIngest(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSection<IngestOptions>(configuration, "Ingest", o => o.Validate());
        services.AddSection<KafkaOptions>(configuration, "Kafka", o => o.Validate());
        services.AddSingleton<IngestCounters>();
        return services;
    }
}

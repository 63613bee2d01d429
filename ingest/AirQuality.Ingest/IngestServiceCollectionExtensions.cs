using AirQuality.Ingest.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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
        services.AddOptions<IngestOptions>().Bind(configuration.GetSection("Ingest")).Validate(o => o.Validate() is not null);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<IngestOptions>>().Value);
        services.AddOptions<KafkaOptions>().Bind(configuration.GetSection("Kafka")).Validate(o => o.Validate() is not null);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<KafkaOptions>>().Value);
        services.AddSingleton<IngestCounters>();
        return services;
    }
}

using AirQuality.Aggregation.Calibration;
using AirQuality.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AirQuality.Aggregation;

/// <summary>Wires the aggregation stage into a host.</summary>
public static class AggregationServiceCollectionExtensions
{
    /// <summary><see cref="AggregationOptions"/> from section <c>Aggregation</c> (checked by its <c>Validate</c>), <see cref="CalibrationOptions"/> from section <c>Calibration</c>, the <see cref="Aggregator"/>, the <see cref="SensorCalibrator"/> and the <see cref="HourlyRebuild"/>.</summary>
    /// <remarks>Needs <c>AddStorage</c> and a <see cref="TimeProvider"/>.</remarks>
    public static IServiceCollection AddAggregation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSection<AggregationOptions>(configuration, "Aggregation", o => o.Validate());
        services.AddSection<CalibrationOptions>(configuration, "Calibration", o => o.Validate());
        services.AddSingleton<Aggregator>();
        services.AddSingleton<SensorCalibrator>();
        services.AddSingleton<HourlyRebuild>();
        return services;
    }
}

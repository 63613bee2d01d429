using AirQuality.Analytics.Columns;
using AirQuality.Analytics.Kernels;
using AirQuality.Contracts;
using AirQuality.Storage;
using Npgsql;

namespace AirQuality.Analytics;

/// <summary>
/// Keeps <c>sensor_hourly</c> in step with <c>sensor_readings</c>: each batch the ingest worker stores is reduced to
/// hourly sums and counts and added in the same transaction, so aggregation never reads the raw rows again.
/// </summary>
public sealed class HourlyRollup : IReadingsRollup
{
    public Task AddAsync(NpgsqlConnection connection, IReadOnlyList<SensorReading> stored, CancellationToken cancellationToken) =>
        HourlyStore.AddAsync(connection, HourlyReducer.Reduce(ReadingColumnsBuilder.FromReadings(stored)), cancellationToken);
}

using AirQuality.Aggregation.Columns;
using AirQuality.Aggregation.Kernels;
using AirQuality.Contracts;
using AirQuality.Storage;
using Npgsql;

namespace AirQuality.Aggregation;

/// <summary>
/// Keeps <c>sensor_hourly</c> in step with <c>sensor_readings</c>: each batch the ingest worker stores is reduced to
/// hourly sums and counts and appended to <c>sensor_hourly_pending</c> in the same transaction, so aggregation never
/// reads the raw rows again; <see cref="FoldAsync"/> adds the pending sums to <c>sensor_hourly</c>.
/// </summary>
/// <remarks>
/// Appending rather than updating each sensor hour in every batch: a batch touches hundreds of sensor hours, and
/// a fold every few seconds updates each of them once for many batches (migration 0012).
/// </remarks>
public sealed class HourlyRollup : IReadingsRollup
{
    public Task AddAsync(NpgsqlConnection connection, IReadOnlyList<SensorReading> stored, CancellationToken cancellationToken) =>
        HourlyStore.AppendPendingAsync(connection, HourlyReducer.Reduce(ReadingColumnsBuilder.FromReadings(stored).ToRecordBatch()), cancellationToken);

    public Task<long> FoldAsync(NpgsqlConnection connection, CancellationToken cancellationToken) => HourlyStore.FoldAsync(connection, cancellationToken);
}

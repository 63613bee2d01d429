using AirQuality.Contracts;
using Npgsql;

namespace AirQuality.Storage;

/// <summary>
/// Derived data kept in step with <c>sensor_readings</c>: <see cref="TimeSeriesWriter"/> calls it inside the
/// transaction that stores each batch, with exactly the readings that batch newly stored (no duplicates), so the
/// derived rows commit or roll back with the readings and can never count a reading twice or miss one.
/// </summary>
/// <remarks>
/// The aggregation stage implements it (hourly sums); storage does not depend on that stage. What a batch adds may
/// be staged (appended cheaply) and reach the derived table only when <see cref="FoldAsync"/> runs; the worker
/// calls it every few seconds and when it stops.
/// </remarks>
public interface IReadingsRollup
{
    Task AddAsync(NpgsqlConnection connection, IReadOnlyList<SensorReading> stored, CancellationToken cancellationToken);

    /// <summary>Moves what batches staged into the derived table, in its own transaction; returns how many derived rows changed.</summary>
    Task<long> FoldAsync(NpgsqlConnection connection, CancellationToken cancellationToken);
}

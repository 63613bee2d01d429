using AirQuality.Contracts;
using Npgsql;

namespace AirQuality.Storage;

/// <summary>
/// Derived data kept in step with <c>sensor_readings</c>: <see cref="TimeSeriesWriter"/> calls it inside the
/// transaction that stores each batch, with exactly the readings that batch newly stored (no duplicates), so the
/// derived rows commit or roll back with the readings and can never count a reading twice or miss one.
/// </summary>
/// <remarks>The aggregation stage implements it (hourly sums); storage does not depend on that stage.</remarks>
public interface IReadingsRollup
{
    Task AddAsync(NpgsqlConnection connection, IReadOnlyList<SensorReading> stored, CancellationToken cancellationToken);
}

using AirQuality.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace AirQuality.Storage;

/// <summary>What one write stored: new rows, and rows already present (the same sensor and timestamp).</summary>
public readonly record struct WriteResult(int Stored, int Duplicates);

/// <summary>
/// Stores sensor readings with binary COPY, idempotently on (sensor_id, observed_at).
/// </summary>
/// <remarks>
/// COPY cannot skip conflicting rows, so a batch is copied into a temporary staging table and moved with
/// <c>INSERT ... ON CONFLICT DO NOTHING</c>; the difference is the duplicate count. Duplicates inside one batch
/// are removed first (the first occurrence wins, as it would across batches). When the method returns, the
/// batch is committed, so the caller may then commit its Kafka offsets.
/// </remarks>
public sealed class ReadingWriter
{
    readonly HashSet<DateTime> _monthsEnsured = [];
    readonly double?[] _values = new double?[11];

    /// <summary>Writes <paramref name="readings"/> in one transaction on <paramref name="connection"/> and commits it.</summary>
    public async Task<WriteResult> WriteAsync(NpgsqlConnection connection, IReadOnlyList<SensorReading> readings, CancellationToken cancellationToken)
    {
        if (readings.Count == 0)
        {
            return new WriteResult(0, 0);
        }

        // Partitions are made in their own statement, before the batch's transaction, so a rolled-back batch
        // cannot leave this writer believing a partition exists.
        await EnsurePartitionsAsync(connection, readings, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand("""
            CREATE TEMP TABLE IF NOT EXISTS staging_sensor_readings (LIKE sensor_readings INCLUDING DEFAULTS) ON COMMIT DELETE ROWS
            """, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var importer = await connection.BeginBinaryImportAsync("""
            COPY staging_sensor_readings (sensor_id, observed_at, pm25_ugm3, pm10_ugm3, no2_ugm3, so2_ugm3, o3_ugm3, co_mgm3,
                temperature_c, relative_humidity_pct, wind_speed_ms, wind_direction_deg, pressure_hpa) FROM STDIN (FORMAT BINARY)
            """, cancellationToken))
        {
            foreach (var r in readings)
            {
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(r.SensorId, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(r.ObservedAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                (_values[0], _values[1], _values[2], _values[3], _values[4], _values[5]) = (r.Pm25, r.Pm10, r.No2, r.So2, r.O3, r.Co);
                (_values[6], _values[7], _values[8], _values[9], _values[10]) = (r.Temperature, r.Humidity, r.WindSpeed, r.WindDirection, r.Pressure);
                foreach (var value in _values)
                {
                    if (value is { } v)
                    {
                        await importer.WriteAsync((float)v, NpgsqlDbType.Real, cancellationToken);
                    }
                    else
                    {
                        await importer.WriteNullAsync(cancellationToken);
                    }
                }
            }

            await importer.CompleteAsync(cancellationToken);
        }

        await using var move = new NpgsqlCommand("""
            INSERT INTO sensor_readings
            SELECT DISTINCT ON (sensor_id, observed_at) * FROM staging_sensor_readings ORDER BY sensor_id, observed_at
            ON CONFLICT (sensor_id, observed_at) DO NOTHING
            """, connection, transaction);
        var stored = await move.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new WriteResult(stored, readings.Count - stored);
    }

    async Task EnsurePartitionsAsync(NpgsqlConnection connection, IReadOnlyList<SensorReading> readings, CancellationToken cancellationToken)
    {
        // On plain PostgreSQL a reading for a month with no partition would fail the whole batch; the function
        // is a no-op on TimescaleDB. Months already ensured by this writer are not asked about again.
        foreach (var month in readings.Select(r => new DateTime(r.ObservedAt.UtcDateTime.Year, r.ObservedAt.UtcDateTime.Month, 1, 0, 0, 0, DateTimeKind.Utc)).Distinct())
        {
            if (_monthsEnsured.Contains(month))
            {
                continue;
            }

            await using var ensure = new NpgsqlCommand("SELECT ensure_monthly_partitions('sensor_readings', $1, $1)", connection)
            {
                Parameters = { new() { Value = month } },
            };
            await ensure.ExecuteScalarAsync(cancellationToken);
            _monthsEnsured.Add(month);
        }
    }
}

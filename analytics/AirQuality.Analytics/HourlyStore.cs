using AirQuality.Analytics.Columns;
using Npgsql;
using NpgsqlTypes;

namespace AirQuality.Analytics;

/// <summary>Writes hourly partial aggregates to <c>sensor_hourly</c> and marks their hours for the daily aggregation.</summary>
public static class HourlyStore
{
    /// <summary>The sum and count columns of <c>sensor_hourly</c>, pollutant by pollutant.</summary>
    internal static readonly string SumColumns = string.Join(", ", Pollutants.All.Select(p => $"{p.Code()}_sum, {p.Code()}_readings"));

    static readonly string AddSql = $"""
        INSERT INTO sensor_hourly AS h (sensor_id, hour_start, {SumColumns})
        SELECT * FROM unnest($1::text[], $2::timestamptz[], {string.Join(", ", Pollutants.All.Select((_, i) => $"${3 + 2 * i}::float8[], ${4 + 2 * i}::int4[]"))})
        ON CONFLICT (sensor_id, hour_start) DO UPDATE SET
            {string.Join(", ", Pollutants.All.Select(p => $"{p.Code()}_sum = h.{p.Code()}_sum + excluded.{p.Code()}_sum, {p.Code()}_readings = h.{p.Code()}_readings + excluded.{p.Code()}_readings"))},
            updated_at = now()
        """;

    // Hours in ascending order, so two workers marking overlapping hours lock them in the same order.
    const string MarkSql = """
        INSERT INTO aggregation_dirty_hours AS d (hour_start)
        SELECT DISTINCT unnest($1::timestamptz[]) ORDER BY 1
        ON CONFLICT (hour_start) DO UPDATE SET generation = d.generation + 1
        """;

    static readonly string AppendSql = $"COPY sensor_hourly_pending (sensor_id, hour_start, {SumColumns}) FROM STDIN (FORMAT BINARY)";

    /// <summary>
    /// Appends <paramref name="hourly"/> to <c>sensor_hourly_pending</c>, for <see cref="FoldAsync"/> to add to
    /// <c>sensor_hourly</c> later, on <paramref name="connection"/> in whatever transaction it is in.
    /// </summary>
    public static async Task AppendPendingAsync(NpgsqlConnection connection, HourlyColumns hourly, CancellationToken cancellationToken)
    {
        if (hourly.Length == 0)
        {
            return;
        }

        await using var importer = await connection.BeginBinaryImportAsync(AppendSql, cancellationToken);
        for (var i = 0; i < hourly.Length; i++)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(hourly.SensorIds[hourly.Sensor[i]], NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(HourlyColumns.HourStart(hourly.Hour[i]), NpgsqlDbType.TimestampTz, cancellationToken);
            for (var p = 0; p < Pollutants.Count; p++)
            {
                await importer.WriteAsync(hourly.Sums[p][i], NpgsqlDbType.Double, cancellationToken);
                await importer.WriteAsync(hourly.Counts[p][i], NpgsqlDbType.Integer, cancellationToken);
            }
        }

        await importer.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// Adds the pending sums to <c>sensor_hourly</c> and marks their hours dirty (<c>fold_sensor_hourly()</c>, in
    /// its own transaction unless <paramref name="connection"/> is in one); returns how many sensor hours grew.
    /// </summary>
    public static async Task<long> FoldAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var fold = new NpgsqlCommand("SELECT fold_sensor_hourly()", connection);
        return (long)(await fold.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Adds <paramref name="hourly"/> to the stored sums (a new hour is inserted, an existing one grows) and marks
    /// the hours dirty, on <paramref name="connection"/> in whatever transaction it is in.
    /// </summary>
    public static async Task AddAsync(NpgsqlConnection connection, HourlyColumns hourly, CancellationToken cancellationToken)
    {
        if (hourly.Length == 0)
        {
            return;
        }

        var n = hourly.Length;
        var sensorIds = new string[n];
        var hours = new DateTime[n];
        for (var i = 0; i < n; i++)
        {
            sensorIds[i] = hourly.SensorIds[hourly.Sensor[i]];
            hours[i] = HourlyColumns.HourStart(hourly.Hour[i]);
        }

        await using var batch = new NpgsqlBatch(connection);
        var add = new NpgsqlBatchCommand(AddSql);
        add.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = sensorIds });
        add.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Value = hours });
        for (var p = 0; p < Pollutants.Count; p++)
        {
            add.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double, Value = new ArraySegment<double>(hourly.Sums[p], 0, n).ToArray() });
            add.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, Value = new ArraySegment<int>(hourly.Counts[p], 0, n).ToArray() });
        }

        batch.BatchCommands.Add(add);
        var mark = new NpgsqlBatchCommand(MarkSql);
        mark.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Value = hours });
        batch.BatchCommands.Add(mark);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}

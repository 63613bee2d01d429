using AirQuality.Aggregation.Columns;
using Npgsql;
using NpgsqlTypes;

namespace AirQuality.Aggregation;

/// <summary>
/// Writes hourly partial aggregates: staged in <c>sensor_hourly_pending</c>, then folded into <c>sensor_hourly</c> by
/// <c>fold_sensor_hourly()</c> (migration 0012), which also marks their hours for the daily aggregation.
/// </summary>
public static class HourlyStore
{
    /// <summary>The sum and count columns of <c>sensor_hourly</c>, pollutant by pollutant.</summary>
    internal static readonly string SumColumns = string.Join(", ", Pollutants.All.Select(p => $"{p.Code()}_sum, {p.Code()}_readings"));

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
}

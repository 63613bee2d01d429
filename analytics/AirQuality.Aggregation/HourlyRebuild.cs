using AirQuality.Aggregation.Columns;
using AirQuality.Aggregation.Daily;
using AirQuality.Aggregation.Kernels;
using Dapper;
using Npgsql;

namespace AirQuality.Aggregation;

/// <summary>
/// Recomputes <c>sensor_hourly</c> from the raw readings of some local days: for readings stored by other means
/// than the ingest worker (a bulk load, a repair by hand), or to check the sums against the readings.
/// </summary>
/// <remarks>
/// The readings are read with Npgsql's binary protocol straight into <see cref="ReadingColumns"/>, one statement
/// per sensor in one round trip (so no sensor id is read per row), reduced by <see cref="HourlyReducer"/>, and
/// written in place of the days' hourly rows, which are marked for the next aggregation. One transaction per group
/// of days holds a lock that makes the ingest worker's hourly upserts wait for it, so none is lost in between.
/// </remarks>
public sealed class HourlyRebuild(NpgsqlDataSource dataSource, AggregationOptions options)
{
    /// <summary>Rebuilds days <paramref name="first"/> to <paramref name="last"/>; returns the readings read.</summary>
    public async Task<long> RunAsync(DateOnly first, DateOnly last, Action<string>? progress, CancellationToken cancellationToken)
    {
        long total = 0;
        for (var from = first; from <= last; from = from.AddDays(options.DaysPerTransaction))
        {
            var to = from.AddDays(options.DaysPerTransaction - 1) is var end && end < last ? end : last;
            var read = await RebuildAsync(new LocalDays(from, to, options.Zone), cancellationToken);
            total += read;
            progress?.Invoke($"  {from:yyyy-MM-dd} to {to:yyyy-MM-dd}: {read:N0} readings reduced to hourly sums");
        }

        return total;
    }

    async Task<long> RebuildAsync(LocalDays days, CancellationToken cancellationToken)
    {
        var start = HourlyColumns.HourStart(days.FirstHour);
        var end = HourlyColumns.HourStart(days.FirstHour + days.Hours);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Workers wait to stage more sums until this commits (their readings, not committed yet, are not read
        // here either); what they staged before is folded first, since the raw readings below include it. The
        // first fold takes the folds' lock before the tables', the order every fold takes them in; the second
        // takes up what was staged in between.
        await HourlyStore.FoldAsync(connection, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("LOCK TABLE sensor_hourly_pending, sensor_hourly IN SHARE ROW EXCLUSIVE MODE", transaction: transaction, cancellationToken: cancellationToken));
        await HourlyStore.FoldAsync(connection, cancellationToken);
        var network = await SensorNetwork.LoadAsync(connection, cancellationToken);
        var columns = await ReadAsync(connection, network.SensorIds, start, end, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM sensor_hourly WHERE hour_start >= @start AND hour_start < @end", new { start, end }, transaction, cancellationToken: cancellationToken));
        // Staged and folded like ingest's sums, so one statement (fold_sensor_hourly) writes sensor_hourly and marks hours.
        await HourlyStore.AppendPendingAsync(connection, HourlyReducer.Reduce(columns.ToRecordBatch()), cancellationToken);
        await HourlyStore.FoldAsync(connection, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return columns.Length;
    }

    /// <summary>The readings observed in (<paramref name="start"/>, <paramref name="end"/>] of the registered sensors, as columns ordered by sensor and time.</summary>
    static async Task<ReadingColumns> ReadAsync(NpgsqlConnection connection, string[] sensorIds, DateTime start, DateTime end, CancellationToken cancellationToken)
    {
        var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM sensor_readings WHERE observed_at > @start AND observed_at <= @end", new { start, end }, cancellationToken: cancellationToken));
        var columns = new ReadingColumns(sensorIds, checked((int)count));
        var select = $"SELECT observed_at, {string.Join(", ", Pollutants.All.Select(p => p.Column()))} FROM sensor_readings WHERE sensor_id = $1 AND observed_at > $2 AND observed_at <= $3 ORDER BY observed_at";
        await using var batch = new NpgsqlBatch(connection);
        foreach (var id in sensorIds)
        {
#pragma warning disable CA2100 // Column names are constants; the values are parameters.
            batch.BatchCommands.Add(new NpgsqlBatchCommand(select) { Parameters = { new() { Value = id }, new() { Value = start }, new() { Value = end } } });
#pragma warning restore CA2100
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var values = new float[Pollutants.Count];
        var sensor = 0;
        do
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (columns.Length == columns.Capacity)
                {
                    throw new InvalidOperationException("More readings arrived while rebuilding than were counted; run the rebuild again.");
                }

                for (var p = 0; p < Pollutants.Count; p++)
                {
                    values[p] = reader.IsDBNull(1 + p) ? float.NaN : reader.GetFloat(1 + p);
                }

                columns.Add(sensor, ReadingColumns.ToMicros(reader.GetFieldValue<DateTimeOffset>(0)), values);
            }

            sensor++;
        }
        while (await reader.NextResultAsync(cancellationToken));

        return columns;
    }
}

using AirQuality.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace AirQuality.Storage;

/// <summary>The next offset to consume in one Kafka partition, stored with the rows read before it.</summary>
public readonly record struct PartitionOffset(string Topic, int Partition, long NextOffset);

/// <summary>What one write stored: new rows, and rows already present (the same key).</summary>
public readonly record struct WriteResult(int Stored, int Duplicates)
{
    public static WriteResult operator +(WriteResult a, WriteResult b) => new(a.Stored + b.Stored, a.Duplicates + b.Duplicates);
}

/// <summary>
/// Stores sensor readings and source telemetry with binary COPY, idempotently on (sensor_id, observed_at) and
/// (source_id, observed_at), in one transaction per call.
/// </summary>
/// <remarks>
/// Duplicates inside a batch are dropped in memory first (the first occurrence wins, as it does across batches).
/// The batch is then copied straight into the table inside a savepoint, which runs at the speed of a plain COPY;
/// only when that hits a row already stored (a replay after a crash or rebalance) is the savepoint rolled back
/// and the batch copied into a temporary staging table and moved with <c>INSERT ... ON CONFLICT DO NOTHING</c>,
/// whose row count tells stored from duplicate. When the method returns the transaction has committed, so the
/// caller may commit its Kafka offsets. A <see cref="IReadingsRollup"/>, when given, is handed the readings newly
/// stored, in the same transaction.
/// </remarks>
public sealed class TimeSeriesWriter(IReadingsRollup? rollup = null)
{
    const string TelemetryColumns = "source_id, observed_at, particulate_mgm3, so2_mgm3, nox_mgm3, flue_gas_flow_m3h, operating_status";

    readonly HashSet<(string Table, DateTime Month)> _monthsEnsured = [];

    // Kept from batch to batch: a set for 5,000 keys is 160 KB, which would go on the large-object heap, freed
    // only by full collections, once per batch.
    readonly HashSet<(string, DateTimeOffset)> _keysSeen = [];

    static (string, DateTimeOffset) ReadingKey(SensorReading r) => (r.SensorId, r.ObservedAt);

    static (string, DateTimeOffset) TelemetryKey(SourceTelemetry t) => (t.SourceId, t.ObservedAt);

    /// <summary>
    /// Writes both lists, and where <paramref name="consumerGroup"/> has got to in each partition, in one transaction
    /// on <paramref name="connection"/>, and commits it.
    /// </summary>
    public async Task<(WriteResult Readings, WriteResult Telemetry)> WriteAsync(
        NpgsqlConnection connection, IReadOnlyList<SensorReading> readings, IReadOnlyList<SourceTelemetry> telemetry, CancellationToken cancellationToken,
        string? consumerGroup = null, IReadOnlyList<PartitionOffset>? offsets = null)
    {
        // Partitions are made in their own statements, before the batch's transaction, so a rolled-back batch
        // cannot leave this writer believing a partition exists.
        await EnsurePartitionsAsync(connection, "sensor_readings", readings.Select(r => r.ObservedAt), cancellationToken);
        await EnsurePartitionsAsync(connection, "source_telemetry", telemetry.Select(t => t.ObservedAt), cancellationToken);
        var uniqueReadings = FirstOfEachKey(readings, ReadingKey);
        var uniqueTelemetry = FirstOfEachKey(telemetry, TelemetryKey);

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (readingResult, storedReadings) = await CopyAsync(connection, transaction, "sensor_readings", "sensor_id, observed_at", uniqueReadings, ReadingCopyEncoder.CopyAsync, ReadingKey, cancellationToken);
        var (telemetryResult, _) = await CopyAsync(connection, transaction, "source_telemetry", "source_id, observed_at", uniqueTelemetry, CopyTelemetryAsync, TelemetryKey, cancellationToken);
        if (rollup is not null && storedReadings.Count > 0)
        {
            await rollup.AddAsync(connection, storedReadings, cancellationToken);
        }

        if (consumerGroup is not null && offsets is { Count: > 0 })
        {
            await IngestOffsets.SaveAsync(connection, transaction, consumerGroup, offsets, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (readingResult + new WriteResult(0, readings.Count - uniqueReadings.Count), telemetryResult + new WriteResult(0, telemetry.Count - uniqueTelemetry.Count));
    }

    /// <summary>Copies <paramref name="rows"/> into <paramref name="table"/>; returns the counts and the rows newly stored.</summary>
    static async Task<(WriteResult Result, IReadOnlyList<T> Stored)> CopyAsync<T>(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string table, string key,
        IReadOnlyList<T> rows, Func<NpgsqlConnection, string, IReadOnlyList<T>, CancellationToken, Task> copy, Func<T, (string, DateTimeOffset)> keyOf, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return (default, rows);
        }

        await transaction.SaveAsync("direct_copy", cancellationToken);
        try
        {
            await copy(connection, table, rows, cancellationToken);
            await transaction.ReleaseAsync("direct_copy", cancellationToken);
            return (new WriteResult(rows.Count, 0), rows);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await transaction.RollbackAsync("direct_copy", cancellationToken);
        }

        var staging = $"staging_{table}";
        await Execute(connection, transaction, $"CREATE TEMP TABLE IF NOT EXISTS {staging} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS", cancellationToken);
        await copy(connection, staging, rows, cancellationToken);
        // Keys as PostgreSQL stores them: microseconds (both copies drop any finer ticks).
        static (string, long) Stored((string Id, DateTimeOffset At) key) => (key.Id, key.At.UtcTicks / 10);
        var inserted = new HashSet<(string, long)>();
#pragma warning disable CA2100 // Table and column names are this class's constants, never input.
        await using (var insert = new NpgsqlCommand($"INSERT INTO {table} SELECT * FROM {staging} ON CONFLICT ({key}) DO NOTHING RETURNING {key}", connection, transaction))
#pragma warning restore CA2100
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                inserted.Add((reader.GetString(0), reader.GetFieldValue<DateTime>(1).Ticks / 10));
            }
        }

        return (new WriteResult(inserted.Count, rows.Count - inserted.Count), rows.Where(r => inserted.Contains(Stored(keyOf(r)))).ToList());
    }

    // Telemetry is a few hundred rows a minute: Npgsql's importer is fast enough (readings use ReadingCopyEncoder).
    static async Task CopyTelemetryAsync(NpgsqlConnection connection, string table, IReadOnlyList<SourceTelemetry> rows, CancellationToken cancellationToken)
    {
        // Synchronous row writes: the importer buffers, and async per value costs more than the I/O it saves.
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {table} ({TelemetryColumns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in rows)
        {
            WriteTelemetry(importer, row);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    static void WriteTelemetry(NpgsqlBinaryImporter importer, SourceTelemetry t)
    {
        importer.StartRow();
        importer.Write(t.SourceId, NpgsqlDbType.Text);
        importer.Write(t.ObservedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
        WriteReal(importer, t.Particulate);
        WriteReal(importer, t.So2);
        WriteReal(importer, t.Nox);
        WriteReal(importer, t.FlueGasFlow);
        if (t.OperatingStatus is { } status)
        {
            importer.Write(status, NpgsqlDbType.Text);
        }
        else
        {
            importer.WriteNull();
        }
    }

    static void WriteReal(NpgsqlBinaryImporter importer, double? value)
    {
        if (value is { } v)
        {
            importer.Write((float)v, NpgsqlDbType.Real);
        }
        else
        {
            importer.WriteNull();
        }
    }

    List<T> FirstOfEachKey<T>(IReadOnlyList<T> rows, Func<T, (string, DateTimeOffset)> key)
    {
        _keysSeen.Clear();
        _keysSeen.EnsureCapacity(rows.Count);
        var unique = new List<T>(rows.Count);
        foreach (var row in rows)
        {
            if (_keysSeen.Add(key(row)))
            {
                unique.Add(row);
            }
        }

        return unique;
    }

    static async Task<int> Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
#pragma warning disable CA2100 // Table names are this class's constants, never input.
        await using var command = new NpgsqlCommand(sql, connection, transaction);
#pragma warning restore CA2100
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    async Task EnsurePartitionsAsync(NpgsqlConnection connection, string table, IEnumerable<DateTimeOffset> times, CancellationToken cancellationToken)
    {
        // On plain PostgreSQL a row for a month with no partition would fail the whole batch; the function is a
        // no-op on TimescaleDB. Months already ensured by this writer are not asked about again.
        // Batches hold a few months at most: a reading's month is looked up only when it differs from the previous one's.
        var previous = DateTime.MinValue;
        foreach (var t in times)
        {
            var utc = t.UtcDateTime;
            var month = new DateTime(utc.Year, utc.Month, 1, 0, 0, 0, DateTimeKind.Utc);
            if (month == previous)
            {
                continue;
            }

            previous = month;
            if (!_monthsEnsured.Add((table, month)))
            {
                continue;
            }

            try
            {
                await using var ensure = new NpgsqlCommand("SELECT ensure_monthly_partitions($1::regclass, $2, $2)", connection)
                {
                    Parameters = { new() { Value = table }, new() { Value = month } },
                };
                await ensure.ExecuteScalarAsync(cancellationToken);
            }
            catch
            {
                _monthsEnsured.Remove((table, month));
                throw;
            }
        }
    }
}

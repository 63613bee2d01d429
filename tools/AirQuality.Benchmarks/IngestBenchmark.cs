using System.Diagnostics;
using System.Text.Json;
using AirQuality.Contracts;
using AirQuality.Ingest.Kafka;
using AirQuality.Ingest.Validation;
using AirQuality.Ingest;
using AirQuality.Storage.Registry;
using AirQuality.Storage;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AirQuality.Benchmarks;

/// <summary>What <see cref="IngestBenchmark"/> measured, all in one run on one machine.</summary>
public sealed record IngestBenchmarkResult(
    long Readings,
    long WarmupReadings,
    double ProduceReadingsPerSecond,
    double EndToEndReadingsPerSecond,
    (double Before, double After) CopyCeilingRowsPerSecond,
    double SteadyRate,
    long SteadyReadings,
    long? P50Millis,
    long? P99Millis,
    (TimeSpan? Machine, TimeSpan Process) CpuPerReading,
    (double BytesPerItem, int Gen0, int Gen1, int Gen2, TimeSpan Paused) Allocations,
    (long Methods, TimeSpan Time) Compilation,
    (TimeSpan? Machine, TimeSpan Process) CeilingCpuPerRow,
    (double BytesPerItem, int Gen0, int Gen1, int Gen2, TimeSpan Paused) SteadyCollections)
{
    /// <summary>The ceiling measured before the worker ran and after: their mean, which the ratio is taken to.</summary>
    public double CopyCeilingMean => (CopyCeilingRowsPerSecond.Before + CopyCeilingRowsPerSecond.After) / 2;

    public double RatioToCeiling => EndToEndReadingsPerSecond / CopyCeilingMean;
}

/// <summary>
/// Measures the ingest worker end to end against a broker and a database, and the ceiling it works under: a
/// plain binary COPY of the same rows into the same table. The backlog is produced before the timing starts, so
/// the producer's work is not counted, and the benchmark holds no readings in memory while the worker runs.
/// </summary>
/// <remarks>
/// Throughput: a worker first ingests the warm-up readings and stops; then N readings are produced (a backlog,
/// as after an outage), and the worker, restarted in the same process and group, consumes, validates and stores
/// them; time runs from its first commit to the commit that settles the last reading. Latency: readings are then
/// produced at a steady rate and each message's Kafka timestamp is compared with the commit that covers it.
/// </remarks>
public sealed class IngestBenchmark(string bootstrapServers, KafkaOptions kafka, NpgsqlDataSource database, CityRegistry registry, IngestOptions options, ILoggerFactory loggers, TimeProvider time, IReadingsRollup? rollup = null)
{
    /// <summary>
    /// Runs the benchmark: <paramref name="warmup"/> readings first, not timed, so that the worker's code is compiled
    /// and optimised as in a worker that has been running for a while; then <paramref name="readings"/> timed.
    /// </summary>
    public async Task<IngestBenchmarkResult> RunAsync(long readings, long warmup, double steadyRate, TimeSpan steadyFor, Action<string> progress, CancellationToken cancellationToken)
    {
        var start = time.GetUtcNow().AddDays(-30);
        var total = warmup + readings;
        var counters = new IngestCounters();
        var group = $"airq-bench-{Guid.NewGuid():N}";
        if (warmup > 0)
        {
            // The warm-up is consumed as it is produced, by a worker stopped before the timed backlog is produced: so
            // the warm-up can be as long as compilation needs without outgrowing what the embedded broker keeps (5 MB a
            // partition), and the timed worker, restarted in this process, runs the code compiled for the first.
            progress($"Warming up: {warmup:N0} readings for {registry.Sensors.Count} sensors through one ingest worker into PostgreSQL, untimed ...");
            using var stopWarmup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var warming = Worker(counters, group).RunAsync(stopWarmup.Token);
            await ProduceAsync(Generate(start, 0, warmup), rate: 0, cancellationToken);
            await WaitAsync(() => counters.Settled >= warmup, warming, cancellationToken, () => progress($"  {counters.Settled:N0} of {warmup:N0} stored"), counters);
            await stopWarmup.CancelAsync();
            await warming;
        }

        progress($"Producing {readings:N0} readings to the broker, a backlog as after an outage ...");
        var produceWatch = Stopwatch.StartNew();
        await ProduceAsync(Generate(start, warmup, readings), rate: 0, cancellationToken);
        var produceRate = readings / produceWatch.Elapsed.TotalSeconds;

        // The ceiling before the worker and again after it: the machine's speed drifts over minutes (the ceiling
        // alone moved from 247,000 to 316,000 rows/s between runs a minute apart), and the mean of two measurements
        // either side of the worker's is closer to what the machine gave the worker than one after it. It empties
        // sensor_readings (the warm-up's rows too), so the worker stores into an empty table, as the ceiling does.
        progress("Measuring the ceiling before the worker: a plain binary COPY of the same rows into the same table ...");
        var before = await CopyCeilingAsync(start, warmup, readings, progress, cancellationToken);
        await CheckpointAsync(progress, cancellationToken);
        // What the producer and the ceiling left behind is not the worker's to collect during the timing.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);

        progress("Consuming them into PostgreSQL with the ingest worker, restarted in the same group ...");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var worker = Worker(counters, group).RunAsync(stop.Token);
        // Time runs from the worker's first commit (joining the group is not ingest) to the commit settling the last reading.
        await WaitAsync(() => counters.Settled > warmup, worker, cancellationToken, counters: counters);
        var (endToEnd, settledBefore, pausedBefore, cpu) = (Stopwatch.StartNew(), counters.Settled, counters.PausedMillis, new CpuMeter());
        await WaitAsync(() => counters.Settled >= total, worker, cancellationToken, () => progress($"  {counters.Settled - warmup:N0} of {readings:N0} stored"), counters);
        var timed = counters.Settled - settledBefore;
        var endToEndRate = timed / endToEnd.Elapsed.TotalSeconds;
        var (cpuPerReading, allocations, compilation) = (cpu.PerItem(timed), cpu.Allocations(timed), cpu.Compilation());
        progress($"  consumption waited for the database {(counters.PausedMillis - pausedBefore) / 1000.0:0.0} s of {endToEnd.Elapsed.TotalSeconds:0.0} s");

        var steadyCount = (long)(steadyRate * steadyFor.TotalSeconds);
        progress($"Producing {steadyCount:N0} more at a steady {steadyRate:N0} readings/s for latency ...");
        counters.Latency.Clear();
        var steadyMeter = new CpuMeter();
        var steady = Generate(start, total, steadyCount);
        await ProduceAsync(steady, steadyRate, cancellationToken);
        await WaitAsync(() => counters.Settled >= total + steadyCount, worker, cancellationToken, counters: counters);
        var (p50, p99, steadyCollections) = (counters.Latency.Percentile(0.5), counters.Latency.Percentile(0.99), steadyMeter.Allocations(Math.Max(1, steadyCount)));
        await stop.CancelAsync();
        await worker;

        progress("Measuring the ceiling again, after the worker ...");
        var after = await CopyCeilingAsync(start, warmup, readings, progress, cancellationToken);
        return new IngestBenchmarkResult(readings, warmup, produceRate, endToEndRate, (before.RowsPerSecond, after.RowsPerSecond), steadyRate, steadyCount, p50, p99,
            cpuPerReading, allocations, compilation, (Mean(before.CpuPerRow.Machine, after.CpuPerRow.Machine), (before.CpuPerRow.Process + after.CpuPerRow.Process) / 2), steadyCollections);
    }

    /// <summary>Produces <paramref name="readings"/> readings as a backlog (every key new) for workers running elsewhere, such as other processes.</summary>
    public Task ProduceBacklogAsync(long readings, CancellationToken cancellationToken) =>
        ProduceAsync(Generate(time.GetUtcNow().AddDays(-30), 0, readings), rate: 0, cancellationToken);

    IngestWorker Worker(IngestCounters counters, string group)
    {
        var validator = new MessageValidator(
            new KnownIds(registry.Sensors.Select(s => s.SensorId)), new KnownIds(registry.Sources.Select(s => s.SourceId)), options, time);
        return new IngestWorker(bootstrapServers, new KafkaOptions { GroupId = group, Client = kafka.Client }, options, database, validator, counters,
            loggers.CreateLogger("AirQuality.Ingest"), time, rollup);
    }

    /// <summary>
    /// Readings number <paramref name="from"/> onwards: sensor by sensor, one minute apart, so every key is new. A
    /// reading's values depend on its number alone, so the ceiling copies exactly the rows the worker stored.
    /// </summary>
    IEnumerable<SensorReading> Generate(DateTimeOffset start, long from, long count)
    {
        var sensors = registry.Sensors;
        for (var i = from; i < from + count; i++)
        {
            var (a, b) = (Unit(i, 1), Unit(i, 2));
            yield return new SensorReading(sensors[(int)(i % sensors.Count)].SensorId, start.AddMinutes(i / sensors.Count), Math.Round(20 + 40 * a, 1),
                Pm10: Math.Round(40 + 60 * b, 1), Temperature: 15.5, Humidity: 70);
        }
    }

    /// <summary>A number in [0, 1) fixed by <paramref name="index"/> and <paramref name="stream"/> (SplitMix64).</summary>
    static double Unit(long index, int stream)
    {
        var z = unchecked((ulong)index * 0x9E3779B97F4A7C15UL + (ulong)stream * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return ((z ^ (z >> 31)) >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>Readings per message: 1 (default) sends each alone; more sends gateway batches of the sensors next to each other in the registry.</summary>
    public int ReadingsPerMessage { get; init; } = 1;

    static void Send(IProducer<string, byte[]> producer, List<SensorReading> group)
    {
        if (group.Count == 0)
        {
            return;
        }

        var message = group.Count == 1
            ? new Message<string, byte[]> { Key = group[0].SensorId, Value = JsonSerializer.SerializeToUtf8Bytes(group[0], ContractsJsonContext.Default.SensorReading) }
            : new Message<string, byte[]>
            {
                Key = $"GW-{group[0].SensorId}",
                Value = JsonSerializer.SerializeToUtf8Bytes(new SensorReadingBatch($"GW-{group[0].SensorId}", group.ToArray()), ContractsJsonContext.Default.SensorReadingBatch),
            };
        producer.ProduceWaitingForRoom(Topics.SensorReadings, message);
        group.Clear();
    }

    async Task ProduceAsync(IEnumerable<SensorReading> readings, double rate, CancellationToken cancellationToken)
    {
        var config = KafkaClients.Producer(bootstrapServers, kafka);
        if (rate == 0)
        {
            // A backlog in large message sets. The embedded broker finds a fetch's offset by walking its log's
            // message sets from the start; with the usual 5 ms linger that walk was a tenth of this process's CPU
            // while the worker read the backlog. Kafka itself looks the offset up in an index.
            config.LingerMs = 100;
        }

        using var producer = new ProducerBuilder<string, byte[]>(config).Build();
        if (rate > 0)
        {
            // A gateway's producer is long-lived: let this one connect and learn the partitions' leaders first, so
            // the latency measured is the pipeline's and not a cold producer's start-up.
            using var metadata = new DependentAdminClientBuilder(producer.Handle).Build();
            metadata.GetMetadata(Topics.SensorReadings, TimeSpan.FromSeconds(10));
        }

        var started = time.GetTimestamp();
        var i = 0;
        var group = new List<SensorReading>(ReadingsPerMessage);
        foreach (var reading in readings)
        {
            if (rate > 0 && i % 100 == 0)
            {
                // Paced in steps of 100 messages: the schedule, not a sleep, decides when the next step is due.
                var due = TimeSpan.FromSeconds(i / rate) - time.GetElapsedTime(started);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, time, cancellationToken);
                }
            }

            // A gateway sends the readings of its sensors taken at the same time; each gateway keeps its sensors.
            if (group.Count == ReadingsPerMessage || (group.Count > 0 && group[0].ObservedAt != reading.ObservedAt))
            {
                Send(producer, group);
            }

            group.Add(reading);
            i++;
        }

        Send(producer, group);

        while (producer.Flush(TimeSpan.FromSeconds(10)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// Times a plain binary COPY of the timed readings into an emptied sensor_readings in one transaction, after an
    /// untimed COPY of the warm-up readings so the encoder is compiled as the worker's is; leaves the table empty.
    /// </summary>
    async Task<(double RowsPerSecond, (TimeSpan? Machine, TimeSpan Process) CpuPerRow)> CopyCeilingAsync(
        DateTimeOffset start, long warmup, long readings, Action<string> progress, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await TruncateAsync();
        await CopyAsync(Generate(start, 0, warmup).ToList());
        await TruncateAsync();
        await CheckpointAsync(progress, cancellationToken);

        var rows = Generate(start, warmup, readings).ToList();
        var (watch, cpu) = (Stopwatch.StartNew(), new CpuMeter());
        await CopyAsync(rows);
        var result = (rows.Count / watch.Elapsed.TotalSeconds, cpu.PerItem(rows.Count));
        await TruncateAsync();
        return result;

        async Task CopyAsync(List<SensorReading> batch)
        {
            if (batch.Count == 0)
            {
                return;
            }

            // Plain PostgreSQL needs the months' partitions first (the worker's writer makes them as it goes); the
            // function finds the months of the first and last reading itself.
            await using (var ensure = new NpgsqlCommand("SELECT ensure_monthly_partitions('sensor_readings'::regclass, $1, $2)", connection)
            {
                Parameters = { new() { Value = batch[0].ObservedAt.UtcDateTime }, new() { Value = batch[^1].ObservedAt.UtcDateTime } },
            })
            {
                await ensure.ExecuteScalarAsync(cancellationToken);
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // The encoder the worker's writers use, so the ceiling measures the database and not a slower client.
            await ReadingCopyEncoder.CopyAsync(connection, "sensor_readings", batch, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        async Task TruncateAsync()
        {
            await using var truncate = new NpgsqlCommand("TRUNCATE sensor_readings", connection);
            await truncate.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    static TimeSpan? Mean(TimeSpan? a, TimeSpan? b) => a is { } x && b is { } y ? (x + y) / 2 : null;

    /// <summary>
    /// Starts a timed phase from a checkpoint, so that neither phase pays for the other's dirty pages and WAL: a
    /// checkpoint falling inside one phase and not the other (where depends on the WAL written before) moved the
    /// ratio by several per cent. Needs a superuser or the pg_checkpoint role; without, the run goes on and says so.
    /// </summary>
    async Task CheckpointAsync(Action<string> progress, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            await using var checkpoint = new NpgsqlCommand("CHECKPOINT", connection);
            await checkpoint.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            progress($"  (no checkpoint before this phase: {e.MessageText}; a checkpoint may fall inside it and slow it)");
        }
    }

    async Task WaitAsync(Func<bool> done, Task worker, CancellationToken cancellationToken, Action? every5s = null, IngestCounters? counters = null)
    {
        // Polls counters the worker advances after each commit; a worker that stops, or settles nothing for a
        // minute, ends the wait with an error instead of a hang.
        var last = time.GetTimestamp();
        var (progressAt, settled) = (time.GetTimestamp(), counters?.Settled ?? 0);
        while (!done())
        {
            if (worker.IsCompleted)
            {
                await worker;
                throw new InvalidOperationException("The ingest worker stopped before the benchmark finished.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), time, cancellationToken);
            if (counters is { ExpiredMessages: > 0 })
            {
                throw new InvalidOperationException(
                    $"The broker dropped {counters.ExpiredMessages:N0} messages of the backlog before the worker read them, so the run cannot be timed. " +
                    "The embedded broker keeps 5 MB a partition (about 2.5 million readings in all): use fewer --readings, or a Kafka cluster (AIRQ_KAFKA_BOOTSTRAP).");
            }

            if (counters is not null && counters.Settled != settled)
            {
                (progressAt, settled) = (time.GetTimestamp(), counters.Settled);
            }
            else if (counters is not null && time.GetElapsedTime(progressAt) > TimeSpan.FromMinutes(1))
            {
                throw new InvalidOperationException($"The ingest worker settled nothing for a minute: {counters}.");
            }

            if (every5s is not null && time.GetElapsedTime(last) > TimeSpan.FromSeconds(5))
            {
                every5s();
                last = time.GetTimestamp();
            }
        }
    }
}

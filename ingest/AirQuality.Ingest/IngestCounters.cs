using System.Collections.Concurrent;

namespace AirQuality.Ingest;

/// <summary>Running totals of one ingest worker, safe to read from another thread.</summary>
/// <remarks>
/// A record is one sensor reading or one telemetry record. Every consumed record ends in exactly one of stored,
/// duplicates or rejected: that is what reconciliation checks.
/// </remarks>
public sealed class IngestCounters
{
    long _messages;
    long _records;
    long _storedReadings;
    long _storedTelemetry;
    long _duplicates;
    long _batches;
    long _lastBatchMillis;
    long _lag = -1;
    long _pausedMillis;
    long _expired;
    long _offsetResets;
    int _assignedPartitions;
    int _consuming;
    string? _stoppedBy;
    readonly ConcurrentDictionary<string, long> _rejected = new(StringComparer.Ordinal);

    public long Messages => Interlocked.Read(ref _messages);
    public long Records => Interlocked.Read(ref _records);
    public long StoredReadings => Interlocked.Read(ref _storedReadings);
    public long StoredTelemetry => Interlocked.Read(ref _storedTelemetry);
    public long Stored => StoredReadings + StoredTelemetry;
    public long Duplicates => Interlocked.Read(ref _duplicates);
    public long Batches => Interlocked.Read(ref _batches);
    public long LastBatchMillis => Interlocked.Read(ref _lastBatchMillis);
    public long Rejected => _rejected.Values.Sum();
    public IReadOnlyDictionary<string, long> RejectedByReason => new Dictionary<string, long>(_rejected, StringComparer.Ordinal);

    /// <summary>Messages in the assigned partitions not yet consumed, as of the last check; -1 before the first.</summary>
    public long Lag => Interlocked.Read(ref _lag);

    /// <summary>Total time consumption waited for the database writer (backpressure), in milliseconds.</summary>
    public long PausedMillis => Interlocked.Read(ref _pausedMillis);

    /// <summary>Messages the broker no longer had when the worker got to them (retention ran out): lost, and counted here.</summary>
    public long ExpiredMessages => Interlocked.Read(ref _expired);

    /// <summary>
    /// Partitions whose offset stored in <c>ingest_offsets</c> was beyond what the broker holds (the broker was
    /// restarted, or the topic deleted and re-created) and that were read again from their first offset.
    /// </summary>
    public long OffsetResets => Interlocked.Read(ref _offsetResets);

    /// <summary>Why the worker stopped for good (a batch that could not be stored), or null while it has not: its liveness.</summary>
    public string? StoppedBy => Volatile.Read(ref _stoppedBy);

    /// <summary>Partitions currently assigned to this worker by the consumer group.</summary>
    public int AssignedPartitions => Volatile.Read(ref _assignedPartitions);

    /// <summary>Whether the worker has subscribed and is consuming (false before it starts and once it stops): its readiness.</summary>
    public bool Consuming => Volatile.Read(ref _consuming) == 1;

    /// <summary>Produce-to-commit latency of each consumed message (its Kafka timestamp to the offset commit).</summary>
    public LatencyHistogram Latency { get; } = new();

    /// <summary>Records consumed whose fate is settled (committed to the database or the dead-letter topic).</summary>
    public long Settled => Stored + Duplicates + Rejected;

    internal void Consumed(int messages, long records)
    {
        Interlocked.Add(ref _messages, messages);
        Interlocked.Add(ref _records, records);
    }

    internal void Assigned(int partitions) => Volatile.Write(ref _assignedPartitions, partitions);

    internal void ConsumingChanged(bool consuming) => Volatile.Write(ref _consuming, consuming ? 1 : 0);

    internal void LagMeasured(long lag) => Interlocked.Exchange(ref _lag, lag);

    internal void OffsetReset() => Interlocked.Increment(ref _offsetResets);

    internal void Stopped(Exception error) => Interlocked.CompareExchange(ref _stoppedBy, $"{error.GetType().Name}: {error.Message}", null);

    internal void Expired(long messages) => Interlocked.Add(ref _expired, messages);

    internal void Paused(TimeSpan waited) => Interlocked.Add(ref _pausedMillis, (long)waited.TotalMilliseconds);

    internal void BatchCommitted(int storedReadings, int storedTelemetry, int duplicates, IEnumerable<string> rejectionReasons, TimeSpan took)
    {
        Interlocked.Add(ref _storedReadings, storedReadings);
        Interlocked.Add(ref _storedTelemetry, storedTelemetry);
        Interlocked.Add(ref _duplicates, duplicates);
        foreach (var reason in rejectionReasons)
        {
            _rejected.AddOrUpdate(reason, 1, (_, n) => n + 1);
        }

        Interlocked.Increment(ref _batches);
        Interlocked.Exchange(ref _lastBatchMillis, (long)took.TotalMilliseconds);
    }

    public override string ToString()
    {
        var rejected = Rejected == 0 ? "0" : $"{Rejected:N0} ({string.Join(", ", RejectedByReason.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value:N0}"))})";
        var lag = Lag < 0 ? "?" : Lag.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        return $"consumed {Records:N0} records in {Messages:N0} messages; stored {StoredReadings:N0} readings and {StoredTelemetry:N0} telemetry, " +
            $"duplicates {Duplicates:N0}, rejected {rejected}{(ExpiredMessages > 0 ? $", EXPIRED before consumption {ExpiredMessages:N0}" : "")}{(OffsetResets > 0 ? $", OFFSETS RESET {OffsetResets:N0}" : "")}; lag {lag}; waited for the database {PausedMillis / 1000.0:0.0} s; last batch {LastBatchMillis} ms, p99 latency {Latency.Percentile(0.99)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} ms";
    }
}

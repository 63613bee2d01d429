using System.Collections.Concurrent;

namespace AirQuality.Ingest;

/// <summary>Running totals of one ingest worker, safe to read from another thread.</summary>
/// <remarks>Every consumed reading ends in exactly one of stored, duplicates or rejected: that is what reconciliation checks.</remarks>
public sealed class IngestCounters
{
    long _messages;
    long _readings;
    long _stored;
    long _duplicates;
    long _batches;
    long _lastBatchMillis;
    readonly ConcurrentDictionary<string, long> _rejected = new(StringComparer.Ordinal);

    public long Messages => Interlocked.Read(ref _messages);
    public long Readings => Interlocked.Read(ref _readings);
    public long Stored => Interlocked.Read(ref _stored);
    public long Duplicates => Interlocked.Read(ref _duplicates);
    public long Batches => Interlocked.Read(ref _batches);
    public long LastBatchMillis => Interlocked.Read(ref _lastBatchMillis);
    public long Rejected => _rejected.Values.Sum();
    public IReadOnlyDictionary<string, long> RejectedByReason => new Dictionary<string, long>(_rejected, StringComparer.Ordinal);

    /// <summary>Readings consumed whose fate is settled (committed to the database or the dead-letter topic).</summary>
    public long Settled => Stored + Duplicates + Rejected;

    internal void Consumed(int readings)
    {
        Interlocked.Increment(ref _messages);
        Interlocked.Add(ref _readings, readings);
    }

    internal void BatchCommitted(int stored, int duplicates, IEnumerable<string> rejectionReasons, TimeSpan took)
    {
        Interlocked.Add(ref _stored, stored);
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
        var rejected = Rejected == 0 ? "0" : $"{Rejected:N0} ({string.Join(", ", RejectedByReason.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value:N0}"))})";
        return $"consumed {Readings:N0} readings in {Messages:N0} messages, stored {Stored:N0}, duplicates {Duplicates:N0}, rejected {rejected}, last batch {LastBatchMillis} ms";
    }
}

using System.Threading.Channels;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace AirQuality.Ingest;

/// <summary>
/// One database writer of an ingest worker, with its own connection, for a share of the assigned partitions: the batch
/// being filled from them, the batches handed over and not yet committed, and the task that commits them in order.
/// </summary>
/// <remarks>
/// Lanes exist because one PostgreSQL backend inserting into a keyed table is the slowest stage, and it is single
/// threaded: two lanes keep two backends busy. While assigned, a partition always goes to the same lane, so its
/// batches commit in offset order and <c>ingest_offsets</c> never records a later offset before the rows under an earlier one are
/// stored. Readings are keyed by sensor, so a sensor's hourly sums are also written by one lane only.
/// </remarks>
sealed class WriterLane
{
    // Two batches queued: the writer never waits for the consume loop, and backpressure starts soon.
    readonly Channel<IngestBatch> _queue = Channel.CreateBounded<IngestBatch>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
    readonly List<IngestBatch> _inFlight = [];
    readonly TimeProvider _time;
    readonly IngestCounters _counters;

    public WriterLane(BatchCommitter committer, IConsumer<byte[], byte[]> consumer, IProducer<byte[], byte[]> producer, IngestCounters counters, ILogger logger, TimeProvider time)
    {
        _time = time;
        _counters = counters;
        // Not cancelled with the worker: on shutdown a lane finishes what was handed to it.
        Writer = Task.Run(() => WriteLoopAsync(committer, consumer, producer, logger), CancellationToken.None);
    }

    /// <summary>The batch being filled from this lane's partitions.</summary>
    public IngestBatch Batch { get; private set; } = new();

    /// <summary>Runs until the lane is completed, or faults with the error that stopped it.</summary>
    public Task Writer { get; }

    /// <summary>Hands the batch being filled to the writer; blocks while the writer is two batches behind, which is where consumption pauses.</summary>
    public void Hand(CancellationToken cancellationToken)
    {
        if (Batch.IsEmpty)
        {
            return;
        }

        _inFlight.RemoveAll(b => b.Done.Task.IsCompleted);
        _inFlight.Add(Batch);
        if (!_queue.Writer.TryWrite(Batch))
        {
            var waiting = _time.GetTimestamp();
            _queue.Writer.WriteAsync(Batch, cancellationToken).AsTask().GetAwaiter().GetResult();
            _counters.Paused(_time.GetElapsedTime(waiting));
        }

        Batch = new IngestBatch();
    }

    /// <summary>Waits until every batch handed over is committed; throws the error of one that could not be.</summary>
    public void WaitForHanded()
    {
        foreach (var batch in _inFlight)
        {
            batch.Done.Task.GetAwaiter().GetResult();
        }

        _inFlight.Clear();
    }

    /// <summary>No more batches: the writer commits what it holds and ends.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    async Task WriteLoopAsync(BatchCommitter committer, IConsumer<byte[], byte[]> consumer, IProducer<byte[], byte[]> producer, ILogger logger)
    {
        await foreach (var batch in _queue.Reader.ReadAllAsync())
        {
            try
            {
                await committer.CommitAsync(batch, consumer, producer, CancellationToken.None);
                batch.Done.SetResult();
            }
            catch (Exception e)
            {
                // Not transient (the committer retries those): stop with nothing committed for this batch.
                logger.LogError(e, "The ingest worker stops: a batch could not be stored and was not committed.");
                // Not live from here: the process is about to exit, and a probe must not call it healthy meanwhile.
                _counters.Stopped(e);
                batch.Done.SetException(e);
                _queue.Writer.TryComplete(e);
                while (_queue.Reader.TryRead(out var pending))
                {
                    pending.Done.SetException(e);
                }

                throw;
            }
        }
    }
}

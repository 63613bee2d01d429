namespace AirQuality.Ingest;

/// <summary>How the ingest worker batches and validates. Section <c>Ingest</c>.</summary>
public sealed class IngestOptions
{
    /// <summary>Messages handed to the writer at a time; their records are written in one COPY and one transaction. A batch is filled per writer (see <see cref="Writers"/>). Default 5,000.</summary>
    public int BatchSize { get; set; } = 5000;

    /// <summary>
    /// Database writers (connections) per worker, each taking a share of the assigned partitions. Default 4: a writer
    /// validates and encodes a batch, then waits while its PostgreSQL backend stores it, so one writer keeps less than
    /// a core busy; on two cores four stored a quarter more than two (docs/benchmarks.md).
    /// </summary>
    public int Writers { get; set; } = 4;

    /// <summary>How long a partly filled batch waits for more messages before it is written. Default 50 ms: under load batches fill first, at low rates this bounds latency.</summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Largest message accepted, in bytes; larger ones are dead-lettered as <c>oversized</c>. Default 1 MiB.</summary>
    public int MaxMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>Readings stamped further than this in the future are rejected (gateway clocks drift a little). Default 10 minutes.</summary>
    public TimeSpan FutureTolerance { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Readings older than this are rejected as too old. Default 400 days, enough to replay a year for year-over-year figures.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(400);

    /// <summary>How often the worker reloads the registry's sensor ids, so newly imported sensors are accepted. Default 1 minute.</summary>
    public TimeSpan RegistryRefresh { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often the worker folds the hourly sums its batches appended into <c>sensor_hourly</c>, which lags the
    /// stored readings by at most about this much. Default 5 seconds: folding less often updates each sensor hour
    /// once for more batches; the aggregation and the other readers fold before they read, whatever this is.
    /// </summary>
    public TimeSpan FoldInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First wait after a failed database write; doubles up to <see cref="MaxRetryDelay"/>. Default 500 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between database retries. Default 30 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws when a setting is out of range, with a sentence saying what is allowed.</summary>
    public IngestOptions Validate()
    {
        if (BatchSize is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "Ingest:BatchSize must be between 1 and 100,000 messages.");
        }

        if (Writers is < 1 or > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(Writers), Writers, "Ingest:Writers must be between 1 and 16 database connections.");
        }

        if (Linger < TimeSpan.FromMilliseconds(1) || Linger > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(Linger), Linger, "Ingest:Linger must be between 1 ms and 1 minute.");
        }

        if (MaxMessageBytes is < 1024 or > 64 * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMessageBytes), MaxMessageBytes, "Ingest:MaxMessageBytes must be between 1 KiB and 64 MiB.");
        }

        if (FutureTolerance < TimeSpan.Zero || MaxAge <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAge), MaxAge, "Ingest:FutureTolerance must not be negative and Ingest:MaxAge must be positive.");
        }

        if (RegistryRefresh < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(RegistryRefresh), RegistryRefresh, "Ingest:RegistryRefresh must be at least 1 second.");
        }

        if (FoldInterval < TimeSpan.FromMilliseconds(100) || FoldInterval > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentOutOfRangeException(nameof(FoldInterval), FoldInterval, "Ingest:FoldInterval must be between 100 ms and 10 minutes.");
        }

        if (RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(RetryDelay), RetryDelay, "Ingest:RetryDelay must be positive and no longer than Ingest:MaxRetryDelay.");
        }

        return this;
    }
}

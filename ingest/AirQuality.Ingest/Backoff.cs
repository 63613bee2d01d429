namespace AirQuality.Ingest;

/// <summary>Waits between retries: <see cref="IngestOptions.RetryDelay"/> first, doubling up to <see cref="IngestOptions.MaxRetryDelay"/>.</summary>
sealed class Backoff(IngestOptions options)
{
    public TimeSpan Delay { get; private set; } = options.RetryDelay;

    /// <summary>The delay to wait now; the next call returns twice as much, up to the maximum.</summary>
    public TimeSpan Next()
    {
        var delay = Delay;
        Delay = TimeSpan.FromTicks(Math.Min(Delay.Ticks * 2, options.MaxRetryDelay.Ticks));
        return delay;
    }
}

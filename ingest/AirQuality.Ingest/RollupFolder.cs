using AirQuality.Storage;
using Microsoft.Extensions.Logging;

namespace AirQuality.Ingest;

/// <summary>
/// Folds what the writers staged for the roll-up (each batch's hourly sums) into the derived table every
/// <see cref="IngestOptions.FoldInterval"/> while readings are being stored, and once more when the worker stops.
/// </summary>
/// <remarks>
/// A fold that fails (the database down, say) is tried again at the next interval; nothing staged is lost, since
/// it stays in the database until a fold commits, and readers fold before they read. The first fold runs whatever
/// was stored, to take up what a worker that crashed left staged.
/// </remarks>
sealed class RollupFolder : IDisposable
{
    static readonly TimeSpan FinalFoldTimeout = TimeSpan.FromSeconds(30);

    readonly IReadingsRollup _rollup;
    readonly Npgsql.NpgsqlDataSource _dataSource;
    readonly ILogger _logger;
    readonly CancellationTokenSource _stop = new();
    readonly Task _loop;

    public RollupFolder(IReadingsRollup rollup, Npgsql.NpgsqlDataSource dataSource, IngestCounters counters, IngestOptions options, ILogger logger, TimeProvider time)
    {
        (_rollup, _dataSource, _logger) = (rollup, dataSource, logger);
        _loop = Task.Run(() => LoopAsync(counters, options.FoldInterval, time), CancellationToken.None);
    }

    /// <summary>Stops the periodic folds and folds what is left (waiting at most 30 s for the database).</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _loop.GetAwaiter().GetResult();
        _stop.Dispose();
        using var timeout = new CancellationTokenSource(FinalFoldTimeout);
        TryFoldAsync(timeout.Token).GetAwaiter().GetResult();
    }

    async Task LoopAsync(IngestCounters counters, TimeSpan interval, TimeProvider time)
    {
        var foldedUpTo = -1L;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var stored = counters.StoredReadings;
            if (stored != foldedUpTo && await TryFoldAsync(_stop.Token))
            {
                foldedUpTo = stored;
            }
        }
    }

    async Task<bool> TryFoldAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            var changed = await _rollup.FoldAsync(connection, cancellationToken);
            _logger.LogDebug("Folded the staged hourly sums: {Rows} sensor hours updated.", changed);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e)
        {
            _logger.LogWarning("Could not fold the staged hourly sums into sensor_hourly ({Message}); they stay staged and the next fold takes them.", e.Message);
            return false;
        }
    }
}

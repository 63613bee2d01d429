namespace AirQuality.Ingest.Validation;

/// <summary>
/// The sensor ids the registry holds, swapped whole when the registry is reloaded, so a sensor imported while
/// workers run is accepted within one refresh interval instead of after a restart.
/// </summary>
public sealed class KnownSensors(IEnumerable<string> ids)
{
    volatile HashSet<string> _ids = new(ids, StringComparer.Ordinal);

    public int Count => _ids.Count;

    public bool Contains(string sensorId) => _ids.Contains(sensorId);

    public void Replace(IEnumerable<string> ids) => _ids = new HashSet<string>(ids, StringComparer.Ordinal);

    /// <summary>Reloads with <paramref name="load"/> every <paramref name="interval"/> until cancelled; a failed reload keeps the current list.</summary>
    public async Task RefreshEveryAsync(TimeSpan interval, Func<CancellationToken, Task<IEnumerable<string>>> load, Action<Exception> onError, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    Replace(await load(cancellationToken));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    onError(e);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}

namespace AirQuality.Cli.Commands;

/// <summary>Prints a progress line at a fixed interval while long work runs; dispose to stop.</summary>
sealed class Progress : IDisposable
{
    readonly CancellationTokenSource _stop;
    readonly Task _loop;

    Progress(TimeSpan interval, Func<string> line, CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                Console.WriteLine(line());
            }
        }, CancellationToken.None);
    }

    /// <summary>One progress line, for the stages' <c>Action&lt;string&gt;</c> callbacks (migrations, the private cluster, benchmarks).</summary>
    public static void Line(string message) => Console.WriteLine(message);

    public static Progress Every(TimeSpan interval, Func<string> line, CancellationToken cancellationToken) => new(interval, line, cancellationToken);

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}

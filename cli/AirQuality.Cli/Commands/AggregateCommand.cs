using System.CommandLine;
using System.Globalization;
using AirQuality.Aggregation;
using AirQuality.Aggregation.Calibration;
using AirQuality.Anomalies;
using AirQuality.Attribution;
using AirQuality.Cli.Monitoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq aggregate</c>: one incremental run of the aggregation stage.</summary>
static class AggregateCommand
{
    public static Command Create()
    {
        var from = new Option<DateOnly?>("--from") { Description = "First local day, yyyy-MM-dd; with --to: recompute these local days too, even if no new readings arrived (after a registry or standards change)." };
        var to = new Option<DateOnly?>("--to") { Description = "Last local day to recompute with --from (inclusive), yyyy-MM-dd." };
        var rebuild = new Option<bool>("--rebuild") { Description = "With --from and --to: first recompute those days' hourly sums from the raw readings (for readings loaded other than by airq ingest)." };
        var every = new Option<TimeSpan?>("--every") { Description = "Keep running, one aggregation per interval (for example 00:05:00), until Ctrl+C or SIGTERM." };
        var anomalies = new Option<bool>("--anomalies") { Description = "With --every: also detect the previous local day's anomalies and attribute them to sources (when a model is trained), once a day, at the first run after midnight (and at start)." };
        var command = new Command("aggregate", "Recompute the daily figures (sensor, district, city; means, validity, AQI, exceedances) for the days that received readings since the last run.")
        {
            from, to, rebuild, every, anomalies, IngestCommand.MetricsPort,
        };
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            if (parse.GetValue(anomalies) && parse.GetValue(every) is null)
            {
                throw new UsageException("--anomalies goes with --every; for one day's anomalies use ./airq anomalies --date yyyy-MM-dd.");
            }

            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), new Dictionary<string, string?>
            {
                ["Monitoring:Port"] = parse.GetValue(IngestCommand.MetricsPort)?.ToString(CultureInfo.InvariantCulture),
            }, token);
            var services = host.Services;
            var dataSource = services.GetRequiredService<NpgsqlDataSource>();
            var aggregator = services.GetRequiredService<Aggregator>();
            if ((parse.GetValue(from), parse.GetValue(to)) is (var first, var last) && (first is not null || last is not null))
            {
                if (first is not { } f || last is not { } l)
                {
                    throw new UsageException("Give both --from and --to, or neither.");
                }

                if (parse.GetValue(rebuild))
                {
                    Console.WriteLine($"Rebuilding the hourly sums of {f:yyyy-MM-dd} to {l:yyyy-MM-dd} from the raw readings ...");
                    await services.GetRequiredService<HourlyRebuild>().RunAsync(f, l, Console.WriteLine, token);
                }

                await aggregator.MarkDaysAsync(f, l, token);
            }
            else if (parse.GetValue(rebuild))
            {
                throw new UsageException("--rebuild needs --from and --to.");
            }

            await RunAsync(aggregator, token);
            if (parse.GetValue(every) is not { } interval)
            {
                return 0;
            }


            if (interval < TimeSpan.FromSeconds(1) || interval > TimeSpan.FromDays(1))
            {
                throw new UsageException("--every must be between 1 second and 1 day.");
            }

            // Ready: the database answers. The scrape reads the stage's state from the database.
            await using var health = HealthServer.Start(
                services.GetRequiredService<MonitoringOptions>(),
                t => WorkerMetrics.DatabaseNotReadyAsync(dataSource, t),
                async t =>
                {
                    var text = new PrometheusText();
                    await WorkerMetrics.Analytics(text, dataSource, t);
                    return text.ToString();
                },
                services.GetRequiredService<ILoggerFactory>().CreateLogger("AirQuality.Monitoring"));
            // The analytics worker keeps the micro sensors' calibration fresh: a re-fit once the last is Calibration:RefitEvery
            // old, after the health server is up (a fit reads the whole window), then the days it changed.
            var calibrator = services.GetRequiredService<SensorCalibrator>();
            var calibration = services.GetRequiredService<CalibrationOptions>();
            var clock = services.GetRequiredService<TimeProvider>();
            var lastFit = new Ref<DateTimeOffset?>();
            var detector = parse.GetValue(anomalies) ? services.GetRequiredService<AnomalyDetector>() : null;
            // Attribution follows detection when a trained model is at hand; without one the worker says so once and goes on.
            var modelPath = services.GetRequiredService<AttributionOptions>().ModelPath;
            var model = detector is not null && File.Exists(modelPath) ? services.GetRequiredService<IAttributionModel>() : null;
            if (detector is not null && model is null)
            {
                Console.WriteLine($"No attribution model at {modelPath}: episodes will not be attributed (./airq model train).");
            }

            DateOnly? detected = null;
            using var timer = new PeriodicTimer(interval, services.GetRequiredService<TimeProvider>());
            try
            {
                await RefitIfDueAsync(calibrator, calibration, clock, lastFit, token);
                await RunAsync(aggregator, token, quiet: true);
                while (true)
                {
                    // The day is complete in the daily tables once the first run after local midnight has aggregated it.
                    if (detector is not null && services.GetRequiredService<CityCalendar>().Yesterday is var yesterday && detected != yesterday)
                    {
                        var found = await detector.RunAsync(yesterday, token);
                        Console.WriteLine($"Anomalies for {yesterday:yyyy-MM-dd}: {found.Count(a => a.Category == Anomaly.Pollution)} pollution episode(s), {found.Count(a => a.Category == Anomaly.SensorFault)} sensor fault(s).");
                        if (model is not null)
                        {
                            var (_, attributed) = await services.GetRequiredService<AttributionRunner>().RunAsync(yesterday, token);
                            Console.WriteLine($"Attribution for {yesterday:yyyy-MM-dd}: {attributed.Count(a => a.Flags.Count > 0)} of {attributed.Count} episode(s) with sources flagged.");
                        }

                        detected = yesterday;
                    }

                    if (!await timer.WaitForNextTickAsync(token))
                    {
                        break;
                    }

                    await RefitIfDueAsync(calibrator, calibration, clock, lastFit, token);
                    await RunAsync(aggregator, token, quiet: true);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // SIGTERM or Ctrl+C: a run in progress rolled back and its days stay marked for the next one.
                Console.WriteLine("Aggregation stopped.");
            }

            return 0;
        }, ct));
        return command;
    }

    static async Task RefitIfDueAsync(SensorCalibrator calibrator, CalibrationOptions options, TimeProvider time, Ref<DateTimeOffset?> lastAttempt, CancellationToken cancellationToken)
    {
        // A fit that found nothing to pair stores nothing, so "due" stays true: the attempt itself is what waits RefitEvery.
        if (lastAttempt.Value is { } last && time.GetUtcNow() - last < options.RefitEvery)
        {
            return;
        }

        if (await calibrator.RefitDueAsync(cancellationToken))
        {
            lastAttempt.Value = time.GetUtcNow();
            CalibrateCommand.Print(await calibrator.RefitAsync(cancellationToken));
        }
    }

    /// <summary>A value the worker loop keeps between ticks.</summary>
    sealed class Ref<T>
    {
        public T? Value { get; set; }
    }

    /// <summary>Runs the aggregation, printing each group of days as it is done and a summary.</summary>
    public static async Task<AggregationResult> RunAsync(Aggregator aggregator, CancellationToken cancellationToken, bool quiet = false)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await aggregator.RunAsync(done => Console.WriteLine(
            $"  {done.FirstDay:yyyy-MM-dd} to {done.LastDay:yyyy-MM-dd}: {done.Days} day(s), {done.HourlyRows:N0} hourly rows read, {done.SensorDays:N0} sensor days written"), cancellationToken);
        if (result.Days == 0)
        {
            if (!quiet)
            {
                Console.WriteLine("Aggregation: nothing to do; no readings arrived since the last run.");
            }
        }
        else
        {
            Console.WriteLine($"Aggregation: {result.Days} day(s) from {result.FirstDay:yyyy-MM-dd} to {result.LastDay:yyyy-MM-dd} recomputed in {watch.Elapsed.TotalSeconds:0.0} s.");
            if (result.UnregisteredRows > 0)
            {
                Console.WriteLine($"  {result.UnregisteredRows:N0} hourly rows belong to sensors not in the registry and were left out; import the registry (./airq registry import) and run ./airq aggregate --from ... --to ... again.");
            }
        }

        return result;
    }
}

using System.CommandLine;
using System.Globalization;
using AirQuality.Aggregation;
using AirQuality.Aggregation.Calibration;
using AirQuality.Benchmarks;
using AirQuality.Simulation;
using AirQuality.Storage;
using AirQuality.Storage.Registry;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq bench calibrate</c>: micro sensors' hourly PM2.5 against the simulator's truth, before and after calibration.</summary>
static class CalibrationBench
{
    public static Command Create()
    {
        var fitDays = new Option<int>("--fit-days") { Description = "Days simulated and fitted on (the calibration window).", DefaultValueFactory = _ => 14 };
        var heldOut = new Option<int>("--held-out-days") { Description = "Days simulated after the window, corrected by the fit but not fitted on.", DefaultValueFactory = _ => 7 };
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated world seeds, one simulated city each.", DefaultValueFactory = _ => "7" };
        var sensorErrors = new Option<bool>("--sensor-errors") { Description = "Give each micro sensor a gain, offset, humidity response and (one in ten) drift of its own, drawn from the seed (default: the standard world, where they share one response)." };
        var command = new Command("calibrate", "Simulate the shipped city, store its readings, calibrate the micro sensors on the first days, and score their hourly PM2.5 against the true concentration before and after, in the window and on held-out days.")
        {
            fitDays, heldOut, seeds, sensorErrors,
        };
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            var (fit, held) = (parse.GetValue(fitDays), parse.GetValue(heldOut));
            if (fit is < 2 or > 60 || held is < 0 or > 60)
            {
                throw new UsageException("--fit-days must be between 2 and 60, --held-out-days between 0 and 60.");
            }

            var worlds = parse.GetValue(seeds)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(s => int.TryParse(s, CultureInfo.InvariantCulture, out var n) ? n : throw new UsageException($"--seeds: '{s}' is not a whole number; give seeds like 7,8,9.")).ToList();
            using var host = await BenchCommand.ServerHostAsync(token);
            var services = host.Services;
            var registry = RegistryCsv.Load(AirqConfiguration.DefaultRegistryDirectory);
            var calibration = services.GetRequiredService<CalibrationOptions>();
            var options = new CalibrationOptions
            {
                MaxDistanceKm = calibration.MaxDistanceKm, OwnModelMaxDistanceKm = calibration.OwnModelMaxDistanceKm, Window = TimeSpan.FromDays(fit), RefitEvery = calibration.RefitEvery,
                MinHours = calibration.MinHours, Folds = calibration.Folds, Pm25 = Pm25Flow.Corrected,
            }.Validate();
            var errors = parse.GetValue(sensorErrors) ? MicroSensorErrors.Typical : null;
            Console.WriteLine($"Calibration:MaxDistanceKm {options.MaxDistanceKm}, OwnModelMaxDistanceKm {options.OwnModelMaxDistanceKm}, MinHours {options.MinHours}, Folds {options.Folds}; window {fit} days, {held} held-out days; micro sensors' own errors {(errors is null ? "off" : "on")}.");
            Console.WriteLine("Seed  Scope    Days      Hours  Corrected  Mean truth  RMSE raw  RMSE after  Change");
            foreach (var seed in worlds)
            {
                await using var scratch = await BenchCommand.FreshDatabaseAsync(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<DatabaseServer>().ConnectionString, token);
                await new Migrator(scratch.DataSource, services.GetRequiredService<DatabaseOptions>()).MigrateAsync(null, token);
                await new RegistryStore(scratch.DataSource).UpsertAsync(registry, token);
                var start = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.FromHours(8));
                var scores = await new CalibrationBenchmark(scratch.DataSource, registry, options, services.GetRequiredService<AggregationOptions>(), services.GetRequiredService<TimeProvider>())
                    .RunAsync(start, fit, held, seed, errors, Progress.Line, token);
                foreach (var s in scores)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{seed,4}  {s.Scope,-7}  {(s.HeldOut ? "held out" : "fitted"),-8}  {s.Hours,9:N0}  {s.CorrectedHours,9:N0}  {s.MeanTruth,10:0.0}  {s.RawRmse,8:0.00}  {s.CorrectedRmse,10:0.00}  {100 * (s.CorrectedRmse / s.RawRmse - 1),5:0}%"));
                }
            }

            return 0;
        }, ct));
        return command;
    }
}

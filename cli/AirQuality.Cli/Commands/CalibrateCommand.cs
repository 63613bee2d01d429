using System.CommandLine;
using System.Globalization;
using AirQuality.Aggregation;
using AirQuality.Aggregation.Calibration;
using Microsoft.Extensions.DependencyInjection;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq calibrate</c>: fit every micro sensor's PM2.5 correction against the national stations near it, then aggregate the hours it changed.</summary>
static class CalibrateCommand
{
    public static Command Create()
    {
        var to = new Option<DateTime?>("--to")
        {
            Description = "End of the fitting window, UTC (yyyy-MM-ddTHH:00Z or yyyy-MM-dd for midnight UTC); the window is the Calibration:Window (28 days) before it. Default: the start of the current hour.",
        };
        var command = new Command("calibrate", "Fit each micro sensor's PM2.5 correction (linear with humidity, or hygroscopic growth, chosen by cross-validation over days) against the national stations within Calibration:MaxDistanceKm, store it as a new version in sensor_calibrations, and recompute the daily figures it changes.") { to };
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), new Dictionary<string, string?>(), token);
            var services = host.Services;
            var calibrator = services.GetRequiredService<SensorCalibrator>();
            var run = parse.GetValue(to) is { } end
                ? await calibrator.RefitAsync(end.Kind == DateTimeKind.Local ? end.ToUniversalTime() : DateTime.SpecifyKind(end, DateTimeKind.Utc), token)
                : await calibrator.RefitAsync(token);
            Print(run);
            await AggregateCommand.RunAsync(services.GetRequiredService<Aggregator>(), token);
            return 0;
        }, ct));
        return command;
    }

    /// <summary>Prints what a calibration run fitted, in a few lines.</summary>
    public static void Print(CalibrationRun run)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"Calibration over {run.WindowFrom:yyyy-MM-dd HH:mm} to {run.WindowTo:yyyy-MM-dd HH:mm} UTC: {run.OwnFits} micro sensor(s) fitted against stations near them, {run.NetworkFits} given the network-wide model (no station near or too few paired hours), {run.Uncalibrated} left uncorrected; methods chosen: {run.LinearChosen} linear_rh, {run.HygroscopicChosen} hygroscopic; {run.HoursMarked} hour(s) marked for the daily figures."));
        if (run.Network is { } n)
        {
            Console.WriteLine(string.Create(c, $"  network-wide model: {Describe(n.Model)}, {n.Hours:N0} paired hours, RMSE {n.RawRmse:0.0} µg/m³ raw -> {n.Rmse:0.0} corrected (cross-validated {n.CvRmse:0.0}), R² {n.R2:0.00}."));
        }
        else if (run.OwnFits == 0)
        {
            Console.WriteLine("  No micro sensor had an hour paired with a national station (valid hourly means on both sides, with humidity): nothing was fitted. Ingest more data or raise Calibration:MaxDistanceKm.");
        }
    }

    static string Describe(CalibrationModel m) => m.Method == CalibrationMethod.LinearRh
        ? string.Create(CultureInfo.InvariantCulture, $"linear_rh {m.A:0.000}·raw {m.B:+0.000;-0.000}·RH {m.C:+0.00;-0.00}")
        : string.Create(CultureInfo.InvariantCulture, $"hygroscopic κ = {m.Kappa:0.0000}");
}

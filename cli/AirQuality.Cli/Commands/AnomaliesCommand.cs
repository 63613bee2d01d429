using System.CommandLine;
using System.Globalization;
using AirQuality.Aggregation;
using AirQuality.Anomalies;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq anomalies</c>: a day's pollution episodes and sensor faults.</summary>
static class AnomaliesCommand
{
    public static Command Create()
    {
        var date = new Option<DateOnly?>("--date") { Description = "Local day, yyyy-MM-dd. Default: yesterday." };
        var command = new Command("anomalies", "Detect and list a day's pollution episodes (exceedances, spikes, sensors far above their neighbours) and sensor faults (missing data, flat lines, drift).") { date };
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), new Dictionary<string, string?>(), token);
            var services = host.Services;
            var day = parse.GetValue(date) ?? services.GetRequiredService<CityCalendar>().Yesterday;
            var dataSource = services.GetRequiredService<NpgsqlDataSource>();
            var aggregation = services.GetRequiredService<AggregationOptions>();
            // Daily exceedances come from the daily tables, so bring them up to date first.
            await services.GetRequiredService<Aggregator>().RunAsync(null, token);
            var detector = services.GetRequiredService<AnomalyDetector>();
            if (!await detector.HasReadingsAsync(day, token))
            {
                await using var latestQuery = dataSource.CreateCommand("SELECT max(day) FROM city_daily");
                var latest = await latestQuery.ExecuteScalarAsync(token) is DateTime d ? $"the latest day with figures is {d:yyyy-MM-dd}" : "no day has figures yet";
                Console.WriteLine($"There are no readings for {day:yyyy-MM-dd} ({aggregation.TimeZone}), so there is nothing to detect and nothing was stored. " +
                    $"Choose a day whose readings were ingested ({latest}), or ingest that day first.");
                return 0;
            }

            var anomalies = await detector.RunAsync(day, token);
            Print(day, anomalies, aggregation.Zone);
            return 0;
        }, ct));
        return command;
    }

    public static void Print(DateOnly day, IReadOnlyList<Anomaly> anomalies, TimeZoneInfo zone)
    {
        var c = CultureInfo.InvariantCulture;
        var pollution = anomalies.Where(a => a.Category == Anomaly.Pollution).ToList();
        var faults = anomalies.Where(a => a.Category == Anomaly.SensorFault).ToList();
        Console.WriteLine($"Anomalies on {day:yyyy-MM-dd}: {pollution.Count} pollution episode(s), {faults.Count} sensor fault(s).");
        foreach (var (a, rank) in pollution.Select((a, i) => (a, i + 1)))
        {
            Console.WriteLine(string.Create(c, $"  {rank,2}. severity {a.Severity:0.00}  {Local(a.Start)}-{Local(a.End)}  {string.Join(", ", a.DistrictIds)}  peak {a.PeakUgm3:0} µg/m³  [{string.Join(", ", a.Kinds)}]"));
            Console.WriteLine($"      {a.Detail}");
        }

        foreach (var a in faults)
        {
            Console.WriteLine($"  fault  {string.Join(", ", a.Kinds)}: {a.Detail}");
        }

        string Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(utc, zone).ToString("HH:mm", c);
    }
}

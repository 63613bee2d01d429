using System.CommandLine;
using System.Globalization;
using AirQuality.Aggregation;
using AirQuality.Anomalies;
using AirQuality.Attribution;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq attribute</c>: the sources most likely behind a day's pollution episodes.</summary>
static class AttributeCommand
{
    public static Command Create()
    {
        var date = new Option<DateOnly?>("--date") { Description = "Local day, yyyy-MM-dd. Default: yesterday." };
        var command = new Command("attribute", "Flag the registered sources most likely behind each of a day's pollution episodes (detecting the episodes first if needed), with probabilities and reasons.") { date };
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            // The model first: without one there is nothing to do, whatever state the database is in.
            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), new Dictionary<string, string?>(), new HostNeeds(Model: true), token);
            var services = host.Services;
            var day = parse.GetValue(date) ?? services.GetRequiredService<CityCalendar>().Yesterday;
            var model = services.GetRequiredService<IAttributionModel>();
            if ((await AnomalyDetector.LoadAsync(services.GetRequiredService<NpgsqlDataSource>(), day, token)).Count == 0)
            {
                await services.GetRequiredService<Aggregator>().RunAsync(null, token);
                await services.GetRequiredService<AnomalyDetector>().RunAsync(day, token);
            }

            var (_, results) = await services.GetRequiredService<AttributionRunner>().RunAsync(day, token);
            Print(day, results, model);
            return 0;
        }, ct));
        return command;
    }

    public static void Print(DateOnly day, IReadOnlyList<EpisodeAttribution> results, IAttributionModel model, Func<EpisodeAttribution, string?>? truth = null, int limit = int.MaxValue)
    {
        var c = CultureInfo.InvariantCulture;
        var toInspect = results.SelectMany(r => r.Flags.Where(f => f.ToInspect).Select(f => f.SourceId)).Distinct(StringComparer.Ordinal).Count();
        Console.WriteLine(string.Create(c,
            $"Attribution for {day:yyyy-MM-dd} with model {model.Version}: {results.Count} episode(s); {results.Count(r => r.Flags.Any(f => f.ToInspect))} with a source to inspect ({toInspect} source(s), from {model.InspectAtOrAbove:0%}), {results.Count(r => r.Flags.Count > 0 && !r.Flags.Any(f => f.ToInspect))} with sources only \"also near\", {results.Count(r => r.Flags.Count == 0)} with none flagged."));
        // Episodes with a source to inspect first: they are what the teams act on.
        var ordered = results.OrderByDescending(r => r.Flags.Any(f => f.ToInspect)).ToList();
        foreach (var (r, i) in ordered.Take(limit).Select((r, i) => (r, i + 1)))
        {
            Console.WriteLine(string.Create(c, $"  {i,2}. episode {r.Episode.AnomalyId}: {r.Summary}"));
            foreach (var f in r.Flags)
            {
                Console.WriteLine(string.Create(c, $"      #{f.Rank} {f.SourceId} p={f.Probability:0.00} {(f.ToInspect ? "[to inspect]" : "[also near]")}: {f.Explanation}"));
            }

            if (truth?.Invoke(r) is { } actual)
            {
                Console.WriteLine($"      truth: {actual}");
            }
        }

        if (results.Count > limit)
        {
            Console.WriteLine($"  ... and {results.Count - limit} more (./airq attribute --date {day:yyyy-MM-dd}, or table source_flags).");
        }
    }
}

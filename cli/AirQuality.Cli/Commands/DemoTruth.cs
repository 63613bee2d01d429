using System.Globalization;
using AirQuality.Aggregation.Daily;
using AirQuality.Attribution;
using AirQuality.Simulation.Truth;
using AirQuality.Storage.Registry;

namespace AirQuality.Cli.Commands;

/// <summary>For the demo: the simulated incidents near an episode, in words, to set beside what attribution flagged.</summary>
static class DemoTruth
{
    public static string Describe(EpisodeAttribution attribution, CityHours city, IReadOnlyList<Incident> incidents, AttributionOptions options, TimeZoneInfo zone)
    {
        var e = attribution.Episode;
        var peak = city.Sensors[e.PeakSensor];
        var (from, to) = (HourStart(city, e.StartHour) - options.Lead, HourStart(city, e.EndHour));
        var near = incidents
            .Select(i => (Incident: i, Km: Km(i, peak)))
            .Where(x => x.Incident.Start < to && x.Incident.End > from && x.Km <= options.SearchRadiusKm)
            .OrderBy(x => x.Km).Take(3).ToList();
        if (near.Count == 0)
        {
            return $"no incident within {options.SearchRadiusKm:0.#} km (everyday emissions, weather or humid air on low-cost sensors)";
        }

        return string.Join("; ", near.Select(x => string.Create(CultureInfo.InvariantCulture,
            $"{x.Incident.SourceId ?? x.Incident.Kind.Replace('_', ' ')} incident {Local(x.Incident.Start, zone)}-{Local(x.Incident.End, zone)}, {x.Km:0.0} km from {peak.SensorId}, {x.Incident.EmissionGs:0.#} g/s{(x.Incident.UnderReported ? ", under-reported" : "")}")));
    }

    /// <summary>
    /// The day's inspection list against the truth, as the teams would get it: each source once, to inspect from the
    /// model's threshold; how many had an incident in the window of an episode they were flagged for, and how many of
    /// the registered sources' incidents under way that day reached the list.
    /// </summary>
    public static string InspectionYield(IReadOnlyList<EpisodeAttribution> attributions, CityHours city, IReadOnlyList<Incident> incidents, IAttributionModel model,
        AttributionOptions options, DateOnly day, TimeZoneInfo zone)
    {
        bool IncidentThen(string sourceId, AttributionEpisode e) => incidents.Any(i => i.SourceId == sourceId
            && i.Start < HourStart(city, e.EndHour) && i.End > HourStart(city, e.StartHour) - options.Lead);
        var listed = attributions.SelectMany(a => a.Flags.Where(f => f.ToInspect).Select(f => (a.Episode, f.SourceId)))
            .GroupBy(x => x.SourceId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Any(x => IncidentThen(x.SourceId, x.Episode)), StringComparer.Ordinal);
        var (dayStart, dayEnd) = (LocalDays.StartOf(day, zone), LocalDays.StartOf(day.AddDays(1), zone));
        var underWay = incidents.Where(i => i.SourceId is not null && i.Start < dayEnd && i.End > dayStart).ToList();
        var reached = underWay.Count(i => listed.ContainsKey(i.SourceId!));
        return string.Create(CultureInfo.InvariantCulture,
            $"Inspection list against the simulation's truth: {listed.Count} source(s) to inspect (each once, from {model.InspectAtOrAbove:0%}), {listed.Count(x => x.Value)} with an incident then: inspection yield {(listed.Count == 0 ? "n/a" : $"{listed.Count(x => x.Value) / (double)listed.Count:0%}")}; {reached} of the {underWay.Count} registered sources' incidents under way that day reached the list (some raised no sensor measurably).");
    }

    static DateTimeOffset HourStart(CityHours city, int hour) => new(DateTime.UnixEpoch.AddHours(city.FirstHour + hour), TimeSpan.Zero);

    static double Km(Incident incident, Sensor sensor) => Geo.DistanceMetres(incident.Latitude, incident.Longitude, sensor.Latitude, sensor.Longitude) / 1000;

    static string Local(DateTimeOffset at, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(at, zone).ToString("HH:mm", CultureInfo.InvariantCulture);
}

using System.Globalization;
using AirQuality.Analytics.Attribution;
using AirQuality.Ingest.Simulation.Truth;
using AirQuality.Storage.Registry;

namespace AirQuality.Cli.Commands;

/// <summary>For the demo: the simulated incidents near an episode, in words, to set beside what attribution flagged.</summary>
static class DemoTruth
{
    public static string Describe(Attribution attribution, CityHours city, IReadOnlyList<Incident> incidents, AttributionOptions options, TimeZoneInfo zone)
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

    static DateTimeOffset HourStart(CityHours city, int hour) => new(DateTime.UnixEpoch.AddHours(city.FirstHour + hour), TimeSpan.Zero);

    static double Km(Incident incident, Sensor sensor) => Geo.DistanceMetres(incident.Latitude, incident.Longitude, sensor.Latitude, sensor.Longitude) / 1000;

    static string Local(DateTimeOffset at, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(at, zone).ToString("HH:mm", CultureInfo.InvariantCulture);
}

using AirQuality.Analytics.Anomalies;
using AirQuality.Analytics.Columns;
using AirQuality.Ingest.Simulation.Truth;

namespace AirQuality.Analytics.Attribution.Evaluation;

/// <summary>
/// Detects the episodes of a simulated world with the production detector, computes their candidates' features as
/// attribution would, and labels them from the truth.
/// </summary>
/// <remarks>
/// A candidate is right when it is the source of an incident behind the episode or the episode's largest true
/// contributor, provided it contributed at least <see cref="ShareOfExcess"/> of the excess the episode's sensors
/// measured. An incident counts as detectable when it raised some sensor's hourly mean by at least
/// <see cref="DetectableUgm3"/>, the smallest excess the spike rule accepts.
/// </remarks>
public sealed class EpisodeLabeller(AnomalyDetector detector, AttributionOptions options)
{
    public const double ShareOfExcess = 0.25;
    public const double DetectableUgm3 = 25;

    /// <summary>Incidents that could be detected, and how many of them became episodes, by cause.</summary>
    public sealed record Detectability(int RegisteredDetectable, int RegisteredFound, int UnregisteredDetectable, int UnregisteredFound);

    public (IReadOnlyList<LabelledEpisode> Episodes, Detectability Incidents) Label(SimulatedCity sim, IReadOnlyList<DateOnly> days, TimeZoneInfo zone)
    {
        var city = sim.Hours;
        var plume = new PlumeEstimator(city, zone);
        var sensors = city.Sensors.Select(s => new AnomalySensor(s.SensorId, s.Name, s.DistrictId, s.TownshipId, s.Latitude, s.Longitude)).ToList();
        var registered = city.Sources.Count;
        var episodes = new List<LabelledEpisode>();
        var lead = (int)Math.Ceiling(options.Lead.TotalHours);
        foreach (var day in days)
        {
            foreach (var anomaly in detector.Detect(day, sensors, sim.Grid(detector, day), new Dictionary<string, (double, double)>()))
            {
                if (AttributionEpisode.From(0, anomaly, city) is not { } episode)
                {
                    continue;
                }

                var cells = episode.Sensors.SelectMany(s => Enumerable.Range(episode.StartHour, episode.EndHour - episode.StartHour).Select(h => (s, h))).ToArray();
                var excess = cells.Sum(c => city.Excess(c.s, c.h));
                var totals = new Dictionary<int, double>();
                foreach (var (s, h) in cells)
                {
                    foreach (var (emitter, ugm3) in sim.Contributions(s, h))
                    {
                        totals[emitter] = totals.GetValueOrDefault(emitter) + ugm3;
                    }
                }

                var windowStart = city.FirstHour + episode.StartHour - lead;
                var windowEnd = city.FirstHour + episode.EndHour;
                var incidents = sim.Truth.Incidents.Where(i => HourOf(i.Start) < windowEnd && HourOf(i.End) > windowStart).ToList();
                var largest = totals.Count == 0 ? -1 : totals.MaxBy(t => t.Value).Key;
                bool Matters(int emitter) => totals.GetValueOrDefault(emitter) >= ShareOfExcess * Math.Max(excess, 1);
                var rightSources = new HashSet<int>();
                var incidentDriven = false;
                foreach (var incident in incidents.Where(i => i.SourceId is not null))
                {
                    var j = city.SourceIndex(incident.SourceId!)!.Value;
                    if (Matters(j))
                    {
                        rightSources.Add(j);
                        incidentDriven = true;
                    }
                }

                if (largest is >= 0 && largest < registered && Matters(largest))
                {
                    rightSources.Add(largest);
                }

                var unregisteredCause = rightSources.Count == 0 && largest >= registered && Matters(largest);
                var cause = rightSources.Count > 0 ? LabelledEpisode.Registered : unregisteredCause ? LabelledEpisode.Unregistered : LabelledEpisode.Background;
                var culprit = cause switch
                {
                    LabelledEpisode.Registered => string.Join(", ", rightSources.Select(j => city.Sources[j].SourceId).Order(StringComparer.Ordinal)),
                    LabelledEpisode.Unregistered => sim.Truth.Unregistered[largest - registered].Kind,
                    _ => "none",
                };
                var candidates = CandidateFeatures.Compute(city, plume, episode, options);
                var right = candidates.Select(c => rightSources.Contains(c.Source)).ToArray();
                var truePlume = candidates.Select(c => cells.Sum(x => plume.Unit(c.Source, x.s, x.h) * TrueEmission(sim, c.Source, x.h, plume))).ToArray();
                episodes.Add(new LabelledEpisode(sim.Name, episode, cause, incidentDriven || unregisteredCause, culprit, candidates, right, truePlume));
            }
        }

        return (episodes, Detectable(sim, days, zone, episodes));
    }

    static double TrueEmission(SimulatedCity sim, int j, int hour, PlumeEstimator plume)
    {
        var at = new DateTimeOffset(DateTime.UnixEpoch.AddHours(sim.Hours.FirstHour + hour + 0.5), TimeSpan.Zero);
        return sim.Truth.Emission(j, at, plume.LocalHour(hour)).EmissionGs;
    }

    Detectability Detectable(SimulatedCity sim, IReadOnlyList<DateOnly> days, TimeZoneInfo zone, List<LabelledEpisode> episodes)
    {
        var city = sim.Hours;
        var (from, to) = (detector.Window(days[0]).Target.FirstHour, detector.Window(days[^1]).Target.FirstHour + 24);
        var (rd, rf, ud, uf) = (0, 0, 0, 0);
        foreach (var incident in sim.Truth.Incidents.Where(i => HourOf(i.Start) >= from && HourOf(i.Start) < to))
        {
            var emitter = incident.SourceId is { } id ? city.SourceIndex(id)!.Value : city.Sources.Count + IndexOf(sim.Truth.Unregistered, incident);
            var (first, last) = ((int)(HourOf(incident.Start) - city.FirstHour), (int)(HourOf(incident.End) - city.FirstHour));
            var peak = 0.0;
            for (var s = 0; s < city.Sensors.Count; s++)
            {
                for (var h = Math.Max(0, first); h <= Math.Min(city.Hours - 1, last); h++)
                {
                    peak = Math.Max(peak, sim.Contributions(s, h).GetValueOrDefault(emitter));
                }
            }

            if (peak < DetectableUgm3)
            {
                continue;
            }

            var found = episodes.Any(e => e.World == sim.Name && e.Episode.StartHour <= last && e.Episode.EndHour > first &&
                (incident.SourceId is null
                    ? e.Cause == LabelledEpisode.Unregistered && e.TrueCulprit == incident.Kind
                    : e.Candidates.Where((c, i) => e.Right[i]).Any(c => c.Source == emitter)));
            if (incident.SourceId is null)
            {
                (ud, uf) = (ud + 1, uf + (found ? 1 : 0));
            }
            else
            {
                (rd, rf) = (rd + 1, rf + (found ? 1 : 0));
            }
        }

        return new Detectability(rd, rf, ud, uf);
    }

    static int IndexOf(IReadOnlyList<Incident> list, Incident incident)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (ReferenceEquals(list[i], incident))
            {
                return i;
            }
        }

        return -1;
    }

    static long HourOf(DateTimeOffset at) => HourlyColumns.HourOf(at.UtcDateTime);
}

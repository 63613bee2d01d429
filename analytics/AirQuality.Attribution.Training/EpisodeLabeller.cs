using AirQuality.Anomalies;
using AirQuality.Aggregation.Columns;
using AirQuality.Simulation.Truth;

namespace AirQuality.Attribution.Training;

/// <summary>
/// Detects the episodes of a simulated world with the production detector, computes their candidates' features as
/// attribution would, and labels them from the truth.
/// </summary>
/// <remarks>
/// A candidate is right when it emitted abnormally (an incident: above its own usual emission) in the episode's
/// window and that abnormal part added at least <see cref="ShareOfExcess"/> of the excess the episode's sensors
/// measured. A source's everyday emission is never right, however much it added: an inspector would find it working
/// within its permit. An incident counts as detectable when it raised some sensor's 15-minute mean by at least
/// <see cref="DetectableUgm3"/> above what its emitter usually adds.
/// </remarks>
public sealed class EpisodeLabeller(AnomalyDetector detector, AttributionOptions options)
{
    public const double ShareOfExcess = 0.25;
    public const double DetectableUgm3 = 15;

    /// <summary>
    /// Detects and labels the episodes of <paramref name="days"/>, and scores the incidents; with <paramref name="missed"/>,
    /// also lists there the registered incidents that raised a sensor and did not become an episode in which they were right.
    /// </summary>
    public (IReadOnlyList<LabelledEpisode> Episodes, IReadOnlyList<ScoredIncident> Incidents) Label(SimulatedCity sim, IReadOnlyList<DateOnly> days, TimeZoneInfo zone,
        List<MissedIncident>? missed = null)
    {
        var city = sim.Hours;
        var plume = new PlumeEstimator(city, zone);
        var sensors = city.Sensors.Select(s => new AnomalySensor(s.SensorId, s.Name, s.DistrictId, s.TownshipId, s.Latitude, s.Longitude)).ToList();
        var registered = city.Sources.Count;
        var episodes = new List<LabelledEpisode>();
        var raisedBy = new List<HashSet<int>>();
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
                var matters = ShareOfExcess * Math.Max(cells.Sum(c => city.Excess(c.s, c.h)), 1);
                var (totals, abnormal) = (Sum(cells, sim.Contributions), Sum(cells, sim.AbnormalContributions));
                // The emitters whose abnormal emission raised this episode: registered sources' incidents and unregistered emitters.
                var raised = abnormal.Where(a => a.Value >= matters).Select(a => a.Key).ToHashSet();
                var largest = totals.Count == 0 ? -1 : totals.MaxBy(t => t.Value).Key;
                var incidentSources = raised.Where(j => j < registered).Order().ToList();
                var unregistered = raised.Where(j => j >= registered).OrderByDescending(j => abnormal[j]).ToList();
                var cause = incidentSources.Count > 0 ? LabelledEpisode.Incident
                    : unregistered.Count > 0 ? LabelledEpisode.Unregistered
                    : largest >= 0 && largest < registered && totals[largest] >= matters ? LabelledEpisode.Everyday
                    : LabelledEpisode.Background;
                var culprit = cause switch
                {
                    LabelledEpisode.Incident => string.Join(", ", incidentSources.Select(j => city.Sources[j].SourceId)),
                    LabelledEpisode.Unregistered => sim.Truth.Unregistered[unregistered[0] - registered].Kind,
                    LabelledEpisode.Everyday => $"{city.Sources[largest].SourceId} (everyday)",
                    _ => "none",
                };

                var (windowStart, windowEnd) = (HourStart(city, episode.StartHour - lead), HourStart(city, episode.EndHour));
                var candidates = CandidateFeatures.Compute(city, plume, episode, options);
                var right = candidates.Select(c => raised.Contains(c.Source)).ToArray();
                var incidentThen = candidates.Select(c => sim.Truth.Incidents.Any(i => i.SourceId == city.Sources[c.Source].SourceId && i.Start < windowEnd && i.End > windowStart)).ToArray();
                var truePlume = candidates.Select(c => cells.Sum(x => plume.Unit(c.Source, x.s, x.h) * TrueEmission(sim, c.Source, x.h, plume))).ToArray();
                episodes.Add(new LabelledEpisode(sim.Name, episode, cause, culprit, candidates, right, incidentThen, truePlume));
                raisedBy.Add(raised);
            }
        }

        var incidents = Incidents(sim, days, zone, episodes, raisedBy);
        missed?.AddRange(MissedIncidents.Find(detector, sim, zone, incidents, episodes, raisedBy));
        return (episodes, incidents);
    }

    static Dictionary<int, double> Sum((int s, int h)[] cells, Func<int, int, IReadOnlyDictionary<int, double>> contributions)
    {
        var totals = new Dictionary<int, double>();
        foreach (var (s, h) in cells)
        {
            foreach (var (emitter, ugm3) in contributions(s, h))
            {
                totals[emitter] = totals.GetValueOrDefault(emitter) + ugm3;
            }
        }

        return totals;
    }

    static double TrueEmission(SimulatedCity sim, int j, int hour, PlumeEstimator plume)
    {
        var at = new DateTimeOffset(DateTime.UnixEpoch.AddHours(sim.Hours.FirstHour + hour + 0.5), TimeSpan.Zero);
        return sim.Truth.Emission(j, at, plume.LocalHour(hour)).EmissionGs;
    }

    /// <summary>Every incident that started within the scored days, with how far it raised a sensor and whether an episode found it.</summary>
    List<ScoredIncident> Incidents(SimulatedCity sim, IReadOnlyList<DateOnly> days, TimeZoneInfo zone, List<LabelledEpisode> episodes, List<HashSet<int>> raisedBy)
    {
        var city = sim.Hours;
        var (from, to) = (detector.Window(days[0]).Target.FirstHour, detector.Window(days[^1]).Target.FirstHour + 24);
        var scored = new List<ScoredIncident>();
        foreach (var incident in sim.Truth.Incidents.Where(i => HourOf(i.Start) >= from && HourOf(i.Start) < to))
        {
            var emitter = incident.SourceId is { } id ? city.SourceIndex(id)!.Value : city.Sources.Count + IndexOf(sim.Truth.Unregistered, incident);
            var (first, last) = ((int)(HourOf(incident.Start) - city.FirstHour), (int)(HourOf(incident.End) - city.FirstHour));
            // An incident that raised no sensor cannot have become an episode, even where another incident of the same
            // source, under way in the same hours, did.
            var raise = sim.PeakRaise(incident);
            var found = raise > 0 && episodes.Where((e, k) => e.Episode.StartHour <= last && e.Episode.EndHour > first && raisedBy[k].Contains(emitter)).Any();
            scored.Add(new ScoredIncident(sim.Name, incident, LocalDay(incident.Start, zone), LocalDay(incident.End.AddTicks(-1), zone), raise, found));
        }

        return scored;
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

    static DateOnly LocalDay(DateTimeOffset at, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);

    static DateTimeOffset HourStart(CityHours city, int hour) => new(DateTime.UnixEpoch.AddHours(city.FirstHour + hour), TimeSpan.Zero);

    static long HourOf(DateTimeOffset at) => HourlyColumns.HourOf(at.UtcDateTime);
}

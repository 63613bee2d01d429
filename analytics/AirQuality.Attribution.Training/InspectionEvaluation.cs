using AirQuality.Storage.Registry;

namespace AirQuality.Attribution.Training;

/// <summary>
/// Builds each team's daily inspection list from a method's flags, as the report would, and scores it against the
/// truth (<see cref="InspectionScore"/>). A source is listed once a day, with its highest probability, on the list of
/// the team whose district it lies in (the team that can inspect it).
/// </summary>
public static class InspectionEvaluation
{
    const int CalibrationBins = 10;

    /// <summary>A (source, day) entry of a list: its highest probability that day, whether it is to inspect, and whether it had an incident then.</summary>
    public sealed record Entry(string World, DateOnly Day, int Source, double Probability, bool ToInspect, bool IncidentThen);

    /// <summary>
    /// The entries a method would list. A method that abstains (the model) lists its flags, to inspect from
    /// <paramref name="inspectAtOrAbove"/> up; a baseline, which always flags, lists the top source of each episode.
    /// </summary>
    public static IReadOnlyList<Entry> Entries(ModelEvaluation.Method method, IReadOnlyList<LabelledEpisode> episodes, int maxFlags, double inspectAtOrAbove)
    {
        var entries = new Dictionary<(string World, DateOnly Day, int Source), Entry>();
        foreach (var e in episodes)
        {
            var scores = method.Scores(e);
            var picked = method.RegisteredSource is null ? ModelEvaluation.Pick(method, e, 1) : ModelEvaluation.Pick(method, e, maxFlags);
            foreach (var i in picked)
            {
                var probability = method.RegisteredSource is null ? double.NaN : scores[i];
                var entry = new Entry(e.World, e.Episode.Day, e.Candidates[i].Source, probability,
                    method.RegisteredSource is null || probability >= inspectAtOrAbove, e.IncidentThen[i]);
                var key = (e.World, e.Episode.Day, entry.Source);
                entries[key] = entries.TryGetValue(key, out var seen)
                    ? seen with
                    {
                        Probability = double.IsNaN(probability) ? seen.Probability : Math.Max(seen.Probability, probability),
                        ToInspect = seen.ToInspect || entry.ToInspect,
                        IncidentThen = seen.IncidentThen || entry.IncidentThen,
                    }
                    : entry;
            }
        }

        return [.. entries.Values];
    }

    /// <summary>Scores a method's lists; <paramref name="teamDays"/> is the number of teams times the days scored in all worlds.</summary>
    public static InspectionScore Score(ModelEvaluation.Method method, IReadOnlyList<LabelledEpisode> episodes, IReadOnlyList<ScoredIncident> incidents,
        CityRegistry registry, int teamDays, int maxFlags, double inspectAtOrAbove)
    {
        var entries = Entries(method, episodes, maxFlags, inspectAtOrAbove);
        var toInspect = entries.Where(x => x.ToInspect).ToList();
        var listed = toInspect.Select(x => (x.World, x.Day, registry.Sources[x.Source].SourceId)).ToHashSet();
        var yield = new Rate(toInspect.Count(x => x.IncidentThen), toInspect.Count);
        var targets = incidents.Where(i => i.SourceId is not null && i.PeakRaiseUgm3 >= EpisodeLabeller.DetectableUgm3).ToList();
        var reached = targets.Count(i => Days(i).Any(d => listed.Contains((i.World, d, i.SourceId!))));
        var wrong = teamDays == 0 ? double.NaN : toInspect.Count(x => !x.IncidentThen) / (double)teamDays;
        return new InspectionScore(method.Name, yield, new Rate(reached, targets.Count), wrong, CalibrationError(entries), teamDays);
    }

    /// <summary>Expected calibration error over 10 equal bins: the gap between mean probability and observed share, weighted by each bin's entries.</summary>
    public static double CalibrationError(IReadOnlyList<Entry> entries)
    {
        var shown = entries.Where(e => !double.IsNaN(e.Probability)).ToList();
        if (shown.Count == 0)
        {
            return double.NaN;
        }

        return shown.GroupBy(e => Math.Min(CalibrationBins - 1, (int)(e.Probability * CalibrationBins)))
            .Sum(bin => bin.Count() / (double)shown.Count * Math.Abs(bin.Average(e => e.Probability) - bin.Average(e => e.IncidentThen ? 1.0 : 0)));
    }

    static IEnumerable<DateOnly> Days(ScoredIncident incident)
    {
        for (var d = incident.FirstDay; d <= incident.LastDay; d = d.AddDays(1))
        {
            yield return d;
        }
    }
}

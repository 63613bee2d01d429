using AirQuality.Storage.Registry;

namespace AirQuality.Attribution.Training;

/// <summary>
/// Where the end-to-end recall is lost: of the registered sources' incidents that raised a sensor's 15-minute mean by
/// at least <see cref="EpisodeLabeller.DetectableUgm3"/>, how many the detector found, and of those how many the method
/// flagged an episode for, had the right source among the flags, listed it to inspect, and put on its team's list.
/// </summary>
/// <remarks>
/// Each step counts the incidents that passed every step before it, so the differences say which step loses them.
/// An incident is followed through the episodes of its world, on a local day it was under way, in which its source
/// is a right candidate. <see cref="Listed"/> is the end-to-end recall's numerator (any episode of the day may have put
/// the source on the list); <see cref="ListedNotFound"/> counts the listed incidents the detector did not find.
/// </remarks>
public sealed record RecallBreakdown(int Targets, int Found, int Flagged, int RightAmongFlags, int ToInspect, int Listed, int ListedNotFound)
{
    public static RecallBreakdown Compute(ModelEvaluation.Method method, IReadOnlyList<LabelledEpisode> episodes, IReadOnlyList<ScoredIncident> incidents,
        CityRegistry registry, int maxFlags, double inspectAtOrAbove)
    {
        // The furthest step each (world, day, source) reaches in an episode where the source is right: 1 flagged, 2 among the flags, 3 to inspect.
        var reached = new Dictionary<(string World, DateOnly Day, string Source), int>();
        foreach (var e in episodes)
        {
            if (!e.Right.Contains(true))
            {
                continue;
            }

            var scores = method.Scores(e);
            var picked = ModelEvaluation.Pick(method, e, maxFlags);
            for (var i = 0; i < e.Candidates.Count; i++)
            {
                if (!e.Right[i])
                {
                    continue;
                }

                var step = picked.Length == 0 ? 0
                    : !picked.Contains(i) ? 1
                    : scores[i] >= inspectAtOrAbove || method.RegisteredSource is null ? 3
                    : 2;
                var key = (e.World, e.Episode.Day, registry.Sources[e.Candidates[i].Source].SourceId);
                reached[key] = Math.Max(reached.GetValueOrDefault(key), step);
            }
        }

        var listed = InspectionEvaluation.Entries(method, episodes, maxFlags, inspectAtOrAbove).Where(x => x.ToInspect)
            .Select(x => (x.World, x.Day, registry.Sources[x.Source].SourceId)).ToHashSet();
        var targets = incidents.Where(i => i.SourceId is not null && i.PeakRaiseUgm3 >= EpisodeLabeller.DetectableUgm3).ToList();
        var (found, flagged, among, inspect, onList, listedNotFound) = (0, 0, 0, 0, 0, 0);
        foreach (var incident in targets)
        {
            var days = Days(incident).ToList();
            var isListed = days.Any(d => listed.Contains((incident.World, d, incident.SourceId!)));
            onList += isListed ? 1 : 0;
            if (!incident.BecameEpisode)
            {
                listedNotFound += isListed ? 1 : 0;
                continue;
            }

            found++;
            var step = days.Select(d => reached.TryGetValue((incident.World, d, incident.SourceId!), out var s) ? s : 0).DefaultIfEmpty(0).Max();
            flagged += step >= 1 ? 1 : 0;
            among += step >= 2 ? 1 : 0;
            inspect += step >= 3 && isListed ? 1 : 0;
        }

        return new RecallBreakdown(targets.Count, found, flagged, among, inspect, onList, listedNotFound);
    }

    static IEnumerable<DateOnly> Days(ScoredIncident incident)
    {
        for (var d = incident.FirstDay; d <= incident.LastDay; d = d.AddDays(1))
        {
            yield return d;
        }
    }

    public override string ToString() =>
        $"{Targets} incidents -> found by the detector {Found} -> an episode of theirs flagged {Flagged} -> the right source among the flags {RightAmongFlags} -> listed to inspect {ToInspect}; on its team's list {Listed} (of which {ListedNotFound} not found by the detector)";
}

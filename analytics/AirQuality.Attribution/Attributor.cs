using System.Globalization;

namespace AirQuality.Attribution;

/// <summary>
/// Scores every candidate source of an episode with the trained model and flags the most likely, or abstains when
/// the episode model finds a registered source unlikely to be behind it at all ("likely an unregistered emitter near ...").
/// </summary>
public sealed class Attributor(IAttributionModel model, AttributionOptions options)
{
    public IAttributionModel Model => model;

    public EpisodeAttribution Attribute(CityHours city, PlumeEstimator plume, AttributionEpisode episode)
    {
        var candidates = CandidateFeatures.Compute(city, plume, episode, options);
        var peak = city.Sensors[episode.PeakSensor];
        var where = $"{peak.SensorId} ({peak.Name})";
        if (candidates.Count == 0)
        {
            return new EpisodeAttribution(episode, EpisodeAttribution.NoCandidates, string.Create(CultureInfo.InvariantCulture,
                $"No registered source within {options.SearchRadiusKm:0.#} km; likely an unregistered emitter near {where}."), 0, 0, []);
        }

        var contributor = Contributor(city, episode, candidates);
        var probabilities = candidates.Select(c => model.Probability(c.Features)).ToArray();
        var registered = model.RegisteredSourceProbability(candidates, probabilities, options.MaxFlags);
        var picked = FlagSelection.Pick(probabilities, registered, model.AbstainBelow, options.MaxFlags);
        if (picked.Length == 0)
        {
            var best = Array.IndexOf(probabilities, probabilities.Max());
            return new EpisodeAttribution(episode, EpisodeAttribution.UnregisteredEmitter, string.Create(CultureInfo.InvariantCulture,
                $"No registered source's incident explains it well: {registered:0%} that one is behind it, below the {model.AbstainBelow:0%} needed to flag (best: {city.Sources[candidates[best].Source].SourceId} at {probabilities[best]:0%}); sources' everyday emission, an unregistered emitter near {where}, or the weather."),
                candidates.Count, registered, []) { Contributor = contributor };
        }

        var flags = picked.Select((i, rank) => new SourceFlag(
            rank + 1, candidates[i].Source, city.Sources[candidates[i].Source].SourceId, probabilities[i], probabilities[i] >= model.InspectAtOrAbove,
            Explanation.Write(city, plume.Zone, episode, candidates[i], model.Contributions(candidates[i].Features)),
            CandidateFeatures.Names.Select((n, k) => (n, k)).ToDictionary(f => f.n, f => double.IsNaN(candidates[i].Features[f.k]) ? (double?)null : Math.Round(candidates[i].Features[f.k], 4), StringComparer.Ordinal))).ToList();
        var top = flags[0];
        return new EpisodeAttribution(episode, EpisodeAttribution.RegisteredSource, string.Create(CultureInfo.InvariantCulture,
            $"Most likely {top.SourceId} ({city.Sources[top.Source].Name}) at {top.Probability:0%}; {registered:0%} that a flagged source is behind it; {flags.Count} source(s) flagged of {candidates.Count} within {options.SearchRadiusKm:0.#} km."),
            candidates.Count, registered, flags) { Contributor = contributor };
    }

    /// <summary>The candidate with the largest plume share on reported emissions, when that share is at least <see cref="PlumeContributor.MinShare"/>.</summary>
    static PlumeContributor? Contributor(CityHours city, AttributionEpisode episode, IReadOnlyList<Candidate> candidates)
    {
        var top = candidates.MaxBy(c => c.Facts.PlumeShare);
        return top is not null && top.Facts.PlumeShare >= PlumeContributor.MinShare
            ? new PlumeContributor(top.Source, city.Sources[top.Source].SourceId, top.Facts.PlumeShare, top.Facts.PlumeUgm3, episode.EndHour - episode.StartHour)
            : null;
    }
}

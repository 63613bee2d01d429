namespace AirQuality.Attribution;

/// <summary>
/// What decides whether to flag at all: the evidence, for a whole episode, that a registered source is behind it.
/// The candidate model says which source is likeliest; this says whether any of them is likely enough, from how
/// sure the candidate model is about its best few and from what the episode itself looks like.
/// </summary>
/// <remarks>
/// Unregistered emitters (open burning, cooking) give off fine smoke in the evening or at meal times for an hour or
/// two; a dust site's incident adds coarse dust in working hours; a stack's adds fine particles at any hour, often
/// with its own telemetry high, and SO2 with them; open burning adds CO. A per-candidate score cannot learn this:
/// every dust site near a dusty episode looks alike, so each gets a modest probability even when one of them is
/// surely behind it.
/// </remarks>
public static class EpisodeEvidence
{
    const double MinProbability = 1e-4;

    public static readonly IReadOnlyList<string> Names =
    [
        "any_of_top_log_odds", "top_log_odds", "dust_share", "dust_site_in_top", "dust_site_in_top_dust_share", "stack_on_top_fine_share",
        "top_has_telemetry", "top_telemetry_ratio_log", "episode_evening", "episode_meal_time", "episode_log_hours", "episode_log_sensors",
        "top_telemetry_quiet", "top_telemetry_quiet_at_unregistered_hours",
        "episode_so2_log", "episode_co_log", "top_emits_so2_episode_so2", "dust_site_in_top_episode_co",
        "top_excess_over_usual_log", "top_telemetry_over_hour_usual_log",
    ];

    static readonly int Coarse = CandidateFeatures.Index("coarse_excess_ratio");
    static readonly int DustSite = CandidateFeatures.Index("dust_site");
    static readonly int HasTelemetry = CandidateFeatures.Index("has_telemetry");
    static readonly int TelemetryRatio = CandidateFeatures.Index("telemetry_ratio_log");
    static readonly int Evening = CandidateFeatures.Index("episode_evening");
    static readonly int MealTime = CandidateFeatures.Index("episode_meal_time");
    static readonly int LogHours = CandidateFeatures.Index("episode_log_hours");
    static readonly int LogSensors = CandidateFeatures.Index("episode_log_sensors");
    static readonly int So2Log = CandidateFeatures.Index("episode_so2_log");
    static readonly int CoLog = CandidateFeatures.Index("episode_co_log");
    static readonly int EmitsSo2So2 = CandidateFeatures.Index("emits_so2_episode_so2");
    static readonly int ExcessOverUsual = CandidateFeatures.Index("excess_over_usual_log");
    static readonly int TelemetryOverHourUsual = CandidateFeatures.Index("telemetry_over_hour_usual_log");

    /// <summary>The episode's evidence from its candidates and their probabilities; <paramref name="top"/> is how many would be flagged.</summary>
    public static double[] Compute(IReadOnlyList<Candidate> candidates, IReadOnlyList<double> probabilities, int top)
    {
        ArgumentOutOfRangeException.ThrowIfZero(candidates.Count);
        var best = Enumerable.Range(0, candidates.Count).OrderByDescending(i => probabilities[i]).ThenBy(i => i).Take(top).ToArray();
        // The chance that at least one of the flagged few is right, were they independent.
        var none = best.Aggregate(1.0, (q, i) => q * (1 - probabilities[i]));
        var first = candidates[best[0]].Features;
        var dust = best.Any(i => candidates[i].Features[DustSite] == 1) ? 1 : 0;
        var dustShare = CandidateFeatures.DustShare(first[Coarse]);
        // A stack whose own telemetry stayed at its usual level (1 at or below it, 0 from twice it up): an under-reporting
        // stack, or smoke from elsewhere; in the evening or at a meal time, the smoke is the likelier.
        var quiet = first[HasTelemetry] * Math.Clamp(1 - first[TelemetryRatio] / Math.Log(2), 0, 1);
        var unregisteredHours = Math.Max(first[Evening], first[MealTime]);
        return
        [
            LogOdds(1 - none), LogOdds(probabilities[best[0]]), dustShare, dust, dust * dustShare, (1 - first[DustSite]) * (1 - dustShare),
            first[HasTelemetry], first[TelemetryRatio], first[Evening], first[MealTime], first[LogHours], first[LogSensors],
            quiet, quiet * unregisteredHours,
            first[So2Log], first[CoLog], first[EmitsSo2So2], dust * first[CoLog],
            // Whether the likeliest source's sensors stood above their own everyday level: an incident, not a routine.
            first[ExcessOverUsual], first[TelemetryOverHourUsual],
        ];
    }

    static double LogOdds(double p)
    {
        p = Math.Clamp(p, MinProbability, 1 - MinProbability);
        return Math.Log(p / (1 - p));
    }
}

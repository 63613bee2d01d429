namespace AirQuality.Attribution;

/// <summary>
/// One candidate's features by name. <see cref="Table"/> pairs each feature's stored name with its field, once: the
/// model's vector, <see cref="CandidateFeatures.Names"/> and every look-up by name come from it, so no reader has to
/// count positions.
/// </summary>
/// <remarks>
/// Every field starts as <see cref="double.NaN"/> (not measured), so a feature nobody set reads as missing, never as 0.
/// What each one measures is in docs/attribution.md ("Features").
/// </remarks>
public sealed record CandidateFeatureValues
{
    public double LogDistanceKm { get; init; } = double.NaN;
    public double WindAlignment { get; init; } = double.NaN;
    public double WindSpeedMs { get; init; } = double.NaN;
    public double TravelHours { get; init; } = double.NaN;
    public double PlumeShare { get; init; } = double.NaN;
    public double PlumeExplainedLog { get; init; } = double.NaN;
    public double FootprintCorrelation { get; init; } = double.NaN;
    public double RequiredFactorLog { get; init; } = double.NaN;
    public double HasTelemetry { get; init; } = double.NaN;
    public double TelemetryRatioLog { get; init; } = double.NaN;
    public double TelemetryZ { get; init; } = double.NaN;
    public double TelemetryCorrelation { get; init; } = double.NaN;
    public double DownwindRoseShare { get; init; } = double.NaN;
    public double UpwindRoseShare { get; init; } = double.NaN;
    public double CoarseExcessRatio { get; init; } = double.NaN;
    public double InWorkingHours { get; init; } = double.NaN;
    public double DustSite { get; init; } = double.NaN;
    public double InverseDistanceRank { get; init; } = double.NaN;
    public double InversePlumeRank { get; init; } = double.NaN;
    public double InverseFootprintRank { get; init; } = double.NaN;
    public double RequiredFactorImplausible { get; init; } = double.NaN;
    public double RequiredFactorSmall { get; init; } = double.NaN;
    public double EpisodeLogHours { get; init; } = double.NaN;
    public double EpisodeLogSensors { get; init; } = double.NaN;
    public double EpisodeEvening { get; init; } = double.NaN;
    public double EpisodeMealTime { get; init; } = double.NaN;
    public double DustSiteIdle { get; init; } = double.NaN;
    public double DustSiteRequiredFactorLog { get; init; } = double.NaN;
    public double UnmonitoredInEvening { get; init; } = double.NaN;
    public double DustSiteLogDustShare { get; init; } = double.NaN;
    public double StackLogFineShare { get; init; } = double.NaN;
    public double EpisodeSo2Log { get; init; } = double.NaN;
    public double EpisodeCoLog { get; init; } = double.NaN;
    public double EmitsSo2EpisodeSo2 { get; init; } = double.NaN;
    public double NoSo2EpisodeSo2 { get; init; } = double.NaN;
    public double DustSiteEpisodeCo { get; init; } = double.NaN;
    public double So2FootprintCorrelation { get; init; } = double.NaN;

    /// <summary>
    /// Log of the source's highest particulate from the lead before the episode to its end over its own median at the
    /// same hour on the other days (<see cref="UsualForHour"/>): an incident against the source's own usual for that hour,
    /// whatever its daily cycle. Missing without telemetry, or with too few days of it.
    /// </summary>
    public double TelemetryOverHourUsualLog { get; init; } = double.NaN;

    /// <summary>
    /// Where this source's plume reaches the episode's sensors (cells weighted by its plume per unit emission), log of
    /// their excess over their own usual excess at that hour in a like wind: how far above what they read every day the
    /// sensors this source can reach were. An everyday contributor raises its sensors the same each day (near 0), an
    /// incident above it. Missing where its plume reaches none of them or the sensors have too little history.
    /// </summary>
    public double ExcessOverUsualLog { get; init; } = double.NaN;

    /// <summary>
    /// Of the episode's sensor-hours that rose (excess of 15 µg/m³ or more), the share lying downwind of the source
    /// (within 45° of where the wind blew): whether the rise is where this source's wind would carry it. Missing without
    /// wind or when none rose.
    /// </summary>
    public double RoseDownwindShare { get; init; } = double.NaN;

    /// <summary>
    /// The plume's fit to the neighbourhood's excess (Pearson's r, as <see cref="FootprintCorrelation"/>) at the best of
    /// the registered position and the displaced ones (<see cref="DisplacedPlumeFit"/>): whether the sensors that rose
    /// match this source's plume from where it may really stand. Missing where its plume reaches none of them from anywhere.
    /// </summary>
    public double BestFitFootprintCorrelation { get; init; } = double.NaN;

    /// <summary>Log of the plume estimate from the best-fitting position over the measured excess, as <see cref="PlumeExplainedLog"/>. Missing as above.</summary>
    public double BestFitExplainedLog { get; init; } = double.NaN;

    /// <summary>The source's share of the plume estimates from each candidate's best-fitting position, as <see cref="PlumeShare"/>. Missing as above.</summary>
    public double BestFitPlumeShare { get; init; } = double.NaN;

    /// <summary>How far the best-fitting position lies from the registered one, km (0: the registered one). Missing as above.</summary>
    public double BestFitOffsetKm { get; init; } = double.NaN;

    /// <summary>Each feature's stored name beside its field, in the order of the model's vector.</summary>
    public static readonly IReadOnlyList<(string Name, Func<CandidateFeatureValues, double> Value)> Table =
    [
        ("log_distance_km", f => f.LogDistanceKm),
        ("wind_alignment", f => f.WindAlignment),
        ("wind_speed_ms", f => f.WindSpeedMs),
        ("travel_hours", f => f.TravelHours),
        ("plume_share", f => f.PlumeShare),
        ("plume_explained_log", f => f.PlumeExplainedLog),
        ("footprint_correlation", f => f.FootprintCorrelation),
        ("required_factor_log", f => f.RequiredFactorLog),
        ("has_telemetry", f => f.HasTelemetry),
        ("telemetry_ratio_log", f => f.TelemetryRatioLog),
        ("telemetry_z", f => f.TelemetryZ),
        ("telemetry_correlation", f => f.TelemetryCorrelation),
        ("downwind_rose_share", f => f.DownwindRoseShare),
        ("upwind_rose_share", f => f.UpwindRoseShare),
        ("coarse_excess_ratio", f => f.CoarseExcessRatio),
        ("in_working_hours", f => f.InWorkingHours),
        ("dust_site", f => f.DustSite),
        ("inverse_distance_rank", f => f.InverseDistanceRank),
        ("inverse_plume_rank", f => f.InversePlumeRank),
        ("inverse_footprint_rank", f => f.InverseFootprintRank),
        ("required_factor_implausible", f => f.RequiredFactorImplausible),
        ("required_factor_small", f => f.RequiredFactorSmall),
        ("episode_log_hours", f => f.EpisodeLogHours),
        ("episode_log_sensors", f => f.EpisodeLogSensors),
        ("episode_evening", f => f.EpisodeEvening),
        ("episode_meal_time", f => f.EpisodeMealTime),
        ("dust_site_idle", f => f.DustSiteIdle),
        ("dust_site_required_factor_log", f => f.DustSiteRequiredFactorLog),
        ("unmonitored_in_evening", f => f.UnmonitoredInEvening),
        ("dust_site_log_dust_share", f => f.DustSiteLogDustShare),
        ("stack_log_fine_share", f => f.StackLogFineShare),
        ("episode_so2_log", f => f.EpisodeSo2Log),
        ("episode_co_log", f => f.EpisodeCoLog),
        ("emits_so2_episode_so2", f => f.EmitsSo2EpisodeSo2),
        ("no_so2_episode_so2", f => f.NoSo2EpisodeSo2),
        ("dust_site_episode_co", f => f.DustSiteEpisodeCo),
        ("so2_footprint_correlation", f => f.So2FootprintCorrelation),
        ("telemetry_over_hour_usual_log", f => f.TelemetryOverHourUsualLog),
        ("excess_over_usual_log", f => f.ExcessOverUsualLog),
        ("rose_downwind_share", f => f.RoseDownwindShare),
        ("best_fit_footprint_correlation", f => f.BestFitFootprintCorrelation),
        ("best_fit_explained_log", f => f.BestFitExplainedLog),
        ("best_fit_plume_share", f => f.BestFitPlumeShare),
        ("best_fit_offset_km", f => f.BestFitOffsetKm),
    ];

    /// <summary>The values in the order of <see cref="Table"/> (and of <see cref="CandidateFeatures.Names"/>).</summary>
    public double[] ToVector()
    {
        var x = new double[Table.Count];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = Table[i].Value(this);
        }

        return x;
    }
}

using System.Globalization;

namespace AirQuality.Attribution;

/// <summary>
/// The reason for a flag in words a person can check: where the source lies from the sensors and how the wind ran,
/// then the evidence that pushed its probability up most (telemetry, plume model, which sensors rose).
/// </summary>
public static class Explanation
{
    static readonly string[] Compass = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"];

    public static string Write(CityHours city, TimeZoneInfo zone, AttributionEpisode episode, Candidate candidate, IReadOnlyList<(string Feature, double LogOdds)> contributions)
    {
        var f = candidate.Facts;
        var peak = city.Sensors[episode.PeakSensor];
        var wind = f.WindAlignment >= 0.7 ? "upwind" : f.WindAlignment >= 0.2 ? "roughly upwind" : f.WindAlignment > -0.2 ? "across the wind" : "downwind";
        var parts = new List<string>
        {
            Invariant($"{f.DistanceKm:0.0} km {Compass[(int)Math.Round(f.BearingFromSensorDeg / 45) % 8]} of {peak.SensorId}, {wind} (wind {f.WindSpeedMs:0.#} m/s)"),
        };
        // Several features tell one piece of evidence (the telemetry's ratio, z-score and correlation): each sentence
        // is ranked by what its features pushed together, so evidence spread over three features is not outranked.
        var evidence = contributions
            .Select(c => (Words: Words(city, zone, c.Feature, f), c.LogOdds))
            .Where(c => c.Words is not null)
            .GroupBy(c => c.Words!, StringComparer.Ordinal)
            .Select(g => (Words: g.Key, LogOdds: g.Sum(c => c.LogOdds)))
            .Where(e => e.LogOdds >= 0.15)
            .OrderByDescending(e => e.LogOdds)
            .Take(3);
        parts.AddRange(evidence.Select(e => e.Words));
        return string.Join("; ", parts);
    }

    static string? Words(CityHours city, TimeZoneInfo zone, string feature, CandidateFacts f) => feature switch
    {
        "telemetry_ratio_log" or "telemetry_z" or "telemetry_correlation" or "telemetry_over_hour_usual_log" when f.PeakParticulateMgm3 is { } peak =>
            f.PermittedParticulateMgm3 is { } limit
                ? Invariant($"particulate at {peak / limit:0.0}× its permitted limit ({peak:0.#} mg/m³){Since(city, zone, f)}")
                : Invariant($"particulate at {f.PeakOverUsual:0.0}× its usual level{Since(city, zone, f)}"),
        "plume_share" or "plume_explained_log" or "inverse_plume_rank" => Invariant($"plume model puts {f.PlumeShare:0%} of the modelled contribution on it"),
        "footprint_correlation" or "inverse_footprint_rank" or "required_factor_log" =>
            Invariant($"the sensors that rose match its plume (r = {f.FootprintCorrelation:0.00}); explaining them needs {f.RequiredFactor:0.#}× its usual emission"),
        "best_fit_footprint_correlation" or "best_fit_explained_log" or "best_fit_plume_share" or "best_fit_offset_km" when f.BestFit is { } fit =>
            fit.OffsetM > 0
                ? Invariant($"the sensors that rose match its plume best from {fit.OffsetM / 1000:0.0} km {Compass[(int)Math.Round(fit.BearingDeg / 45) % 8]} of its registered position (r = {fit.Correlation:0.00}, from the registered one {fit.RegistryCorrelation:0.00}): the registry's position may be off")
                : Invariant($"the sensors that rose match its plume from its registered position (r = {fit.Correlation:0.00}) better than from any position up to {DisplacedPlumeFit.Rings.Max(r => r.RadiusM) / 1000:0.#} km away"),
        "downwind_rose_share" or "upwind_rose_share" when f.DownwindSensors > 0 =>
            Invariant($"{f.DownwindRose} of {f.DownwindSensors} sensor-hours downwind rose, {f.UpwindRose} of {f.UpwindSensors} upwind"),
        // Hours cited only where they were known (the registry's or learnt from telemetry): never an assumed working day.
        "in_working_hours" or "dust_site" when f.DustSite && f.HoursFrom != HoursKnownFrom.Unknown && !double.IsNaN(f.WorkingHoursShare) =>
            Invariant($"a dust site{(f.HasTelemetry ? " with a dust monitor" : " without telemetry")}, working during {f.WorkingHoursShare:0%} of the episode ({(f.HoursFrom == HoursKnownFrom.Registry ? "its registered hours" : "hours read off its telemetry")})"),
        "dust_site" when f.DustSite => Invariant($"a dust site{(f.HasTelemetry ? " with a dust monitor" : " without telemetry")}, its working hours not known"),
        "coarse_excess_ratio" or "dust_site_log_dust_share" or "stack_log_fine_share" => f.CoarseExcessRatio >= 2.5
            ? Invariant($"the added PM10 was {f.CoarseExcessRatio:0.0}× the added PM2.5, coarse dust")
            : Invariant($"the added PM10 was only {f.CoarseExcessRatio:0.0}× the added PM2.5, fine particles as from a stack or smoke"),
        "episode_so2_log" or "emits_so2_episode_so2" or "no_so2_episode_so2" => f.So2PerPm25 >= 0.5
            ? Invariant($"SO2 rose with the particles ({f.So2PerPm25:0.0} µg/m³ for each µg/m³ of PM2.5), as flue gas brings it")
            : Invariant($"hardly any SO2 came with the particles ({f.So2PerPm25:0.00} µg/m³ for each µg/m³ of PM2.5), unlike flue gas"),
        "so2_footprint_correlation" => Invariant($"where SO2 rose matches its plume (r = {f.So2FootprintCorrelation:0.00})"),
        "episode_co_log" or "dust_site_episode_co" => f.CoPerPm25 >= 0.006
            ? Invariant($"CO rose with the particles ({f.CoPerPm25 * 1000:0.#} µg/m³ for each µg/m³ of PM2.5), as smoke from burning brings it")
            : Invariant($"little CO came with the particles ({f.CoPerPm25 * 1000:0.#} µg/m³ for each µg/m³ of PM2.5), so not smoke from burning"),
        "log_distance_km" or "inverse_distance_rank" => null, // already said first
        "has_telemetry" when !f.HasTelemetry => "no emission telemetry to rule it out",
        _ => null,
    };

    static string Since(CityHours city, TimeZoneInfo zone, CandidateFacts f) =>
        f.HighSinceHour is { } h ? Invariant($" from {TimeZoneInfo.ConvertTimeFromUtc(DateTime.UnixEpoch.AddHours(city.FirstHour + h), zone):HH:mm}") : "";

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

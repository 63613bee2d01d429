namespace AirQuality.EnforcementConsole;

/// <summary>What the today page of one team shows, for <see cref="Day"/> (the latest day attributed in its districts; null when none yet).</summary>
public sealed record TodayView(
    string TeamId,
    string TeamName,
    DateOnly? Day,
    IReadOnlyList<MapDistrict> Districts,
    IReadOnlyList<SourceToInspect> SourcesToInspect,
    IReadOnlyList<MapSensor> Sensors,
    IReadOnlyList<MapSource> Sources)
{
    /// <summary>The day's attributed pollution episodes touching the team's districts, each with its hourly chart.</summary>
    public IReadOnlyList<EpisodeView> Episodes { get; init; } = [];
}

/// <summary>A district of the team.</summary>
public sealed record MapDistrict(string DistrictId, string Name, string? NameLocal);

/// <summary>A source to inspect on the day, with each of its flags (one per episode it was flagged for, most probable first).</summary>
public sealed record SourceToInspect(string SourceId, string Name, string Category, string Address, IReadOnlyList<FlagLine> Flags);

/// <summary>One flag of a source: the episode, the model's probability (0 to 1) and its explanation.</summary>
public sealed record FlagLine(long FlagId, long AnomalyId, double Probability, string Explanation);

/// <summary>A sensor on the map, with the day's PM2.5 mean (µg/m³) and its HJ 633 category; both null without a valid day.</summary>
public sealed record MapSensor(string SensorId, string Name, double Latitude, double Longitude, double? Pm25, string? Category);

/// <summary>A registered source on the map; <see cref="Flagged"/> when it is to be inspected on the day.</summary>
public sealed record MapSource(string SourceId, string Name, string Category, double Latitude, double Longitude, bool Flagged);

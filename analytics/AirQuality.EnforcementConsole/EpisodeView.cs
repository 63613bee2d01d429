namespace AirQuality.EnforcementConsole;

/// <summary>
/// An attributed pollution episode of the day for the today page: its sensors, when it ran, the team's sources to
/// inspect for it, and the hourly series its chart draws.
/// </summary>
/// <remarks>
/// Every series has 24 values, one per local clock hour of the day (index 0 is 00:00-01:00 in <see cref="ConsoleOptions.TimeZone"/>);
/// a null value is an hour without a valid mean. PM2.5 in µg/m³; telemetry particulate in mg/m³ of flue gas.
/// </remarks>
public sealed record EpisodeView(
    long AnomalyId,
    IReadOnlyList<string> SensorIds,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    double? PeakUgm3,
    IReadOnlyList<string> FlaggedSourceIds,
    IReadOnlyList<HourlySeries> Sensors,
    IReadOnlyList<double?> Usual,
    IReadOnlyList<HourlySeries> Telemetry);

/// <summary>One line of an episode's chart: a sensor's hourly PM2.5 or a flagged source's hourly particulate telemetry.</summary>
public sealed record HourlySeries(string Id, IReadOnlyList<double?> Values);

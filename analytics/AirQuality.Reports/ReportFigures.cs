namespace AirQuality.Reports;

/// <summary>
/// What the e-mail's images draw: the team's sensors with their day's PM2.5 category (null without a valid day), and
/// for each top episode the hourly PM2.5 of its sensors over the local day beside their usual level.
/// </summary>
public sealed record ReportFigures(IReadOnlyList<MapSensor> Sensors, IReadOnlyList<EpisodeSeries> Episodes);

/// <summary>A sensor on the e-mail's map: WGS84 degrees and its day's HJ 633 PM2.5 category.</summary>
public sealed record MapSensor(string SensorId, double Latitude, double Longitude, string? Category);

/// <summary>
/// One episode's chart: per UTC hour of the local day, the mean PM2.5 (µg/m³) of its sensors' valid hours and the mean
/// of their usual levels at that hour (<see cref="AirQuality.Aggregation.UsualHourlyLevels"/>; either null without one).
/// </summary>
public sealed record EpisodeSeries(ReportAnomaly Episode, IReadOnlyList<HourPoint> Hours);

/// <summary>An hour (UTC start) of an <see cref="EpisodeSeries"/>.</summary>
public sealed record HourPoint(DateTime HourStart, double? Mean, double? Usual);

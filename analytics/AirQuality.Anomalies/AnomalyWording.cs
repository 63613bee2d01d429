using System.Globalization;
using AirQuality.Aggregation.Daily;

namespace AirQuality.Anomalies;

/// <summary>
/// The sentences of the <c>detail</c> column: each names what was measured and what it stood against, and the history
/// a usual level came from as it actually was (how many days, which hours, which wind), never a nominal window.
/// </summary>
static class AnomalyWording
{
    /// <summary>Townships named before the rest are counted instead.</summary>
    const int TownshipsNamed = 3;

    /// <summary>
    /// Which history a usual level was learnt from: <paramref name="hours"/> ("at this hour on weekdays with the wind
    /// from the NE", "at any hour") and how many local days it held readings on.
    /// </summary>
    public static string Basis(string hours, int days) => $"{hours} over {days} day{(days == 1 ? "" : "s")}";

    /// <summary>"at this hour" with the type of day and the wind actually used; <paramref name="windFromDeg"/> NaN for none.</summary>
    public static string Hours(bool sameHour, bool? weekend, double windFromDeg) =>
        (sameHour ? "at this hour" : "at any hour")
        + (weekend is { } w ? w ? " on weekends" : " on weekdays" : "")
        + (double.IsNaN(windFromDeg) ? "" : $" with the wind from the {Compass(windFromDeg)}");

    public static string Episode(int sensorCount, IReadOnlyList<string> townships, string from, string to, UsualLevels.Rise peak, AnomalySensor peakSensor, string peakAt, IReadOnlyList<string> kinds) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{sensorCount} sensor(s) in {Few(townships)} from {from} to {to}; peak {peak.Value:0} µg/m³ (15-minute mean) at {peakSensor.SensorId} ({peakSensor.Name}) at {peakAt}; {string.Join(", ", kinds)}. {peakSensor.SensorId} rose to {peak.Value:0} µg/m³ against its usual {peak.Expected:0} µg/m³ {peak.Basis} (noise ±{peak.Noise:0.0} µg/m³{(peak.Sharp ? ", a sharp rise of a single 15-minute mean" : "")}{(peak.Confirmed ? ", confirmed by a neighbouring sensor rising with it" : "")}).");

    public static string Fault(AnomalySensor sensor, string kind, string from, string to, int hours) =>
        $"{sensor.SensorId} ({sensor.Name}) {(kind == AnomalyKinds.MissingData ? "sent no readings" : "sent the same PM2.5 value all hour, every hour")} from {from} to {to} ({hours} hours).";

    public static string Drift(AnomalySensor sensor, double today, double before, int earlyDays, int neighbours, double radiusKm) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{sensor.SensorId} ({sensor.Name}) read {today:0.00}× the median of its {neighbours} co-located neighbours within {radiusKm:0.#} km, against {before:0.00}× over the first {earlyDays} day{(earlyDays == 1 ? "" : "s")} of its history: drift, not pollution; check or recalibrate it.");

    public static string HourlyExceedance(string district, int sensors, int means, double limit, string from, string to, double peak, AnomalySensor worst, string at) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{sensors} sensor(s) in {district} had {means} hourly PM2.5 mean(s) above the hourly limit of {limit:0} µg/m³ between {from} and {to} without rising above their usual level there: the district's air, not a local incident; the highest, {peak:0} µg/m³, at {worst.SensorId} ({worst.Name}) from {at}.");

    public static string DailyExceedance(string district, int sensors, double limit, double mean, AnomalySensor worst) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{sensors} sensor(s) in {district} had a daily PM2.5 mean above the 24-hour limit of {limit:0} µg/m³; the highest, {mean:0.0} µg/m³, at {worst.SensorId} ({worst.Name}).");

    /// <summary>Local clock time of a UTC instant within <paramref name="days"/>; the end of the day reads 24:00, not 00:00.</summary>
    public static string Local(DateTime utc, LocalDays days)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, days.TimeZone);
        return local.TimeOfDay == TimeSpan.Zero && DateOnly.FromDateTime(local) > days.First ? "24:00" : local.ToString("HH:mm", CultureInfo.InvariantCulture);
    }

    static string Few(IReadOnlyList<string> names) =>
        names.Count <= TownshipsNamed + 1 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(TownshipsNamed))} and {names.Count - TownshipsNamed} more townships";

    public static string Compass(double degrees) =>
        new[] { "N", "NE", "E", "SE", "S", "SW", "W", "NW" }[(int)Math.Round(degrees / 45) % 8];
}

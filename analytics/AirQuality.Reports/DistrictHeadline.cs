using AirQuality.Aggregation;

namespace AirQuality.Reports;

/// <summary>
/// The headline of one district in a report: the day's PM2.5 daily mean with its AQI category, the period to date
/// (1 January to the day) against the same days last year, exceedance days this year, and the last days for a chart.
/// </summary>
/// <remarks>
/// <see cref="Sensors"/> is the number of registered sensors in the district. Concentrations in µg/m³. <see cref="Pm25Ugm3"/> is null when the day was not aggregated; <see cref="Pm25Category"/>
/// is the category of the PM2.5 IAQI, <see cref="AqiCategory"/> that of the day's AQI over all pollutants.
/// <see cref="PeriodToDate"/> is the district's row of <c>year_over_year('pm25', 1 January, day)</c>.
/// </remarks>
public sealed record DistrictHeadline(
    string DistrictId, string Name, string? LocalName, int Sensors, bool Aggregated, double? Pm25Ugm3, bool Pm25Valid, int? Pm25Iaqi, string? Pm25Category,
    int? Aqi, string? AqiCategory, IReadOnlyList<string> PrimaryPollutants, double? LimitUgm3, bool? ExceedsLimit,
    YearOverYear? PeriodToDate, IReadOnlyList<DailyBar> RecentDays)
{
    /// <summary>"Shapingba 沙坪坝区", or the name alone when there is no local name.</summary>
    public string DisplayName => LocalName is { Length: > 0 } local && local != Name ? $"{Name} {local}" : Name;
}

namespace AirQuality.EnforcementConsole;

/// <summary>
/// The city page: each district's status and its response figures over the 30 days up to <see cref="Until"/>, and
/// every overdue dispatch. <see cref="AirDay"/> is the latest day aggregated, <see cref="FlagDay"/> the latest attributed (null when none).
/// </summary>
public sealed record CityView(DateTimeOffset Since, DateTimeOffset Until, DateOnly? AirDay, DateOnly? FlagDay, IReadOnlyList<DistrictStatus> Districts, IReadOnlyList<OverdueDispatch> Overdue);

/// <summary>
/// One district: PM2.5 (µg/m³) and AQI on <see cref="CityView.AirDay"/> (null without a valid day), its sources to
/// inspect on <see cref="CityView.FlagDay"/>, its open (unresolved) and overdue dispatches, and over the period, for
/// flags flagged in it: hours from flag to acknowledgement and to finding (median and 90th percentile, linear
/// interpolation as PostgreSQL's percentile_cont; null without any) and the confirmed share of confirmed and not
/// confirmed findings (null without any; could not inspect does not count).
/// </summary>
public sealed record DistrictStatus(
    string DistrictId,
    string Name,
    double? Pm25,
    int? Aqi,
    string? AqiCategory,
    int SourcesToInspect,
    int OpenDispatches,
    int OverdueDispatches,
    int Dispatched,
    double? AcknowledgeMedianHours,
    double? AcknowledgeP90Hours,
    double? FindingMedianHours,
    double? FindingP90Hours,
    int Confirmed,
    int Judged)
{
    /// <summary>Confirmed findings over confirmed and not confirmed ones, 0 to 1; null when there is none.</summary>
    public double? ConfirmedShare => Judged == 0 ? null : (double)Confirmed / Judged;
}

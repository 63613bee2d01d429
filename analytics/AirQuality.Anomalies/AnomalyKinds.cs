namespace AirQuality.Anomalies;

/// <summary>The kinds of <c>anomalies.kinds</c>.</summary>
public static class AnomalyKinds
{
    public const string HourlyExceedance = "exceedance_hourly";
    public const string DailyExceedance = "exceedance_daily";
    public const string Spike = "spike";
    public const string MissingData = "missing_data";
    public const string Flatline = "flatline";
    public const string Drift = "drift";
}

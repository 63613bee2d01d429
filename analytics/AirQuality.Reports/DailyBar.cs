namespace AirQuality.Reports;

/// <summary>One bar of a district's recent-days chart: its PM2.5 daily mean (µg/m³), whether the day was valid and above the 24-hour limit.</summary>
public sealed record DailyBar(DateOnly Day, double? Pm25Ugm3, bool Valid, bool ExceedsLimit);

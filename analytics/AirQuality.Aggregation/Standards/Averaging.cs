namespace AirQuality.Aggregation.Standards;

/// <summary>The averaging periods of the IAQI breakpoint tables, as <c>aq_iaqi_breakpoints.averaging</c> spells them.</summary>
public static class Averaging
{
    public const string Daily = "24h";
    public const string EightHours = "8h";
    public const string OneHour = "1h";
}

namespace AirQuality.Reports.Internal;

/// <summary>HJ 633 AQI categories (<c>aqi_category()</c>) in words and their conventional colours.</summary>
static class AqiCategories
{
    /// <summary>"Good (良)"; the code itself for an unknown one; "no valid mean" for null (no IAQI without a valid day).</summary>
    public static string Label(string? category) => category switch
    {
        null => "no valid mean",
        "excellent" => "Excellent (优)",
        "good" => "Good (良)",
        "lightly_polluted" => "Lightly polluted (轻度污染)",
        "moderately_polluted" => "Moderately polluted (中度污染)",
        "heavily_polluted" => "Heavily polluted (重度污染)",
        "severely_polluted" => "Severely polluted (严重污染)",
        _ => category,
    };

    /// <summary>Background and text colours of the category's badge (HJ 633 colours, text dark or light for contrast).</summary>
    public static (string Background, string Foreground) Colours(string? category) => category switch
    {
        "excellent" => ("#00e400", "#0b2e0b"),
        "good" => ("#ffff00", "#3d3d00"),
        "lightly_polluted" => ("#ff7e00", "#2e1600"),
        "moderately_polluted" => ("#ff0000", "#ffffff"),
        "heavily_polluted" => ("#99004c", "#ffffff"),
        "severely_polluted" => ("#7e0023", "#ffffff"),
        _ => ("#d1d5db", "#111827"),
    };
}

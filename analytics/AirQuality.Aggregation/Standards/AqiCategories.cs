namespace AirQuality.Aggregation.Standards;

/// <summary>
/// HJ 633 AQI categories as <c>aqi_category()</c> names them, best first, in words and in their conventional colours:
/// one table for the reports' badges and the console's map and legend.
/// </summary>
public static class AqiCategories
{
    // Text dark or light on each colour, for contrast.
    static readonly (string Code, string Label, string Background, string Foreground)[] Table =
    [
        ("excellent", "Excellent (优)", "#00e400", "#0b2e0b"),
        ("good", "Good (良)", "#ffff00", "#3d3d00"),
        ("lightly_polluted", "Lightly polluted (轻度污染)", "#ff7e00", "#2e1600"),
        ("moderately_polluted", "Moderately polluted (中度污染)", "#ff0000", "#ffffff"),
        ("heavily_polluted", "Heavily polluted (重度污染)", "#99004c", "#ffffff"),
        ("severely_polluted", "Severely polluted (严重污染)", "#7e0023", "#ffffff"),
    ];

    static readonly Dictionary<string, (string Label, string Background, string Foreground)> Hj633 =
        Table.ToDictionary(c => c.Code, c => (c.Label, c.Background, c.Foreground), StringComparer.Ordinal);

    /// <summary>The categories, best first.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Table.Select(c => c.Code)];

    /// <summary>"Good (良)"; the code itself for an unknown one; "no valid mean" for null (no IAQI without a valid day).</summary>
    public static string Label(string? category) =>
        category is null ? "no valid mean" : Hj633.TryGetValue(category, out var c) ? c.Label : category;

    /// <summary>The HJ 633 colour of a category; null for none or an unknown one (each page greys those its own way).</summary>
    public static string? Colour(string? category) =>
        category is not null && Hj633.TryGetValue(category, out var c) ? c.Background : null;

    /// <summary>Background and text colours of the category's badge in the reports.</summary>
    public static (string Background, string Foreground) Colours(string? category) =>
        category is not null && Hj633.TryGetValue(category, out var c) ? (c.Background, c.Foreground) : ("#d1d5db", "#111827");
}

using AirQuality.Aggregation.Standards;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace AirQuality.EnforcementConsole;

/// <summary>
/// Draws a team's districts as SVG from the registry's coordinates: sensors as circles coloured by the day's PM2.5
/// category, sources as squares coloured by their category, each episode of the day as a dashed circle around its
/// sensors, and sources to inspect as large squares ringed in red with their id. No tiles: the machines are offline.
/// </summary>
/// <remarks>
/// Equirectangular projection with longitude scaled by cos(latitude) at the map's centre, which is true to within a
/// fraction of a percent over a district. Colours are attributes, not styles, so the page's CSP needs no 'unsafe-inline'.
/// </remarks>
public static class DistrictMap
{
    const double Width = 800;
    const double Height = 560;
    const double Margin = 24;

    /// <summary>The HJ 633 colour of a category (grey without a valid day).</summary>
    public static string Colour(string? category) => AqiCategories.Colour(category) ?? NoValidDay;

    /// <summary>The grey of a sensor without a valid day (the legend's <c>sw-none</c>).</summary>
    public const string NoValidDay = "#b0b0b0";

    /// <summary>The colour of a registered source of a category (<c>pollution_sources.category</c>; the legend's <c>sw-src-CATEGORY</c>).</summary>
    /// <remarks>Blues, greens, browns and violets, apart from the sensors' AQI colours (green to maroon) that share the map.</remarks>
    public static IReadOnlyDictionary<string, string> SourceColours { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["steel"] = "#1f4e79", ["cement"] = "#8c8c8c", ["power"] = "#6a3d9a", ["chemical"] = "#00838f",
        ["industrial_boiler"] = "#5b8def", ["construction"] = "#a0522d", ["road"] = "#2e7d32", ["storage_yard"] = "#c2185b",
    };

    /// <summary>A source of a category the map does not know.</summary>
    public const string SourceColour = "#57606a";

    /// <summary>The ring and label of a source to inspect (the legend's <c>sw-flagged</c>).</summary>
    public const string FlaggedColour = "#cf222e";

    /// <summary>The dashed outline of an episode's sensors (the legend's <c>sw-episode</c>).</summary>
    public const string EpisodeColour = "#0b3d5c";

    public static string SourceColourOf(string category) => SourceColours.TryGetValue(category, out var colour) ? colour : SourceColour;

    public static string Render(TodayView view)
    {
        var points = view.Sensors.Select(s => (s.Latitude, s.Longitude)).Concat(view.Sources.Select(s => (s.Latitude, s.Longitude))).ToList();
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"map-title\" class=\"map\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"map-title\">Map of {Encode(view.TeamName)}'s districts: {view.Sensors.Count} sensors, {view.Sources.Count} sources, {view.Sources.Count(s => s.Flagged)} to inspect</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"#f6f8fa\" stroke=\"#d0d7de\"/>");
        if (points.Count == 0)
        {
            svg.Append("<text x=\"24\" y=\"40\">No sensors or sources in the registry for these districts.</text></svg>");
            return svg.ToString();
        }

        var minLat = points.Min(p => p.Latitude);
        var maxLat = points.Max(p => p.Latitude);
        var minLon = points.Min(p => p.Longitude);
        var maxLon = points.Max(p => p.Longitude);
        var cos = Math.Cos((minLat + maxLat) / 2 * Math.PI / 180);
        var spanX = Math.Max((maxLon - minLon) * cos, 1e-6);
        var spanY = Math.Max(maxLat - minLat, 1e-6);
        var scale = Math.Min((Width - 2 * Margin) / spanX, (Height - 2 * Margin) / spanY);
        var offsetX = (Width - spanX * scale) / 2;
        var offsetY = (Height - spanY * scale) / 2;
        (double X, double Y) Project(double lat, double lon) => (offsetX + (lon - minLon) * cos * scale, Height - offsetY - (lat - minLat) * scale);

        // Episodes first, under everything: a dashed circle around each episode's sensors on the map.
        var positions = view.Sensors.ToDictionary(s => s.SensorId, s => Project(s.Latitude, s.Longitude), StringComparer.Ordinal);
        foreach (var episode in view.Episodes)
        {
            var at = episode.SensorIds.Where(positions.ContainsKey).Select(id => positions[id]).ToList();
            if (at.Count == 0)
            {
                continue; // its sensors are all in a neighbouring team's district
            }

            var cx = at.Average(p => p.X);
            var cy = at.Average(p => p.Y);
            var r = at.Max(p => Math.Sqrt((p.X - cx) * (p.X - cx) + (p.Y - cy) * (p.Y - cy))) + 14;
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"episode\" data-anomaly=\"{episode.AnomalyId}\" data-sensors=\"{Encode(string.Join(' ', episode.SensorIds))}\"><circle cx=\"{cx:F1}\" cy=\"{cy:F1}\" r=\"{r:F1}\" fill=\"{EpisodeColour}\" fill-opacity=\"0.06\" stroke=\"{EpisodeColour}\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{cx:F1}\" y=\"{Math.Max(cy - r - 4, 14):F1}\" text-anchor=\"middle\" font-size=\"14\" fill=\"{EpisodeColour}\">episode {episode.AnomalyId}</text><title>Episode {episode.AnomalyId}: {episode.SensorIds.Count} sensors, {Encode(string.Join(", ", episode.SensorIds))}</title></g>");
        }

        foreach (var source in view.Sources.Where(s => !s.Flagged))
        {
            var (x, y) = Project(source.Latitude, source.Longitude);
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"source\" data-category=\"{Encode(source.Category)}\" x=\"{x - 4:F1}\" y=\"{y - 4:F1}\" width=\"8\" height=\"8\" fill=\"{SourceColourOf(source.Category)}\"><title>{Encode(source.SourceId)} {Encode(source.Name)} ({Encode(source.Category.Replace('_', ' '))})</title></rect>");
        }

        foreach (var sensor in view.Sensors)
        {
            var (x, y) = Project(sensor.Latitude, sensor.Longitude);
            var reading = sensor.Pm25 is { } pm25 ? string.Create(CultureInfo.InvariantCulture, $"PM2.5 {pm25:F0} µg/m³, {sensor.Category?.Replace('_', ' ')}") : "no valid PM2.5 day";
            svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"sensor\" cx=\"{x:F1}\" cy=\"{y:F1}\" r=\"5\" fill=\"{Colour(sensor.Category)}\" stroke=\"#24292f\" stroke-width=\"0.8\"><title>{Encode(sensor.SensorId)} {Encode(sensor.Name)}: {Encode(reading)}</title></circle>");
        }

        // Flagged sources last, so nothing covers them.
        foreach (var source in view.Sources.Where(s => s.Flagged))
        {
            var (x, y) = Project(source.Latitude, source.Longitude);
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"flagged\" data-source=\"{Encode(source.SourceId)}\" data-category=\"{Encode(source.Category)}\"><rect x=\"{x - 10:F1}\" y=\"{y - 10:F1}\" width=\"20\" height=\"20\" fill=\"{SourceColourOf(source.Category)}\" stroke=\"{FlaggedColour}\" stroke-width=\"4\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 13:F1}\" y=\"{y + 8:F1}\" font-size=\"24\" stroke=\"#ffffff\" stroke-width=\"0.6\" font-weight=\"bold\" fill=\"{FlaggedColour}\">{Encode(source.SourceId)}</text><title>To inspect: {Encode(source.SourceId)} {Encode(source.Name)} ({Encode(source.Category)})</title></g>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    static string Encode(string text) => HtmlEncoder.Default.Encode(text);
}

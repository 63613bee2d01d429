using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace AirQuality.EnforcementConsole;

/// <summary>
/// An episode's hourly chart as SVG, drawn by the server: each of its sensors' hourly PM2.5 over the day's 24 local
/// hours, their usual level (dashed), the episode's hours shaded, and the flagged sources' particulate telemetry on
/// a right-hand axis of its own (mg/m³ of flue gas is not µg/m³ of air).
/// </summary>
public static class EpisodeChart
{
    // Narrow, so that on a 390 px phone the labels stay about 10 px high; desktops scale it up to the stylesheet's 640 px.
    const double Width = 440;
    const double PlotTop = 16;
    const double PlotHeight = 180;
    const double Left = 40;
    const double Right = 36;
    const double LegendRow = 18;

    /// <summary>The sensors' lines, in turn (a darker Okabe-Ito set, readable on white).</summary>
    static readonly string[] SensorColours = ["#0072b2", "#009e73", "#cc79a7", "#56b4e9", "#6a3d9a", "#8c6d31", "#117733", "#332288"];

    static readonly double[] NiceSteps = [1, 2, 5, 10];

    /// <summary>The dashed line of the sensors' usual level.</summary>
    public const string UsualColour = "#24292f";

    /// <summary>The flagged sources' telemetry lines.</summary>
    public const string TelemetryColour = "#d55e00";

    public static string Render(EpisodeView episode, DateOnly day, TimeZoneInfo zone)
    {
        var plotWidth = Width - Left - Right;
        var values = episode.Sensors.SelectMany(s => s.Values).Concat(episode.Usual).OfType<double>().ToList();
        var top = NiceTop(values.Count == 0 ? 0 : values.Max());
        var telemetryValues = episode.Telemetry.SelectMany(s => s.Values).OfType<double>().ToList();
        var telemetryTop = NiceTop(telemetryValues.Count == 0 ? 0 : telemetryValues.Max());
        var legend = episode.Sensors.Select((s, i) => (Label: s.Id, Colour: SensorColours[i % SensorColours.Length], Dashed: false)).ToList();
        legend.Add(("usual level", UsualColour, true));
        legend.AddRange(episode.Telemetry.Select(t => ($"{t.Id} telemetry (mg/m³, right)", TelemetryColour, true)));
        const int perRow = 2;
        var rows = (legend.Count + perRow - 1) / perRow;
        var height = PlotTop + PlotHeight + 34 + rows * LegendRow;
        double X(double hour) => Left + hour / 24 * plotWidth;
        double Y(double v, double max) => PlotTop + PlotHeight - v / max * PlotHeight;

        var svg = new StringBuilder();
        var local = (DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, zone);
        var start = local(episode.StartedAt);
        var end = local(episode.EndedAt);
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {height}\" class=\"chart\" role=\"img\" aria-labelledby=\"chart-{episode.AnomalyId}\" data-anomaly=\"{episode.AnomalyId}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"chart-{episode.AnomalyId}\">Episode {episode.AnomalyId}: hourly PM2.5 of its {episode.Sensors.Count} sensors against their usual level on {day:yyyy-MM-dd}, {start:HH:mm} to {end:HH:mm} local time{(episode.Telemetry.Count == 0 ? "" : ", with the flagged sources' telemetry")}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{PlotTop}\" width=\"{plotWidth}\" height=\"{PlotHeight}\" fill=\"#ffffff\" stroke=\"#d0d7de\"/>");

        // The episode's hours, clipped to the day.
        var from = Math.Clamp((start - new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), start.Offset)).TotalHours, 0, 24);
        var to = Math.Clamp((end - new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), end.Offset)).TotalHours, 0, 24);
        if (to > from)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"episode-hours\" x=\"{X(from):F1}\" y=\"{PlotTop}\" width=\"{X(to) - X(from):F1}\" height=\"{PlotHeight}\" fill=\"#fff1c2\"><title>The episode's hours</title></rect>");
        }

        for (var i = 0; i <= 4; i++)
        {
            var v = top * i / 4;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left + plotWidth}\" y1=\"{Y(v, top):F1}\" y2=\"{Y(v, top):F1}\" stroke=\"#eaeef2\"/><text x=\"{Left - 4}\" y=\"{Y(v, top) + 4:F1}\" font-size=\"12\" text-anchor=\"end\">{v:0.#}</text>");
            if (episode.Telemetry.Count > 0)
            {
                var t = telemetryTop * i / 4;
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + plotWidth + 4}\" y=\"{Y(t, telemetryTop) + 4:F1}\" font-size=\"12\" fill=\"{TelemetryColour}\">{t:0.#}</text>");
            }
        }

        for (var h = 0; h <= 24; h += 3)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(h):F1}\" y=\"{PlotTop + PlotHeight + 14}\" font-size=\"12\" text-anchor=\"middle\">{h:00}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{PlotTop - 4}\" font-size=\"12\">µg/m³</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + plotWidth / 2:F1}\" y=\"{PlotTop + PlotHeight + 28}\" font-size=\"12\" text-anchor=\"middle\">local hour</text>");

        svg.Append(Line("usual", "usual level", episode.Usual, UsualColour, true, top, X, Y));
        for (var i = 0; i < episode.Sensors.Count; i++)
        {
            var s = episode.Sensors[i];
            svg.Append(Line("sensor", s.Id, s.Values, SensorColours[i % SensorColours.Length], false, top, X, Y));
        }

        foreach (var t in episode.Telemetry)
        {
            svg.Append(Line("telemetry", t.Id, t.Values, TelemetryColour, true, telemetryTop, X, Y));
        }

        for (var i = 0; i < legend.Count; i++)
        {
            var x = Left + i % perRow * (plotWidth / perRow);
            var y = PlotTop + PlotHeight + 34 + i / perRow * LegendRow + 8;
            var (label, colour, dashed) = legend[i];
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:F1}\" x2=\"{x + 22:F1}\" y1=\"{y - 4:F1}\" y2=\"{y - 4:F1}\" stroke=\"{colour}\" stroke-width=\"2.5\"{(dashed ? " stroke-dasharray=\"5 3\"" : "")}/><text x=\"{x + 26:F1}\" y=\"{y:F1}\" font-size=\"13\">{Encode(label)}</text>");
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>A polyline per run of hours with values (a missing hour breaks the line), with a point on each hour.</summary>
    static string Line(string kind, string id, IReadOnlyList<double?> values, string colour, bool dashed, double max, Func<double, double> x, Func<double, double, double> y)
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"<g class=\"{kind}\" data-id=\"{Encode(id)}\" data-hours=\"{values.Count(v => v is not null)}\"><title>{Encode(id)}</title>");
        var run = new List<string>();
        void Flush()
        {
            if (run.Count > 1)
            {
                b.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{string.Join(' ', run)}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{(kind == "sensor" ? 1.6 : 2.2)}\"{(dashed ? " stroke-dasharray=\"5 3\"" : "")}/>");
            }
            else if (run.Count == 1)
            {
                var p = run[0].Split(',');
                b.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{p[0]}\" cy=\"{p[1]}\" r=\"2\" fill=\"{colour}\"/>");
            }

            run.Clear();
        }

        for (var h = 0; h < values.Count; h++)
        {
            if (values[h] is { } v)
            {
                run.Add(string.Create(CultureInfo.InvariantCulture, $"{x(h + 0.5):F1},{y(Math.Min(v, max), max):F1}"));
            }
            else
            {
                Flush();
            }
        }

        Flush();
        return b.Append("</g>").ToString();
    }

    /// <summary>A round upper bound for an axis: 1, 2 or 5 times a power of ten, at least the largest value.</summary>
    static double NiceTop(double max)
    {
        if (!(max > 0))
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(max)));
        return NiceSteps.Select(m => m * power).First(t => t >= max);
    }

    static string Encode(string text) => HtmlEncoder.Default.Encode(text);
}

using System.Globalization;
using AirQuality.Aggregation;
using AirQuality.Aggregation.Standards;
using ScottPlot;

namespace AirQuality.Reports;

/// <summary>
/// The e-mail's PNG images, drawn with ScottPlot: a small map of the team's sensors and sources to inspect, and one
/// hourly chart per top episode. Each has an alt text with the facts it shows, which the text part repeats.
/// </summary>
public static class ReportImages
{
    public const string MapContentId = "map@airq";

    public static IReadOnlyList<InlineImage> Render(TeamReport report, ReportFigures figures)
    {
        var images = new List<InlineImage>();
        if (figures.Sensors.Count > 0)
        {
            images.Add(new InlineImage(MapContentId, MapAlt(report, figures), Map(report, figures)));
        }

        foreach (var series in figures.Episodes.Where(e => e.Hours.Any(h => h.Mean is not null)))
        {
            images.Add(new InlineImage($"episode-{series.Episode.Rank.ToString(CultureInfo.InvariantCulture)}@airq", ChartAlt(report, series), Chart(report, series)));
        }

        return images;
    }

    static byte[] Map(TeamReport report, ReportFigures figures)
    {
        var lat0 = figures.Sensors.Average(s => s.Latitude);
        var lon0 = figures.Sensors.Average(s => s.Longitude);
        // Kilometres from the sensors' centre, so a kilometre east is as long as one north.
        (double X, double Y) Km(double lat, double lon) => ((lon - lon0) * 111.32 * Math.Cos(lat0 * Math.PI / 180), (lat - lat0) * 110.57);

        var plot = new Plot();
        var episodeSensors = report.Anomalies.Where(a => a.Rank > 0).SelectMany(a => a.Sensors.Select(s => s.Id)).ToHashSet(StringComparer.Ordinal);
        foreach (var sensor in figures.Sensors)
        {
            var (x, y) = Km(sensor.Latitude, sensor.Longitude);
            plot.Add.Marker(x, y, MarkerShape.FilledCircle, 7, Color.FromHex(AqiCategories.Colour(sensor.Category) ?? "#9ca3af"));
            if (episodeSensors.Contains(sensor.SensorId))
            {
                plot.Add.Marker(x, y, MarkerShape.OpenCircle, 15, Color.FromHex("#111827"));
            }
        }

        foreach (var (source, i) in report.Attribution.ToInspect.Select((s, i) => (s, i + 1)))
        {
            var (x, y) = Km(source.Latitude, source.Longitude);
            plot.Add.Marker(x, y, MarkerShape.FilledSquare, 12, Color.FromHex("#b91c1c"));
            var label = plot.Add.Text(i.ToString(CultureInfo.InvariantCulture), x, y);
            label.LabelFontSize = 14;
            label.LabelBold = true;
            label.LabelFontName = "DejaVu Sans";
            label.LabelOffsetX = 8;
            label.LabelOffsetY = -8;
        }

        plot.XLabel("km east");
        plot.YLabel("km north");
        plot.Title($"Sensors by PM2.5, {report.Day:yyyy-MM-dd}; sources to inspect in red");
        // Every point a little inside the frame (autoscale leaves markers on the edge), and at least 2 km each way.
        var points = figures.Sensors.Select(s => Km(s.Latitude, s.Longitude)).Concat(report.Attribution.ToInspect.Select(s => Km(s.Latitude, s.Longitude))).ToList();
        var (left, right) = Padded(points.Min(p => p.X), points.Max(p => p.X));
        var (bottom, top) = Padded(points.Min(p => p.Y), points.Max(p => p.Y));
        plot.Axes.SetLimits(left, right, bottom, top);
        Style(plot);
        return plot.GetImageBytes(560, 420, ImageFormat.Png);
    }

    static byte[] Chart(TeamReport report, EpisodeSeries series)
    {
        var plot = new Plot();
        var mean = series.Hours.Select((h, i) => (i, h.Mean)).Where(p => p.Mean is not null).ToList();
        var usual = series.Hours.Select((h, i) => (i, h.Usual)).Where(p => p.Usual is not null).ToList();
        if (usual.Count > 0)
        {
            var line = plot.Add.Scatter(usual.Select(p => (double)p.i).ToArray(), usual.Select(p => p.Usual!.Value).ToArray(), Color.FromHex("#6b7280"));
            line.LinePattern = LinePattern.Dashed;
            line.MarkerSize = 0;
            line.LegendText = $"usual (median at that hour, {UsualHourlyLevels.DefaultDays} days before)";
        }

        var day = plot.Add.Scatter(mean.Select(p => (double)p.i).ToArray(), mean.Select(p => p.Mean!.Value).ToArray(), Color.FromHex("#b91c1c"));
        day.LineWidth = 2;
        day.MarkerSize = 4;
        day.LegendText = "this day";
        var (start, end) = (LocalHour(report, series.Episode.Start), LocalHour(report, series.Episode.End));
        var span = plot.Add.HorizontalSpan(start, Math.Max(end, start + 1));
        span.FillStyle.Color = Color.FromHex("#fde68a").WithAlpha(0.4);
        // Headroom above the highest point for the legend, so it covers no data.
        var top = series.Hours.Select(h => Math.Max(h.Mean ?? 0, h.Usual ?? 0)).Max();
        plot.Axes.SetLimitsY(0, Math.Max(top, 1) * 1.4);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.XLabel("hour (local)");
        plot.YLabel("PM2.5 µg/m³");
        plot.Axes.SetLimitsX(0, 23);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(3);
        plot.Title($"Episode #{series.Episode.Rank.ToString(CultureInfo.InvariantCulture)}: {series.Episode.Sensors.Count} sensor(s)");
        Style(plot);
        return plot.GetImageBytes(560, 300, ImageFormat.Png);
    }

    /// <summary>A sans-serif like the mail's text (DejaVu Sans ships with Debian; ScottPlot falls back to its own font without it).</summary>
    static void Style(Plot plot) => plot.Font.Set("DejaVu Sans");

    static (double Low, double High) Padded(double low, double high)
    {
        var middle = (low + high) / 2;
        var half = Math.Max((high - low) / 2 * 1.15, 1);
        return (middle - half, middle + half);
    }

    static double LocalHour(TeamReport report, DateTime utc) =>
        (TimeZoneInfo.ConvertTimeFromUtc(utc, report.Zone) - report.Day.ToDateTime(TimeOnly.MinValue)).TotalHours;

    /// <summary>What the map shows, in words: the alt text and the text part's line.</summary>
    public static string MapAlt(TeamReport report, ReportFigures figures)
    {
        var counts = figures.Sensors.GroupBy(s => s.Category).OrderBy(g => g.Key is null ? int.MaxValue : AqiCategories.All.ToList().IndexOf(g.Key))
            .Select(g => $"{g.Count().ToString(CultureInfo.InvariantCulture)} {(g.Key is null ? "without a valid day" : AqiCategories.Label(g.Key))}");
        return $"Map of the team's {figures.Sensors.Count.ToString(CultureInfo.InvariantCulture)} sensors by the day's PM2.5: {string.Join(", ", counts)}; "
            + (report.Attribution.ToInspect.Count == 0 ? "no source to inspect." : $"the {report.Attribution.ToInspect.Count.ToString(CultureInfo.InvariantCulture)} sources to inspect are red squares numbered as listed.");
    }

    /// <summary>What an episode's chart shows, in words.</summary>
    public static string ChartAlt(TeamReport report, EpisodeSeries series)
    {
        var peak = series.Hours.Where(h => h.Mean is not null).MaxBy(h => h.Mean!.Value)!;
        var local = TimeZoneInfo.ConvertTimeFromUtc(peak.HourStart, report.Zone);
        var usual = peak.Usual is { } u ? $"a usual {u.ToString("F0", CultureInfo.InvariantCulture)} µg/m³ at that hour" : $"no usual level for that hour (fewer than {UsualHourlyLevels.MinDays} valid hours at it in the {UsualHourlyLevels.DefaultDays} days before)";
        return string.Create(CultureInfo.InvariantCulture,
            $"Chart of episode #{series.Episode.Rank}: hourly PM2.5 of its {series.Episode.Sensors.Count} sensor(s) through the day, highest {peak.Mean:F0} µg/m³ in the hour from {local:HH}:00, against {usual}.");
    }
}

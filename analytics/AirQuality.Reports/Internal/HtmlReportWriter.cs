using System.Globalization;
using AirQuality.Aggregation.Standards;
using AirQuality.Aggregation;

namespace AirQuality.Reports.Internal;

/// <summary>
/// The HTML alternative of a report, for mail clients and phones: one centred table at most 600 px wide, inline
/// styles only, no scripts, images or external resources; bar charts are table cells. Every text is encoded by
/// <see cref="HtmlBuilder"/>.
/// </summary>
/// <remarks>
/// Cells wrap anywhere (<c>overflow-wrap:anywhere</c>, <c>word-break:break-word</c>) and the layout is fixed, so a long
/// sensor name, address or e-mail address cannot widen the page beyond a phone's screen.
/// </remarks>
static class HtmlReportWriter
{
    const string Font = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Helvetica Neue', Arial, sans-serif";
    const string Wrap = "overflow-wrap:anywhere;word-wrap:break-word;word-break:break-word;";
    const string Cell = "padding:10px 16px;" + Wrap;
    const string Layout = "width:100%;border-collapse:collapse;border-spacing:0;table-layout:fixed;";
    const string Muted = "color:#4b5563;font-size:13px;";
    const string Red = "#b91c1c";

    public static string Write(TeamReport report, string subject, Func<long, Uri?> link, IReadOnlyList<InlineImage> images, Func<InlineImage, string> imageSource)
    {
        var h = new HtmlBuilder();
        h.Doctype().Open("html", null, ("lang", "en")).Open("head")
            .Void("meta", null, ("charset", "utf-8"))
            .Void("meta", null, ("name", "viewport"), ("content", "width=device-width, initial-scale=1"))
            .Void("meta", null, ("name", "color-scheme"), ("content", "light"))
            .Element("title", null, subject)
            .Close("head")
            .Open("body", "margin:0;padding:0;background-color:#eef1f4;-webkit-text-size-adjust:100%;");
        h.Open("table", Layout + "background-color:#eef1f4;", ("role", "presentation"), ("width", "100%")).Open("tr")
            .Open("td", "padding:8px 4px;", ("align", "center"));
        h.Open("table", Layout + $"max-width:600px;background-color:#ffffff;font-family:{Font};color:#111827;font-size:15px;line-height:1.45;text-align:left;",
            ("role", "presentation"), ("width", "100%"));

        Header(h, report);
        foreach (var district in report.Districts)
        {
            District(h, district);
        }

        if (report.Districts.Count == 0)
        {
            Row(h, Cell).Text("This team covers no district in the registry, so there is nothing to report.").Close("td").Close("tr");
        }

        Anomalies(h, report);
        Images(h, images, imageSource);
        Sources(h, report, link);
        Contributors(h, report);
        Health(h, report);
        Footer(h, report);

        h.Close("table").Close("td").Close("tr").Close("table").Close("body").Close("html");
        return h.ToString();
    }

    /// <summary>The map and the episode charts, each at most the mail's width, with its alt text (the text part has the same words).</summary>
    static void Images(HtmlBuilder h, IReadOnlyList<InlineImage> images, Func<InlineImage, string> source)
    {
        foreach (var image in images)
        {
            Row(h, "padding:6px 16px;")
                .Void("img", "display:block;width:100%;max-width:560px;height:auto;border:0;", ("src", source(image)), ("alt", image.AltText), ("width", "560"))
                .Close("td").Close("tr");
        }
    }

    static HtmlBuilder Row(HtmlBuilder h, string style) => h.Open("tr").Open("td", style);

    static void Header(HtmlBuilder h, TeamReport report)
    {
        var sources = report.Attribution.ToInspect.Count;
        var attention = report.Health.Offline.Count + report.Health.Faults.Select(f => f.Sensor.Id).Distinct().Count();
        Row(h, "background-color:#0f4c5c;color:#ffffff;padding:14px 16px;" + Wrap)
            .Element("div", "font-size:12px;letter-spacing:0.04em;text-transform:uppercase;color:#cde7ec;", "AirQuality daily report")
            .Element("div", "font-size:20px;font-weight:bold;line-height:1.25;margin-top:2px;", report.Team.Name)
            .Element("div", "font-size:15px;margin-top:2px;", ReportFormat.Day(report.Day))
            .Element("div", "font-size:14px;margin-top:8px;color:#e6f4f6;",
                $"{Count(report.Anomalies.Count, "pollution anomaly", "pollution anomalies")} · {Count(sources, "source to inspect", "sources to inspect")} · {Count(attention, "sensor needs attention", "sensors need attention")}")
            .Close("td").Close("tr");
    }

    static void SectionTitle(HtmlBuilder h, string title, string? note = null)
    {
        Row(h, "padding:18px 16px 4px 16px;border-top:1px solid #e5e7eb;" + Wrap)
            .Element("h2", "margin:0;font-size:17px;line-height:1.3;color:#0f4c5c;", title);
        if (note is not null)
        {
            h.Element("div", Muted + "margin-top:2px;", note);
        }

        h.Close("td").Close("tr");
    }

    static void District(HtmlBuilder h, DistrictHeadline d)
    {
        if (d.Sensors == 0)
        {
            SectionTitle(h, d.DisplayName);
            Row(h, Cell).Text("No sensor is registered in this district, so nothing was measured there.").Close("td").Close("tr");
            return;
        }

        SectionTitle(h, d.DisplayName, "PM2.5, the day's mean over the district's sensors");
        Row(h, Cell);
        if (!d.Aggregated)
        {
            h.Element("p", "margin:0;", ReportFormat.NotAggregated);
        }
        else
        {
            var (background, foreground) = AqiCategories.Colours(d.Pm25Category);
            h.Open("div", "margin:0;")
                .Element("span", "font-size:30px;font-weight:bold;line-height:1.1;", d.Pm25Ugm3 is { } v ? ReportFormat.Number(v) : "–")
                .Element("span", "font-size:15px;color:#374151;", " µg/m³ ")
                .Element("span", $"display:inline-block;padding:2px 8px;border-radius:10px;font-size:13px;font-weight:bold;background-color:{background};color:{foreground};",
                    AqiCategories.Label(d.Pm25Category))
                .Close("div");
            if (!d.Pm25Valid)
            {
                h.Element("p", "margin:4px 0 0 0;", "Not valid: fewer than half of the district's sensors had a valid day.");
            }

            if (d.LimitUgm3 is { } limit)
            {
                if (d.ExceedsLimit == true)
                {
                    h.Element("p", $"margin:4px 0 0 0;color:{Red};font-weight:bold;", $"Above the 24-hour limit of {ReportFormat.Number(limit, "0")} µg/m³: an exceedance day.");
                }
                else
                {
                    h.Element("p", "margin:4px 0 0 0;", $"24-hour limit {ReportFormat.Number(limit, "0")} µg/m³.");
                }
            }

            if (d.Aqi is { } aqi)
            {
                var primary = d.PrimaryPollutants.Count > 0 ? $", primary pollutant {string.Join(", ", d.PrimaryPollutants.Select(ReportFormat.Pollutant))}" : "";
                h.Element("p", "margin:4px 0 0 0;", $"AQI {aqi.ToString(CultureInfo.InvariantCulture)} ({AqiCategories.Label(d.AqiCategory)}){primary}.");
            }
        }

        h.Element("p", "margin:8px 0 0 0;", ReportFormat.PeriodToDate(d.PeriodToDate))
            .Element("p", "margin:4px 0 0 0;", $"Exceedance days: {ReportFormat.ExceedanceDays(d.PeriodToDate)}.");
        h.Close("td").Close("tr");
        Chart(h, d);
    }

    static void Chart(HtmlBuilder h, DistrictHeadline d)
    {
        if (d.RecentDays.All(b => b.Pm25Ugm3 is null))
        {
            Row(h, "padding:0 16px 12px 16px;" + Muted + Wrap).Text($"No PM2.5 daily means in the last {d.RecentDays.Count} days.").Close("td").Close("tr");
            return;
        }

        var limit = d.LimitUgm3 ?? 0;
        var top = Math.Max(d.RecentDays.Max(b => b.Pm25Ugm3 ?? 0), limit) * 1.1;
        Row(h, "padding:0 16px 12px 16px;" + Wrap)
            .Element("div", Muted + "margin-bottom:4px;", $"PM2.5 daily means, last {d.RecentDays.Count} days (µg/m³)")
            .Open("table", Layout + "font-size:13px;", ("role", "presentation"), ("width", "100%"));
        foreach (var bar in d.RecentDays)
        {
            var colour = bar.Pm25Ugm3 is null ? "#d1d5db" : !bar.Valid ? "#9ca3af" : bar.ExceedsLimit ? "#dc2626" : "#0f766e";
            var share = bar.Pm25Ugm3 is { } v && top > 0 ? Math.Clamp((int)Math.Round(100 * v / top), 1, 100) : 0;
            h.Open("tr")
                .Element("td", "width:78px;padding:2px 6px 2px 0;white-space:nowrap;color:#374151;", ReportFormat.ShortDay(bar.Day), ("width", "78"))
                .Open("td", "padding:2px 0;");
            if (share > 0)
            {
                var width = share.ToString(CultureInfo.InvariantCulture) + "%";
                h.Open("table", $"width:{width};border-collapse:collapse;", ("role", "presentation"), ("width", width)).Open("tr")
                    .Element("td", $"background-color:{colour};height:14px;font-size:1px;line-height:1px;", "\u00a0")
                    .Close("tr").Close("table");
            }

            h.Close("td")
                .Element("td", "width:64px;padding:2px 0 2px 6px;text-align:right;white-space:nowrap;",
                    bar.Pm25Ugm3 is { } value ? ReportFormat.Number(value) + (bar.Valid ? "" : "*") : "no data", ("width", "64"))
                .Close("tr");
        }

        h.Close("table")
            .Element("div", Muted + "margin-top:4px;",
                (limit > 0 ? $"Red: above the 24-hour limit of {ReportFormat.Number(limit, "0")} µg/m³. " : "") + "* grey: not a valid day (too few sensors).")
            .Close("td").Close("tr");
    }

    static void Anomalies(HtmlBuilder h, TeamReport report)
    {
        SectionTitle(h, "Anomalies of the day", "Pollution episodes in your districts, most severe first. Times are local.");
        if (report.Anomalies.Count == 0)
        {
            Row(h, Cell).Text("No pollution anomaly was detected in your districts on this day.").Close("td").Close("tr");
            return;
        }

        foreach (var a in report.Anomalies)
        {
            var severe = a.Severity >= 1;
            Row(h, "padding:8px 16px;" + Wrap)
                .Open("div", $"border-left:4px solid {(severe ? "#dc2626" : "#f59e0b")};padding:2px 0 2px 10px;")
                .Element("div", "font-weight:bold;",
                    $"#{a.Rank} · {ReportFormat.Span(a.Start, a.End, report.Day, report.Zone)} · peak {ReportFormat.Ugm3(a.PeakUgm3)}")
                .Element("div", "", $"Where: {string.Join("; ", a.Townships.Select(t => t.DisplayName))}")
                .Element("div", "", $"Sensors: {string.Join("; ", a.Sensors.Select(s => ReportFormat.Sensor(s, a.PeakSensorId)))}")
                .Element("div", "", $"What: {ReportFormat.Kinds(a.Kinds)} · severity {ReportFormat.Number(a.Severity, "0.00")}")
                .Element("div", Muted + "margin-top:2px;", a.Detail)
                .Close("div").Close("td").Close("tr");
        }
    }

    static void Sources(HtmlBuilder h, TeamReport report, Func<long, Uri?> link)
    {
        var attribution = report.Attribution;
        SectionTitle(h, "Sources to inspect", attribution.HasRun
            ? "Registered sources in your districts most likely behind the day's episodes (wherever their sensors were), each once, most probable first." : null);
        if (!attribution.HasRun)
        {
            Row(h, Cell).Element("p", "margin:0;font-weight:bold;", "Source attribution has not run for this day.")
                .Element("p", Muted + "margin:4px 0 0 0;", "No source can be flagged until it does; the anomalies above are all there is to act on.")
                .Close("td").Close("tr");
            return;
        }

        if (attribution.ToInspect.Count == 0)
        {
            Row(h, Cell).Text(attribution.AlsoNear.Count == 0
                ? "Attribution ran; no source in your districts was flagged for the day's episodes."
                : "Attribution ran; no source in your districts reached the inspection threshold.").Close("td").Close("tr");
        }

        foreach (var (s, i) in attribution.ToInspect.Select((s, i) => (s, i + 1)))
        {
            var percent = (int)Math.Round(s.Probability * 100);
            var width = Math.Max(percent, 1).ToString(CultureInfo.InvariantCulture) + "%";
            Row(h, "padding:8px 16px;" + Wrap)
                .Open("div", "border-left:4px solid #0f4c5c;padding:2px 0 2px 10px;")
                .Element("div", "font-weight:bold;font-size:16px;", $"{i}. {s.Name}")
                .Element("div", "", $"{ReportFormat.Category(s.Category)} · probability {ReportFormat.Percent(s.Probability)}")
                .Open("table", "width:100%;border-collapse:collapse;margin:3px 0;", ("role", "presentation"), ("width", "100%")).Open("tr")
                .Open("td", "background-color:#e5e7eb;padding:0;")
                .Open("table", $"width:{width};border-collapse:collapse;", ("role", "presentation"), ("width", width)).Open("tr")
                .Element("td", "background-color:#0f4c5c;height:8px;font-size:1px;line-height:1px;", "\u00a0")
                .Close("tr").Close("table").Close("td").Close("tr").Close("table")
                .Element("div", "", $"Address: {s.Address}")
                .Open("div", "").Text("Coordinates: ")
                .Element("a", "color:#0f4c5c;", ReportFormat.Coordinates(s.Latitude, s.Longitude),
                    ("href", string.Create(CultureInfo.InvariantCulture, $"geo:{s.Latitude:0.00000},{s.Longitude:0.00000}")))
                .Close("div")
                .Element("div", "margin-top:2px;", s.Flags.Count == 1 ? "Episode:" : $"Episodes ({s.Flags.Count}):");
            // One line per episode: a time span broken across lines is hard to read on a phone.
            foreach (var f in s.Flags)
            {
                h.Element("div", "padding-left:12px;", $"{ReportFormat.Episode(f, report.Day, report.Zone)} ({ReportFormat.Percent(f.Probability)})");
            }

            h.Element("div", "margin-top:2px;", $"Why: {s.Explanation}")
                .Element("div", Muted + "margin-top:2px;", $"Source {s.SourceId} · district {s.DistrictId}")
                .Open("div", Muted + "margin-top:4px;");
            foreach (var (text, url) in ReportFormat.RecordFinding(s, report.Day, report.Zone, link))
            {
                _ = url is null ? h.Text(text) : h.Element("a", "color:#0f4c5c;", text, ("href", url.AbsoluteUri));
            }

            h.Close("div");
            h.Close("div").Close("td").Close("tr");
        }

        if (attribution.AlsoNear.Count > 0)
        {
            // Collapsed: these fell below the model's inspection threshold, so they are context, not work.
            Row(h, "padding:8px 16px;" + Wrap)
                .Open("details", "")
                .Element("summary", "cursor:pointer;font-weight:bold;color:#374151;",
                    $"Also near (below the inspection threshold): {ReportFormat.Count(attribution.AlsoNear.Count, "source", "sources")}");
            foreach (var s in attribution.AlsoNear)
            {
                h.Open("div", "margin-top:6px;padding-left:14px;")
                    .Element("div", "", $"{s.Name} · {ReportFormat.Category(s.Category)} · {ReportFormat.Percent(s.Probability)}")
                    .Element("div", Muted, $"Episodes: {string.Join("; ", s.Flags.Select(f => ReportFormat.Episode(f, report.Day, report.Zone)))} · {s.Address} · source {s.SourceId}")
                    .Close("div");
            }

            h.Close("details").Close("td").Close("tr");
        }

        if (attribution.WithoutRegisteredSource.Count > 0)
        {
            Row(h, "padding:8px 16px;" + Wrap).Element("div", "font-weight:bold;", "Episodes no registered source explains");
            foreach (var v in attribution.WithoutRegisteredSource)
            {
                var label = v.Verdict == EpisodeVerdict.UnregisteredEmitter ? "no registered source's incident" : "no registered source nearby";
                h.Element("div", "margin-top:4px;", $"{(v.AnomalyRank > 0 ? $"Anomaly #{v.AnomalyRank}" : $"Anomaly id {v.AnomalyId}")} ({label}): {v.Summary}");
            }

            h.Close("td").Close("tr");
        }
    }

    static void Contributors(HtmlBuilder h, TeamReport report)
    {
        if (report.Contributors is not { } weekly)
        {
            return;
        }

        SectionTitle(h, "Persistent contributors this week (permit review)",
            $"{ReportFormat.ShortDay(weekly.WeekStart)} to {ReportFormat.ShortDay(weekly.WeekEnd)}: sources in your districts whose reported, everyday emission made up at least half of the modelled pollution of an episode. Not inspections: a matter for their permits.");
        if (weekly.Sources.Count == 0)
        {
            Row(h, Cell).Text("No source in your districts dominated an episode this week.").Close("td").Close("tr");
            return;
        }

        foreach (var c in weekly.Sources)
        {
            Row(h, "padding:6px 16px;" + Wrap)
                .Element("div", "font-weight:bold;", c.Name)
                .Element("div", "", $"Dominated {ReportFormat.Dominated(c)}")
                .Element("div", Muted, $"{ReportFormat.Category(c.Category)} · mean share {ReportFormat.Percent(c.MeanPlumeShare)} · {c.Address} · source {c.SourceId}")
                .Close("td").Close("tr");
        }
    }

    static void Health(HtmlBuilder h, TeamReport report)
    {
        var health = report.Health;
        SectionTitle(h, "Data health", "Readings stored against those the sensors should have sent.");
        foreach (var c in health.Completeness.Where(c => c.Sensors > 0))
        {
            var share = Math.Clamp((int)Math.Round(c.Share * 100), 0, 100);
            var width = Math.Max(share, 1).ToString(CultureInfo.InvariantCulture) + "%";
            Row(h, "padding:6px 16px;" + Wrap)
                .Element("div", "", $"{c.DisplayName}: {ReportFormat.Percent(c.Share)} complete, {c.SensorsReporting} of {c.Sensors} sensors reporting")
                .Open("table", "width:100%;border-collapse:collapse;margin-top:3px;", ("role", "presentation"), ("width", "100%")).Open("tr")
                .Open("td", "background-color:#e5e7eb;padding:0;")
                .Open("table", $"width:{width};border-collapse:collapse;", ("role", "presentation"), ("width", width)).Open("tr")
                .Element("td", $"background-color:{(share >= 90 ? "#0f766e" : share >= 75 ? "#f59e0b" : "#dc2626")};height:8px;font-size:1px;line-height:1px;", "\u00a0")
                .Close("tr").Close("table").Close("td").Close("tr").Close("table")
                .Close("td").Close("tr");
        }

        Row(h, Cell);
        if (health.Calibration is { } calibration)
        {
            h.Element("div", "margin-bottom:6px;", calibration.Describe());
        }

        if (health.Offline.Count == 0 && health.Faults.Count == 0)
        {
            h.Text("Every sensor reported and none showed a fault.");
        }

        if (health.Offline.Count > 0)
        {
            h.Element("div", "font-weight:bold;", $"Offline all day ({health.Offline.Count})");
            foreach (var p in health.Offline)
            {
                h.Element("div", "", $"{p.Sensor.Labelled} · {p.Township.DisplayName}");
            }
        }

        if (health.Faults.Count > 0)
        {
            h.Element("div", "font-weight:bold;margin-top:6px;", $"Sensor faults ({health.Faults.Count})");
            foreach (var p in health.Faults)
            {
                h.Element("div", "", $"{p.Sensor.Labelled} · {p.Township.DisplayName} · {ReportFormat.Kinds(p.Kinds)} {ReportFormat.Span(p.Start, p.End, report.Day, report.Zone)}");
            }
        }

        h.Close("td").Close("tr");
    }

    static void Footer(HtmlBuilder h, TeamReport report) =>
        Row(h, "padding:14px 16px;border-top:1px solid #e5e7eb;background-color:#f9fafb;" + Muted + Wrap)
            .Element("div", "", $"Attached: {ReportRenderer.AnomaliesCsv} (every anomaly, faults included) and {ReportRenderer.SourceFlagsCsv}.")
            .Element("div", "", $"Times are local ({report.Zone.Id}). Day {report.Day:yyyy-MM-dd}, districts {string.Join(", ", report.Team.DistrictIds)}, team {report.Team.TeamId}.")
            .Close("td").Close("tr");

    static string Count(int n, string one, string many) => ReportFormat.Count(n, one, many);
}

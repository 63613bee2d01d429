using System.Globalization;
using System.Text;
using AirQuality.Aggregation.Standards;
using AirQuality.Aggregation;

namespace AirQuality.Reports.Internal;

/// <summary>The plain-text alternative of a report: the same facts as the HTML, in the same order, for clients that show no HTML.</summary>
static class TextReportWriter
{
    public static string Write(TeamReport report, Func<long, Uri?> link, IReadOnlyList<InlineImage> images)
    {
        var t = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        var attention = report.Health.Offline.Count + report.Health.Faults.Select(f => f.Sensor.Id).Distinct().Count();
        t.AppendLine("AIRQUALITY DAILY REPORT")
            .AppendLine(report.Team.Name)
            .AppendLine(ReportFormat.Day(report.Day))
            .AppendLine($"{ReportFormat.Count(report.Anomalies.Count, "pollution anomaly", "pollution anomalies")} · {ReportFormat.Count(report.Attribution.ToInspect.Count, "source to inspect", "sources to inspect")} · {ReportFormat.Count(attention, "sensor needs attention", "sensors need attention")}");

        foreach (var d in report.Districts)
        {
            if (d.Sensors == 0)
            {
                Title(t, d.DisplayName);
                t.AppendLine("No sensor is registered in this district, so nothing was measured there.");
                continue;
            }

            Title(t, $"{d.DisplayName}: PM2.5");
            if (!d.Aggregated)
            {
                t.AppendLine(ReportFormat.NotAggregated);
            }
            else
            {
                t.AppendLine($"Daily mean: {ReportFormat.Ugm3(d.Pm25Ugm3)}, {AqiCategories.Label(d.Pm25Category)}{(d.Pm25Valid ? "" : " (not valid: fewer than half of the district's sensors had a valid day)")}");
                if (d.LimitUgm3 is { } limit)
                {
                    t.AppendLine(d.ExceedsLimit == true
                        ? $"ABOVE the 24-hour limit of {ReportFormat.Number(limit, "0")} µg/m³: an exceedance day."
                        : $"24-hour limit {ReportFormat.Number(limit, "0")} µg/m³.");
                }

                if (d.Aqi is { } aqi)
                {
                    var primary = d.PrimaryPollutants.Count > 0 ? $", primary pollutant {string.Join(", ", d.PrimaryPollutants.Select(ReportFormat.Pollutant))}" : "";
                    t.AppendLine(c, $"AQI {aqi} ({AqiCategories.Label(d.AqiCategory)}){primary}.");
                }
            }

            t.AppendLine(ReportFormat.PeriodToDate(d.PeriodToDate))
                .AppendLine($"Exceedance days: {ReportFormat.ExceedanceDays(d.PeriodToDate)}.");
            if (d.RecentDays.All(b => b.Pm25Ugm3 is null))
            {
                t.AppendLine($"No PM2.5 daily means in the last {d.RecentDays.Count} days.");
                continue;
            }

            t.AppendLine($"Last {d.RecentDays.Count} days (µg/m³; * not valid, ! above the limit):");
            foreach (var bar in d.RecentDays)
            {
                var value = bar.Pm25Ugm3 is { } v ? ReportFormat.Number(v) + (!bar.Valid ? "*" : bar.ExceedsLimit ? "!" : "") : "no data";
                t.AppendLine($"  {ReportFormat.ShortDay(bar.Day),-11} {value}");
            }
        }

        Title(t, "Anomalies of the day (most severe first; local times)");
        if (report.Anomalies.Count == 0)
        {
            t.AppendLine("No pollution anomaly was detected in your districts on this day.");
        }

        foreach (var a in report.Anomalies)
        {
            t.AppendLine($"#{a.Rank} · {ReportFormat.Span(a.Start, a.End, report.Day, report.Zone)} · peak {ReportFormat.Ugm3(a.PeakUgm3)}")
                .AppendLine($"   Where: {string.Join("; ", a.Townships.Select(x => x.DisplayName))}")
                .AppendLine($"   Sensors: {string.Join("; ", a.Sensors.Select(s => ReportFormat.Sensor(s, a.PeakSensorId)))}")
                .AppendLine($"   What: {ReportFormat.Kinds(a.Kinds)} · severity {ReportFormat.Number(a.Severity, "0.00")}")
                .AppendLine($"   {a.Detail}");
        }

        if (images.Count > 0)
        {
            // The pictures' facts in words, for clients that show no images.
            Title(t, "Map and charts (pictures in the HTML version)");
            foreach (var image in images)
            {
                t.AppendLine(image.AltText);
            }
        }

        Title(t, "Sources to inspect");
        var attribution = report.Attribution;
        if (!attribution.HasRun)
        {
            t.AppendLine("Source attribution has not run for this day.")
                .AppendLine("No source can be flagged until it does; the anomalies above are all there is to act on.");
        }
        else if (attribution.ToInspect.Count == 0)
        {
            t.AppendLine(attribution.AlsoNear.Count == 0
                ? "Attribution ran; no source in your districts was flagged for the day's episodes."
                : "Attribution ran; no source in your districts reached the inspection threshold.");
        }

        foreach (var (s, i) in attribution.ToInspect.Select((s, i) => (s, i + 1)))
        {
            t.AppendLine($"{i}. {s.Name}")
                .AppendLine($"   {ReportFormat.Category(s.Category)} · probability {ReportFormat.Percent(s.Probability)}")
                .AppendLine($"   Address: {s.Address}")
                .AppendLine($"   Coordinates: {ReportFormat.Coordinates(s.Latitude, s.Longitude)}")
                .AppendLine($"   Episodes: {string.Join("; ", s.Flags.Select(f => $"{ReportFormat.Episode(f, report.Day, report.Zone)} ({ReportFormat.Percent(f.Probability)})"))}")
                .AppendLine($"   Why: {s.Explanation}")
                .AppendLine($"   Source {s.SourceId} · district {s.DistrictId}")
                .AppendLine($"   {string.Concat(ReportFormat.RecordFinding(s, report.Day, report.Zone, link).Select(p => p.Text))}");
        }

        if (attribution.AlsoNear.Count > 0)
        {
            t.AppendLine($"Also near (below the inspection threshold): {ReportFormat.Count(attribution.AlsoNear.Count, "source", "sources")}");
            foreach (var s in attribution.AlsoNear)
            {
                t.AppendLine($"   - {s.Name} · {ReportFormat.Category(s.Category)} · {ReportFormat.Percent(s.Probability)} · {string.Join("; ", s.Flags.Select(f => ReportFormat.Episode(f, report.Day, report.Zone)))}");
            }
        }

        if (attribution.WithoutRegisteredSource.Count > 0)
        {
            t.AppendLine("Episodes no registered source explains:");
            foreach (var v in attribution.WithoutRegisteredSource)
            {
                var label = v.Verdict == EpisodeVerdict.UnregisteredEmitter ? "no registered source's incident" : "no registered source nearby";
                t.AppendLine($"   {(v.AnomalyRank > 0 ? $"Anomaly #{v.AnomalyRank}" : $"Anomaly id {v.AnomalyId}")} ({label}): {v.Summary}");
            }
        }

        if (report.Contributors is { } weekly)
        {
            Title(t, "Persistent contributors this week (permit review)");
            t.AppendLine($"{ReportFormat.ShortDay(weekly.WeekStart)} to {ReportFormat.ShortDay(weekly.WeekEnd)}: sources in your districts whose reported, everyday emission made up at least half of the modelled pollution of an episode. Not inspections: a matter for their permits.");
            if (weekly.Sources.Count == 0)
            {
                t.AppendLine("No source in your districts dominated an episode this week.");
            }

            foreach (var x in weekly.Sources)
            {
                t.AppendLine($"- {x.Name}: dominated {ReportFormat.Dominated(x)}")
                    .AppendLine($"   {ReportFormat.Category(x.Category)} · mean share {ReportFormat.Percent(x.MeanPlumeShare)} · {x.Address} · source {x.SourceId}");
            }
        }

        Title(t, "Data health");
        foreach (var x in report.Health.Completeness.Where(x => x.Sensors > 0))
        {
            t.AppendLine($"{x.DisplayName}: {ReportFormat.Percent(x.Share)} complete, {x.SensorsReporting} of {x.Sensors} sensors reporting");
        }

        if (report.Health.Calibration is { } calibration)
        {
            t.AppendLine(calibration.Describe());
        }

        if (report.Health.Offline.Count == 0 && report.Health.Faults.Count == 0)
        {
            t.AppendLine("Every sensor reported and none showed a fault.");
        }

        if (report.Health.Offline.Count > 0)
        {
            t.AppendLine(c, $"Offline all day ({report.Health.Offline.Count}):");
            foreach (var p in report.Health.Offline)
            {
                t.AppendLine($"   {p.Sensor.Labelled} · {p.Township.DisplayName}");
            }
        }

        if (report.Health.Faults.Count > 0)
        {
            t.AppendLine(c, $"Sensor faults ({report.Health.Faults.Count}):");
            foreach (var p in report.Health.Faults)
            {
                t.AppendLine($"   {p.Sensor.Labelled} · {p.Township.DisplayName} · {ReportFormat.Kinds(p.Kinds)} {ReportFormat.Span(p.Start, p.End, report.Day, report.Zone)}");
            }
        }

        t.AppendLine()
            .AppendLine($"Attached: {ReportRenderer.AnomaliesCsv} (every anomaly, faults included) and {ReportRenderer.SourceFlagsCsv}.")
            .AppendLine($"Times are local ({report.Zone.Id}). Day {report.Day.ToString("yyyy-MM-dd", c)}, districts {string.Join(", ", report.Team.DistrictIds)}, team {report.Team.TeamId}.");
        return t.ToString();
    }

    static void Title(StringBuilder t, string title) => t.AppendLine().AppendLine(title).AppendLine(new string('-', Math.Min(title.Length, 60)));
}

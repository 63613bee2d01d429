using System.Globalization;
using System.Text;

namespace AirQuality.Analytics.Reports.Internal;

/// <summary>The plain-text alternative of a report: the same facts as the HTML, in the same order, for clients that show no HTML.</summary>
static class TextReportWriter
{
    public static string Write(TeamReport report)
    {
        var t = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        var attention = report.Health.Offline.Count + report.Health.Faults.Select(f => f.Sensor.Id).Distinct().Count();
        t.AppendLine("AIRQUALITY DAILY REPORT")
            .AppendLine(report.Team.Name)
            .AppendLine(ReportFormat.Day(report.Day))
            .AppendLine($"{ReportFormat.Count(report.Anomalies.Count, "pollution anomaly", "pollution anomalies")} · {ReportFormat.Count(report.Attribution.Flags.Count, "source to inspect", "sources to inspect")} · {ReportFormat.Count(attention, "sensor needs attention", "sensors need attention")}");

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
                t.AppendLine("The day has not been aggregated yet, so there is no daily mean (run ./airq aggregate).");
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

        Title(t, "Sources to inspect");
        var attribution = report.Attribution;
        if (!attribution.HasRun)
        {
            t.AppendLine("Source attribution has not run for this day.")
                .AppendLine("No source can be flagged until it does; the anomalies above are all there is to act on.");
        }
        else if (attribution.Flags.Count == 0)
        {
            t.AppendLine("Attribution ran; no registered source was flagged for your districts' episodes.");
        }

        foreach (var (f, i) in attribution.Flags.Select((f, i) => (f, i + 1)))
        {
            t.AppendLine($"{i}. {f.Name}")
                .AppendLine($"   {ReportFormat.Category(f.Category)} · probability {ReportFormat.Percent(f.Probability)}")
                .AppendLine($"   Address: {f.Address}")
                .AppendLine($"   Coordinates: {ReportFormat.Coordinates(f.Latitude, f.Longitude)}")
                .AppendLine($"   Why: {f.Explanation}")
                .AppendLine($"   Source {f.SourceId} · flag {f.FlagId} · {(f.AnomalyRank > 0 ? $"anomaly #{f.AnomalyRank}" : $"anomaly id {f.AnomalyId}")}, candidate {f.Rank} for it")
                .AppendLine($"   Record the inspection outcome: {f.OutcomeCommand}");
        }

        if (attribution.WithoutRegisteredSource.Count > 0)
        {
            t.AppendLine("Episodes no registered source explains:");
            foreach (var v in attribution.WithoutRegisteredSource)
            {
                var label = v.Verdict == EpisodeVerdict.UnregisteredEmitter ? "likely an unregistered emitter" : "no registered source nearby";
                t.AppendLine($"   {(v.AnomalyRank > 0 ? $"Anomaly #{v.AnomalyRank}" : $"Anomaly id {v.AnomalyId}")} ({label}): {v.Summary}");
            }
        }

        Title(t, "Data health");
        foreach (var x in report.Health.Completeness.Where(x => x.Sensors > 0))
        {
            t.AppendLine($"{x.DisplayName}: {ReportFormat.Percent(x.Share)} complete, {x.SensorsReporting} of {x.Sensors} sensors reporting");
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

namespace AirQuality.Reports.Internal;

/// <summary>The report's anomalies (faults included) and source flags as CSV files, with the same facts as the e-mail and the ids to look them up.</summary>
static class CsvAttachments
{
    public static MailAttachment Anomalies(TeamReport report)
    {
        var csv = new CsvBuilder("rank", "anomaly_id", "category", "kinds", "severity", "start_local", "end_local", "duration_h", "peak_ugm3", "peak_sensor_id",
            "sensor_ids", "sensor_names", "township_names", "district_ids", "detail");
        foreach (var a in report.Anomalies.Concat(report.Faults))
        {
            csv.Row(a.Rank == 0 ? null : a.Rank, a.AnomalyId, a.Category, string.Join(";", a.Kinds), Math.Round(a.Severity, 3),
                Local(a.Start, report.Zone), Local(a.End, report.Zone), a.Duration.TotalHours, a.PeakUgm3 is { } p ? Math.Round(p, 1) : null, a.PeakSensorId,
                string.Join(";", a.Sensors.Select(s => s.Id)), string.Join(";", a.Sensors.Select(s => s.Name)), string.Join(";", a.Townships.Select(t => t.DisplayName)),
                string.Join(";", a.DistrictIds), a.Detail);
        }

        return new MailAttachment(ReportRenderer.AnomaliesCsv, "text/csv", "utf-8", csv.ToUtf8());
    }

    public static MailAttachment SourceFlags(TeamReport report)
    {
        // One row per flag, not per source: analysts want every flag, and to_inspect says which made the list.
        var csv = new CsvBuilder("order", "flag_id", "anomaly_id", "anomaly_rank", "candidate_rank", "source_id", "name", "category", "source_district_id", "address",
            "latitude", "longitude", "probability", "to_inspect", "episode_start_local", "episode_end_local", "explanation");
        foreach (var (f, i) in report.Attribution.Flags.Select((f, i) => (f, i + 1)))
        {
            csv.Row(i, f.FlagId, f.AnomalyId, f.AnomalyRank == 0 ? null : f.AnomalyRank, f.Rank, f.SourceId, f.Name, f.Category, f.DistrictId, f.Address,
                Math.Round(f.Latitude, 5), Math.Round(f.Longitude, 5), Math.Round(f.Probability, 3), f.ToInspect ? "true" : "false",
                Local(f.EpisodeStart, report.Zone), Local(f.EpisodeEnd, report.Zone), f.Explanation);
        }

        return new MailAttachment(ReportRenderer.SourceFlagsCsv, "text/csv", "utf-8", csv.ToUtf8());
    }

    static string Local(DateTime utc, TimeZoneInfo zone) =>
        new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToOffset(zone.GetUtcOffset(utc)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
}

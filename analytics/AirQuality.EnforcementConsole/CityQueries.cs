using Dapper;
using Npgsql;

namespace AirQuality.EnforcementConsole;

/// <summary>Reads the city page: every district, for city supervisors and analysts.</summary>
public sealed class CityQueries(NpgsqlDataSource dataSource, ConsoleOptions options, TimeProvider time, WorkflowStore workflow)
{
    /// <summary>The period of the response figures: flags flagged in the last 30 days.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromDays(30);

    public async Task<CityView> LoadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var since = now - Period;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var airDay = await connection.QuerySingleOrDefaultAsync<DateOnly?>(new CommandDefinition("SELECT max(day) FROM district_daily", cancellationToken: cancellationToken));
        var flagDay = await connection.QuerySingleOrDefaultAsync<DateOnly?>(new CommandDefinition("SELECT max(day) FROM episode_attributions", cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<Row>(new CommandDefinition("""
            WITH recent AS (
                SELECT p.district_id,
                       extract(epoch FROM d.acknowledged_at - d.flagged_at)::double precision / 3600 AS ack_hours,
                       extract(epoch FROM fi.recorded_at - d.flagged_at)::double precision / 3600 AS finding_hours,
                       fi.finding
                FROM flag_dispatches d JOIN pollution_sources p USING (source_id) LEFT JOIN flag_findings fi USING (dispatch_id)
                WHERE d.flagged_at >= @since AND d.flagged_at <= @now),
            figures AS (
                SELECT district_id, count(*)::int AS dispatched,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY ack_hours) AS ack_median,
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY ack_hours) AS ack_p90,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY finding_hours) AS finding_median,
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY finding_hours) AS finding_p90,
                       count(*) FILTER (WHERE finding = 'confirmed')::int AS confirmed,
                       count(*) FILTER (WHERE finding IN ('confirmed', 'not_confirmed'))::int AS judged
                FROM recent GROUP BY district_id),
            open AS (
                SELECT p.district_id, count(*)::int AS open,
                       count(*) FILTER (WHERE d.acknowledged_at IS NULL AND d.dispatched_at < @deadline)::int AS overdue
                FROM flag_dispatches d JOIN pollution_sources p USING (source_id)
                WHERE d.resolved_at IS NULL GROUP BY p.district_id),
            flagged AS (
                SELECT p.district_id, count(DISTINCT f.source_id)::int AS sources
                FROM source_flags f JOIN pollution_sources p USING (source_id)
                WHERE f.day = @flagDay AND f.to_inspect GROUP BY p.district_id)
            SELECT di.district_id AS DistrictId, di.name AS Name,
                   CASE WHEN dd.pm25_valid THEN dd.pm25_ugm3::double precision END AS Pm25, dd.aqi::int AS Aqi, dd.aqi_category AS AqiCategory,
                   coalesce(fl.sources, 0) AS SourcesToInspect, coalesce(o.open, 0) AS OpenDispatches, coalesce(o.overdue, 0) AS OverdueDispatches,
                   coalesce(fg.dispatched, 0) AS Dispatched, fg.ack_median AS AcknowledgeMedianHours, fg.ack_p90 AS AcknowledgeP90Hours,
                   fg.finding_median AS FindingMedianHours, fg.finding_p90 AS FindingP90Hours,
                   coalesce(fg.confirmed, 0) AS Confirmed, coalesce(fg.judged, 0) AS Judged
            FROM districts di
            LEFT JOIN district_daily dd ON dd.district_id = di.district_id AND dd.day = @airDay
            LEFT JOIN flagged fl ON fl.district_id = di.district_id
            LEFT JOIN open o ON o.district_id = di.district_id
            LEFT JOIN figures fg ON fg.district_id = di.district_id
            ORDER BY di.name
            """, new { since, now, deadline = now - options.AcknowledgeWithin, airDay = airDay ?? DateOnly.MinValue, flagDay = flagDay ?? DateOnly.MinValue },
            cancellationToken: cancellationToken));
        var districts = rows.Select(r => new DistrictStatus(r.DistrictId, r.Name, r.Pm25, r.Aqi, r.AqiCategory, r.SourcesToInspect, r.OpenDispatches, r.OverdueDispatches,
            r.Dispatched, r.AcknowledgeMedianHours, r.AcknowledgeP90Hours, r.FindingMedianHours, r.FindingP90Hours, r.Confirmed, r.Judged)).ToList();
        return new CityView(since, now, airDay, flagDay, districts, await workflow.OverdueAsync(null, cancellationToken));
    }

    sealed class Row
    {
        public string DistrictId { get; init; } = "";
        public string Name { get; init; } = "";
        public double? Pm25 { get; init; }
        public int? Aqi { get; init; }
        public string? AqiCategory { get; init; }
        public int SourcesToInspect { get; init; }
        public int OpenDispatches { get; init; }
        public int OverdueDispatches { get; init; }
        public int Dispatched { get; init; }
        public double? AcknowledgeMedianHours { get; init; }
        public double? AcknowledgeP90Hours { get; init; }
        public double? FindingMedianHours { get; init; }
        public double? FindingP90Hours { get; init; }
        public int Confirmed { get; init; }
        public int Judged { get; init; }
    }
}

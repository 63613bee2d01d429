using Dapper;
using Npgsql;

namespace AirQuality.EnforcementConsole;

/// <summary>Reads a team's today page from the database: every query is limited to the team's districts.</summary>
public sealed class TodayQueries(NpgsqlDataSource dataSource, ConsoleOptions options)
{
    /// <summary>The team's today page, or null when there is no such team.</summary>
    public async Task<TodayView?> LoadAsync(string teamId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var teamName = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT name FROM enforcement_teams WHERE team_id = @teamId", new { teamId }, cancellationToken: cancellationToken));
        if (teamName is null)
        {
            return null;
        }

        var districts = (await connection.QueryAsync<MapDistrict>(new CommandDefinition("""
            SELECT d.district_id AS DistrictId, d.name AS Name, d.name_local AS NameLocal
            FROM enforcement_team_districts td JOIN districts d USING (district_id)
            WHERE td.team_id = @teamId ORDER BY d.name
            """, new { teamId }, cancellationToken: cancellationToken))).AsList();
        var ids = districts.Select(d => d.DistrictId).ToArray();

        // The latest day attribution ran on an episode that touched one of the team's districts.
        var day = await connection.QuerySingleOrDefaultAsync<DateTime?>(new CommandDefinition("""
            SELECT max(e.day) FROM episode_attributions e JOIN anomalies a USING (anomaly_id)
            WHERE a.district_ids && @ids
            """, new { ids }, cancellationToken: cancellationToken));
        DateOnly? date = day is { } d ? DateOnly.FromDateTime(d) : null;

        var flags = date is null ? [] : (await connection.QueryAsync<FlagRow>(new CommandDefinition("""
            SELECT f.flag_id AS FlagId, f.anomaly_id AS AnomalyId, f.probability::double precision AS Probability, f.explanation AS Explanation,
                   p.source_id AS SourceId, p.name AS Name, p.category AS Category, p.address AS Address
            FROM source_flags f JOIN pollution_sources p USING (source_id)
            WHERE f.day = @day AND f.to_inspect AND p.district_id = ANY (@ids)
            ORDER BY f.probability DESC, f.flag_id
            """, new { day = date.Value, ids }, cancellationToken: cancellationToken))).AsList();
        var toInspect = flags.GroupBy(f => f.SourceId)
            .Select(g => new SourceToInspect(g.Key, g.First().Name, g.First().Category, g.First().Address,
                g.Select(f => new FlagLine(f.FlagId, f.AnomalyId, f.Probability, f.Explanation)).ToList()))
            .ToList(); // groups keep the order of their first, most probable, flag

        var sensors = (await connection.QueryAsync<SensorRow>(new CommandDefinition("""
            SELECT s.sensor_id AS SensorId, s.name AS Name, s.latitude AS Latitude, s.longitude AS Longitude,
                   CASE WHEN sd.pm25_valid THEN sd.pm25_ugm3::double precision END AS Pm25,
                   CASE WHEN sd.pm25_valid THEN aqi_category(sd.pm25_iaqi) END AS Category
            FROM sensors s LEFT JOIN sensor_daily sd ON sd.sensor_id = s.sensor_id AND sd.day = @day
            WHERE s.district_id = ANY (@ids) ORDER BY s.sensor_id
            """, new { day = date ?? DateOnly.MinValue, ids }, cancellationToken: cancellationToken)))
            .Select(s => new MapSensor(s.SensorId, s.Name, s.Latitude, s.Longitude, s.Pm25, s.Category)).ToList();

        var flagged = toInspect.Select(s => s.SourceId).ToHashSet(StringComparer.Ordinal);
        var sources = (await connection.QueryAsync<SourceRow>(new CommandDefinition("""
            SELECT source_id AS SourceId, name AS Name, category AS Category, latitude AS Latitude, longitude AS Longitude
            FROM pollution_sources WHERE district_id = ANY (@ids) ORDER BY source_id
            """, new { ids }, cancellationToken: cancellationToken)))
            .Select(s => new MapSource(s.SourceId, s.Name, s.Category, s.Latitude, s.Longitude, flagged.Contains(s.SourceId))).ToList();

        var episodes = date is null ? [] : await EpisodeQueries.LoadAsync(connection, date.Value, ids, flags.ToLookup(f => f.AnomalyId, f => f.SourceId), options, cancellationToken);
        return new TodayView(teamId, teamName, date, districts, toInspect, sensors, sources) { Episodes = episodes };
    }

    /// <summary>The ids and names of every team, for city-wide users.</summary>
    public async Task<IReadOnlyList<(string TeamId, string Name)>> TeamsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<(string, string)>(new CommandDefinition(
            "SELECT team_id, name FROM enforcement_teams ORDER BY name", cancellationToken: cancellationToken))).AsList();
    }

    sealed record FlagRow(long FlagId, long AnomalyId, double Probability, string Explanation, string SourceId, string Name, string Category, string Address);

    sealed record SensorRow(string SensorId, string Name, double Latitude, double Longitude, double? Pm25, string? Category);

    sealed record SourceRow(string SourceId, string Name, string Category, double Latitude, double Longitude);
}

using Dapper;
using Npgsql;

namespace AirQuality.Storage.Registry;

/// <summary>Reads the registry from the database and upserts a loaded one into it, in one transaction.</summary>
public sealed class RegistryStore(NpgsqlDataSource dataSource)
{
    /// <summary>Inserts or updates every row of <paramref name="registry"/>; rows the files do not mention are left alone. All or nothing.</summary>
    public async Task UpsertAsync(CityRegistry registry, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, tx, """
            INSERT INTO districts (district_id, name, name_local, latitude, longitude)
            VALUES (@DistrictId, @Name, @NameLocal, @Latitude, @Longitude)
            ON CONFLICT (district_id) DO UPDATE SET name = excluded.name, name_local = excluded.name_local,
                latitude = excluded.latitude, longitude = excluded.longitude
            """, registry.Districts, cancellationToken);
        await Execute(connection, tx, """
            INSERT INTO townships (township_id, district_id, name, name_local)
            VALUES (@TownshipId, @DistrictId, @Name, @NameLocal)
            ON CONFLICT (township_id) DO UPDATE SET district_id = excluded.district_id, name = excluded.name, name_local = excluded.name_local
            """, registry.Townships, cancellationToken);
        await Execute(connection, tx, """
            INSERT INTO sensors (sensor_id, name, district_id, township_id, latitude, longitude, kind, reporting_interval_s)
            VALUES (@SensorId, @Name, @DistrictId, @TownshipId, @Latitude, @Longitude, @Kind, @ReportingIntervalS)
            ON CONFLICT (sensor_id) DO UPDATE SET name = excluded.name, district_id = excluded.district_id, township_id = excluded.township_id,
                latitude = excluded.latitude, longitude = excluded.longitude, kind = excluded.kind, reporting_interval_s = excluded.reporting_interval_s
            """, registry.Sensors, cancellationToken);
        await Execute(connection, tx, """
            INSERT INTO pollution_sources (source_id, name, category, district_id, township_id, address, latitude, longitude, stack_height_m,
                has_telemetry, permitted_particulate_mgm3, permitted_so2_mgm3, permitted_nox_mgm3, estimated_pm25_emission_g_s,
                operating_start_hour, operating_end_hour)
            VALUES (@SourceId, @Name, @Category, @DistrictId, @TownshipId, @Address, @Latitude, @Longitude, @StackHeightM,
                @HasTelemetry, @PermittedParticulateMgm3, @PermittedSo2Mgm3, @PermittedNoxMgm3, @EstimatedPm25EmissionGS,
                @OperatingStartHour, @OperatingEndHour)
            ON CONFLICT (source_id) DO UPDATE SET name = excluded.name, category = excluded.category, district_id = excluded.district_id,
                township_id = excluded.township_id, address = excluded.address, latitude = excluded.latitude, longitude = excluded.longitude,
                stack_height_m = excluded.stack_height_m, has_telemetry = excluded.has_telemetry,
                permitted_particulate_mgm3 = excluded.permitted_particulate_mgm3, permitted_so2_mgm3 = excluded.permitted_so2_mgm3,
                permitted_nox_mgm3 = excluded.permitted_nox_mgm3, estimated_pm25_emission_g_s = excluded.estimated_pm25_emission_g_s,
                operating_start_hour = excluded.operating_start_hour, operating_end_hour = excluded.operating_end_hour
            """, registry.Sources.Select(SourceRow.Of), cancellationToken);
        await Execute(connection, tx, """
            INSERT INTO enforcement_teams (team_id, name, recipient_emails) VALUES (@TeamId, @Name, @RecipientEmails)
            ON CONFLICT (team_id) DO UPDATE SET name = excluded.name, recipient_emails = excluded.recipient_emails
            """, registry.Teams.Select(t => new { t.TeamId, t.Name, RecipientEmails = t.RecipientEmails.ToArray() }), cancellationToken);
        await Execute(connection, tx, "DELETE FROM enforcement_team_districts WHERE team_id = @TeamId", registry.Teams, cancellationToken);
        await Execute(connection, tx, "INSERT INTO enforcement_team_districts (team_id, district_id) VALUES (@TeamId, @DistrictId)",
            registry.Teams.SelectMany(t => t.DistrictIds.Select(d => new { t.TeamId, DistrictId = d })), cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>The registry as stored.</summary>
    public async Task<CityRegistry> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var districts = await Query<District>(connection, "SELECT district_id, name, name_local, latitude, longitude FROM districts ORDER BY district_id", cancellationToken);
        var townships = await Query<Township>(connection, "SELECT township_id, district_id, name, name_local FROM townships ORDER BY township_id", cancellationToken);
        var sensors = await Query<Sensor>(connection,
            "SELECT sensor_id, name, district_id, township_id, latitude, longitude, kind, reporting_interval_s FROM sensors ORDER BY sensor_id", cancellationToken);
        var sources = (await Query<SourceRow>(connection, """
            SELECT source_id, name, category, district_id, township_id, address, latitude, longitude, stack_height_m, has_telemetry,
                   permitted_particulate_mgm3, permitted_so2_mgm3, permitted_nox_mgm3, estimated_pm25_emission_g_s,
                   operating_start_hour, operating_end_hour
            FROM pollution_sources ORDER BY source_id
            """, cancellationToken)).Select(r => r.ToSource()).ToList();
        var teams = (await connection.QueryAsync<(string TeamId, string Name, string[] RecipientEmails, string[] DistrictIds)>(new CommandDefinition("""
            SELECT t.team_id, t.name, t.recipient_emails,
                   coalesce(array_agg(d.district_id ORDER BY d.district_id) FILTER (WHERE d.district_id IS NOT NULL), '{}') AS district_ids
            FROM enforcement_teams t LEFT JOIN enforcement_team_districts d USING (team_id)
            GROUP BY t.team_id ORDER BY t.team_id
            """, cancellationToken: cancellationToken)))
            .Select(t => new EnforcementTeam(t.TeamId, t.Name, t.DistrictIds, t.RecipientEmails)).ToList();
        return new CityRegistry(districts, townships, sensors, sources, teams);
    }

    static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, object rows, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(sql, rows, tx, cancellationToken: cancellationToken));

    static async Task<List<T>> Query<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<T>(new CommandDefinition(sql, cancellationToken: cancellationToken))).AsList();

    /// <summary>A <see cref="PollutionSource"/> as its table holds it: the operating hours as two nullable columns.</summary>
    sealed record SourceRow(
        string SourceId, string Name, string Category, string DistrictId, string TownshipId, string Address,
        double Latitude, double Longitude, double? StackHeightM, bool HasTelemetry,
        double? PermittedParticulateMgm3, double? PermittedSo2Mgm3, double? PermittedNoxMgm3, double EstimatedPm25EmissionGS,
        int? OperatingStartHour, int? OperatingEndHour)
    {
        public static SourceRow Of(PollutionSource s) => new(
            s.SourceId, s.Name, s.Category, s.DistrictId, s.TownshipId, s.Address, s.Latitude, s.Longitude, s.StackHeightM, s.HasTelemetry,
            s.PermittedParticulateMgm3, s.PermittedSo2Mgm3, s.PermittedNoxMgm3, s.EstimatedPm25EmissionGS,
            s.OperatingHours?.StartHour, s.OperatingHours?.EndHour);

        public PollutionSource ToSource() => new(
            SourceId, Name, Category, DistrictId, TownshipId, Address, Latitude, Longitude, StackHeightM, HasTelemetry,
            PermittedParticulateMgm3, PermittedSo2Mgm3, PermittedNoxMgm3, EstimatedPm25EmissionGS,
            OperatingStartHour is { } start && OperatingEndHour is { } end ? new OperatingHours(start, end) : null);
    }
}

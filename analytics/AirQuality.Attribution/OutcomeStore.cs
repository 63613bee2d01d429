using Dapper;
using Npgsql;

namespace AirQuality.Attribution;

/// <summary>Records what an inspection of a flagged source found, copying the episode from the flag so the outcome outlives re-runs of detection.</summary>
public static class OutcomeStore
{
    public const string Confirmed = "confirmed";
    public const string NotConfirmed = "not_confirmed";

    /// <summary>Returns the new <c>outcome_id</c>; throws when the flag does not exist.</summary>
    public static async Task<long> RecordAsync(NpgsqlDataSource dataSource, long flagId, string finding, DateOnly inspectedOn, string? teamId, string? notes, CancellationToken cancellationToken)
    {
        if (finding is not (Confirmed or NotConfirmed))
        {
            throw new ArgumentOutOfRangeException(nameof(finding), finding, $"The finding must be {Confirmed} or {NotConfirmed}.");
        }

        if (notes is { Length: > 2000 })
        {
            throw new ArgumentOutOfRangeException(nameof(notes), notes.Length, "Notes must be at most 2,000 characters.");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("""
            INSERT INTO enforcement_outcomes (flag_id, source_id, episode_day, episode_started_at, episode_ended_at, sensor_ids, finding, inspected_on, team_id, notes)
            SELECT f.flag_id, f.source_id, a.day, a.started_at, a.ended_at, a.sensor_ids, @finding, @inspectedOn, @teamId, @notes
            FROM source_flags f JOIN anomalies a USING (anomaly_id)
            WHERE f.flag_id = @flagId
            RETURNING outcome_id
            """, new { flagId, finding, inspectedOn, teamId, notes }, cancellationToken: cancellationToken));
        return id ?? throw new InvalidOperationException($"There is no source flag {flagId}; flag ids are in the daily report and in source_flags.flag_id.");
    }
}

using System.Net;
using Dapper;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace AirQuality.EnforcementConsole;

/// <summary>
/// The workflow's steps on the database: dispatch (district lead), acknowledge and record the finding (the township
/// officer it was sent to, or any officer or member of the team when sent to the team), resolve (district lead).
/// Each step is one transaction with its audit row; a step taken out of order, twice, or by the wrong role throws
/// <see cref="WorkflowException"/>. Callers check that the flag is the user's team's (<see cref="FlagView.TeamIds"/>) first.
/// </summary>
public sealed class WorkflowStore(NpgsqlDataSource dataSource, ConsoleOptions options, TimeProvider time)
{
    /// <summary>The flag and its workflow, or null when there is no such flag; <paramref name="officersOf"/> names the team whose officers are listed.</summary>
    public async Task<FlagView?> LoadAsync(long flagId, string? officersOf, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var flag = await connection.QuerySingleOrDefaultAsync<FlagRow>(new CommandDefinition("""
            SELECT f.flag_id AS FlagId, f.anomaly_id AS AnomalyId, f.day AS Day, f.source_id AS SourceId, p.name AS SourceName,
                   p.district_id AS DistrictId, f.probability::double precision AS Probability, f.explanation AS Explanation,
                   f.to_inspect AS ToInspect, f.flagged_at AS FlaggedAt,
                   ARRAY(SELECT team_id FROM enforcement_team_districts td WHERE td.district_id = p.district_id ORDER BY team_id) AS TeamIds
            FROM source_flags f JOIN pollution_sources p USING (source_id)
            WHERE f.flag_id = @flagId
            """, new { flagId }, cancellationToken: cancellationToken));
        if (flag is null)
        {
            return null;
        }

        var dispatch = await connection.QuerySingleOrDefaultAsync<DispatchRow>(new CommandDefinition("""
            SELECT d.dispatch_id AS DispatchId, d.team_id AS TeamId, assigned.name AS AssignedTo, d.assigned_user_id AS AssignedUserId,
                   dispatcher.name AS DispatchedBy, d.dispatched_at AS DispatchedAt,
                   ack.name AS AcknowledgedBy, d.acknowledged_at AS AcknowledgedAt, res.name AS ResolvedBy, d.resolved_at AS ResolvedAt,
                   fi.finding AS Finding, fi.notes AS Notes, fi.photo IS NOT NULL AS HasPhoto, rec.name AS RecordedBy, fi.recorded_at AS RecordedAt,
                   fi.outcome_id AS OutcomeId
            FROM flag_dispatches d
            JOIN console_users dispatcher ON dispatcher.user_id = d.dispatched_by
            LEFT JOIN console_users assigned ON assigned.user_id = d.assigned_user_id
            LEFT JOIN console_users ack ON ack.user_id = d.acknowledged_by
            LEFT JOIN console_users res ON res.user_id = d.resolved_by
            LEFT JOIN flag_findings fi ON fi.dispatch_id = d.dispatch_id
            LEFT JOIN console_users rec ON rec.user_id = fi.recorded_by
            WHERE d.flag_id = @flagId
            """, new { flagId }, cancellationToken: cancellationToken));
        var officers = officersOf is null ? [] : (await connection.QueryAsync<OfficerView>(new CommandDefinition(
            "SELECT user_id AS UserId, name AS Name FROM console_users WHERE team_id = @officersOf AND role = 'township_officer' ORDER BY name",
            new { officersOf }, cancellationToken: cancellationToken))).AsList();

        return new FlagView(flag.FlagId, flag.AnomalyId, flag.Day, flag.SourceId, flag.SourceName, flag.DistrictId, flag.TeamIds,
            flag.Probability, flag.Explanation, flag.ToInspect, Utc(flag.FlaggedAt),
            dispatch is null ? null : new DispatchView(dispatch.DispatchId, dispatch.TeamId, dispatch.AssignedTo, dispatch.AssignedUserId, dispatch.DispatchedBy, Utc(dispatch.DispatchedAt),
                dispatch.AcknowledgedBy, Utc(dispatch.AcknowledgedAt), dispatch.ResolvedBy, Utc(dispatch.ResolvedAt)),
            dispatch?.Finding is null ? null : new FindingView(dispatch.Finding, dispatch.Notes, dispatch.HasPhoto, dispatch.RecordedBy!, Utc(dispatch.RecordedAt!.Value), dispatch.OutcomeId),
            officers);
    }

    /// <summary>Sends the flag to <paramref name="officerId"/> (a township officer of the lead's team) or, when null, to the whole team.</summary>
    public async Task DispatchAsync(ConsoleUser user, FlagView flag, long? officerId, IPAddress? address, CancellationToken cancellationToken)
    {
        Require(user.Role == ConsoleRoles.DistrictLead, "Only the district lead dispatches flags.");
        if (flag.Dispatch is not null)
        {
            throw Conflict("Already dispatched", $"Flag {flag.FlagId} was dispatched by {flag.Dispatch.DispatchedBy} at {flag.Dispatch.DispatchedAt:yyyy-MM-dd HH:mm} UTC; a flag is dispatched once.");
        }

        if (officerId is { } id && !flag.Officers.Any(o => o.UserId == id))
        {
            throw new WorkflowException(StatusCodes.Status400BadRequest, "No such officer", $"User {id} is not a township officer of team {user.TeamId}: choose one from the list, or the whole team.");
        }

        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // ON CONFLICT: two leads dispatching at once; the second learns it was already done rather than failing on the unique key.
        var dispatchId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("""
            INSERT INTO flag_dispatches (flag_id, source_id, team_id, flag_day, flagged_at, assigned_user_id, dispatched_by, dispatched_at)
            SELECT flag_id, source_id, @team, day, flagged_at, @officerId, @userId, @now FROM source_flags WHERE flag_id = @flagId
            ON CONFLICT (flag_id) DO NOTHING
            RETURNING dispatch_id
            """, new { flagId = flag.FlagId, team = user.TeamId, officerId, userId = user.UserId, now }, transaction, cancellationToken: cancellationToken))
            ?? throw Conflict("Already dispatched", $"Flag {flag.FlagId} was dispatched a moment ago by someone else; reload the page.");
        var to = officerId is { } o ? "officer " + flag.Officers.Single(x => x.UserId == o).Name : "the whole team " + user.TeamId;
        await AuditAsync(connection, transaction, user, now, "dispatch", dispatchId, flag.FlagId, $"dispatched flag {flag.FlagId} ({flag.SourceId}) to {to}", address, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Sends a dispatched flag to someone else (<paramref name="officerId"/>, or the whole team when null) before its
    /// finding: the dispatch takes the new assignee, lead and time, and waits for a new acknowledgement. The audit row
    /// says from whom to whom, so the history stays in <c>console_audit</c>.
    /// </summary>
    public async Task RedispatchAsync(ConsoleUser user, FlagView flag, long? officerId, IPAddress? address, CancellationToken cancellationToken)
    {
        Require(user.Role == ConsoleRoles.DistrictLead, "Only the district lead re-dispatches flags.");
        var dispatch = flag.Dispatch ?? throw Conflict("Not dispatched", $"Flag {flag.FlagId} has not been dispatched yet; dispatch it first.");
        RequireTeam(user, flag, dispatch);
        if (dispatch.ResolvedAt is not null)
        {
            throw Conflict("Already resolved", $"Flag {flag.FlagId} is resolved; it cannot be sent to anyone else.");
        }

        if (flag.Finding is not null)
        {
            throw Conflict("Finding already recorded", $"The finding of flag {flag.FlagId} was recorded by {flag.Finding.RecordedBy}; resolve it instead of sending it to someone else.");
        }

        if (officerId is { } id && !flag.Officers.Any(o => o.UserId == id))
        {
            throw new WorkflowException(StatusCodes.Status400BadRequest, "No such officer", $"User {id} is not a township officer of team {user.TeamId}: choose one from the list, or the whole team.");
        }

        if (officerId == dispatch.AssignedUserId)
        {
            throw Conflict("Already sent there", $"Flag {flag.FlagId} is already with {dispatch.AssignedTo ?? "the whole team"}; choose someone else.");
        }

        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Guarded on the state the page showed: a finding or resolution recorded meanwhile makes it a conflict, not an overwrite.
        var changed = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE flag_dispatches d SET assigned_user_id = @officerId, dispatched_by = @userId, dispatched_at = @now, acknowledged_by = NULL, acknowledged_at = NULL
            WHERE d.dispatch_id = @id AND d.resolved_at IS NULL AND d.assigned_user_id IS NOT DISTINCT FROM @was
              AND NOT EXISTS (SELECT 1 FROM flag_findings f WHERE f.dispatch_id = d.dispatch_id)
            """, new { officerId, userId = user.UserId, now, id = dispatch.DispatchId, was = dispatch.AssignedUserId }, transaction, cancellationToken: cancellationToken));
        if (changed == 0)
        {
            throw Conflict("Changed meanwhile", $"Flag {flag.FlagId} changed a moment ago (sent elsewhere, found or resolved); reload the page.");
        }

        var from = dispatch.AssignedTo is { } a ? "officer " + a : "the whole team";
        var to = officerId is { } o ? "officer " + flag.Officers.Single(x => x.UserId == o).Name : "the whole team " + user.TeamId;
        var acknowledged = dispatch.AcknowledgedBy is { } by ? $" (acknowledged by {by}; acknowledgement reset)" : "";
        await AuditAsync(connection, transaction, user, now, "redispatch", dispatch.DispatchId, flag.FlagId, $"re-dispatched flag {flag.FlagId} ({flag.SourceId}) from {from}{acknowledged} to {to}", address, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The user's open (unresolved) dispatches, oldest first: sent to them, or to their whole team when they are an
    /// officer or member of it, or dispatched by them when they lead it.
    /// </summary>
    public async Task<IReadOnlyList<OpenDispatch>> OpenDispatchesAsync(ConsoleUser user, CancellationToken cancellationToken)
    {
        if (user.TeamId is null)
        {
            return [];
        }

        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<OpenRow>(new CommandDefinition("""
            SELECT d.dispatch_id AS DispatchId, d.flag_id AS FlagId, d.source_id AS SourceId, p.name AS SourceName, u.name AS AssignedTo,
                   d.dispatched_at AS DispatchedAt, d.acknowledged_at AS AcknowledgedAt, f.recorded_at AS FindingAt
            FROM flag_dispatches d JOIN pollution_sources p USING (source_id)
            LEFT JOIN console_users u ON u.user_id = d.assigned_user_id
            LEFT JOIN flag_findings f ON f.dispatch_id = d.dispatch_id
            WHERE d.resolved_at IS NULL AND d.team_id = @team
              AND (d.assigned_user_id = @userId OR (d.assigned_user_id IS NULL AND @takesTeam) OR (@leads AND d.dispatched_by = @userId))
            ORDER BY d.dispatched_at, d.dispatch_id
            """, new
        {
            team = user.TeamId, userId = user.UserId,
            takesTeam = user.Role is ConsoleRoles.TownshipOfficer or ConsoleRoles.DistrictMember, leads = user.Role == ConsoleRoles.DistrictLead,
        }, cancellationToken: cancellationToken));
        return rows.Select(r => new OpenDispatch(r.DispatchId, r.FlagId, r.SourceId, r.SourceName, r.AssignedTo, Utc(r.DispatchedAt),
            r.FindingAt is not null ? "finding recorded, waiting to be resolved" : r.AcknowledgedAt is not null ? "acknowledged, waiting for the finding" : "waiting for acknowledgement",
            r.AcknowledgedAt is null && Utc(r.DispatchedAt) < now - options.AcknowledgeWithin)).ToList();
    }

    public async Task AcknowledgeAsync(ConsoleUser user, FlagView flag, IPAddress? address, CancellationToken cancellationToken)
    {
        var dispatch = RequireAssignee(user, flag, "acknowledge");
        if (dispatch.AcknowledgedAt is not null)
        {
            throw Conflict("Already acknowledged", $"Flag {flag.FlagId} was acknowledged by {dispatch.AcknowledgedBy} at {dispatch.AcknowledgedAt:yyyy-MM-dd HH:mm} UTC.");
        }

        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE flag_dispatches SET acknowledged_by = @userId, acknowledged_at = @now WHERE dispatch_id = @id AND acknowledged_at IS NULL",
            new { userId = user.UserId, now, id = dispatch.DispatchId }, transaction, cancellationToken: cancellationToken));
        if (changed == 0)
        {
            throw Conflict("Already acknowledged", $"Flag {flag.FlagId} was acknowledged a moment ago by someone else; reload the page.");
        }

        await AuditAsync(connection, transaction, user, now, "acknowledge", dispatch.DispatchId, flag.FlagId, $"acknowledged flag {flag.FlagId} ({flag.SourceId})", address, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Records the finding; confirmed and not confirmed also become a row of <c>enforcement_outcomes</c> for retraining.</summary>
    public async Task RecordFindingAsync(ConsoleUser user, FlagView flag, string finding, string? notes, byte[]? photo, IPAddress? address, CancellationToken cancellationToken)
    {
        var dispatch = RequireAssignee(user, flag, "record the finding of");
        if (dispatch.AcknowledgedAt is null)
        {
            throw Conflict("Not acknowledged yet", $"Acknowledge flag {flag.FlagId} before recording its finding.");
        }

        if (flag.Finding is not null)
        {
            throw Conflict("Finding already recorded", $"The finding of flag {flag.FlagId} ({Findings.Describe(flag.Finding.Finding)}) was recorded by {flag.Finding.RecordedBy}; a finding is recorded once.");
        }

        if (!Findings.All.Contains(finding))
        {
            throw new WorkflowException(StatusCodes.Status400BadRequest, "Which finding?", $"The finding must be one of {string.Join(", ", Findings.All)}, not '{finding}'.");
        }

        if (notes is { Length: > 2000 })
        {
            throw new WorkflowException(StatusCodes.Status400BadRequest, "Notes too long", $"Notes may have at most 2,000 characters; these have {notes.Length:N0}. Shorten them and send the form again.");
        }

        string? photoType = null;
        if (photo is not null)
        {
            if (photo.Length > options.PhotoMaxBytes)
            {
                throw new WorkflowException(StatusCodes.Status413PayloadTooLarge, "Photo too large",
                    $"The photo has {photo.Length:N0} bytes; at most {options.PhotoMaxBytes:N0} are accepted. Send a smaller photo (a phone's 'medium' size), or none.");
            }

            photoType = PhotoCheck.ContentType(photo)
                ?? throw new WorkflowException(StatusCodes.Status415UnsupportedMediaType, "Not a JPEG or PNG", "The photo is neither a JPEG nor a PNG (judged by its content, not its name): send a JPEG or PNG photo, or none.");
        }

        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long? outcomeId = null;
        if (Findings.IsOutcome(finding))
        {
            // As airq outcome record writes it (OutcomeStore): the episode copied from the flag, so the label outlives a re-run.
            outcomeId = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
                INSERT INTO enforcement_outcomes (flag_id, source_id, episode_day, episode_started_at, episode_ended_at, sensor_ids, finding, inspected_on, team_id, notes)
                SELECT f.flag_id, f.source_id, a.day, a.started_at, a.ended_at, a.sensor_ids, @finding, @inspectedOn, @team, @notes
                FROM source_flags f JOIN anomalies a USING (anomaly_id)
                WHERE f.flag_id = @flagId
                RETURNING outcome_id
                """, new { flagId = flag.FlagId, finding, inspectedOn = DateOnly.FromDateTime(now.UtcDateTime), team = user.TeamId, notes }, transaction, cancellationToken: cancellationToken));
        }

        try
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO flag_findings (dispatch_id, finding, notes, photo, photo_type, outcome_id, recorded_by, recorded_at)
                VALUES (@id, @finding, @notes, @photo, @photoType, @outcomeId, @userId, @now)
                """, new { id = dispatch.DispatchId, finding, notes, photo, photoType, outcomeId, userId = user.UserId, now }, transaction, cancellationToken: cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw Conflict("Finding already recorded", $"The finding of flag {flag.FlagId} was recorded a moment ago by someone else; reload the page.");
        }

        var detail = $"recorded finding '{finding}' for flag {flag.FlagId} ({flag.SourceId}){(photo is null ? "" : $" with a {photoType} photo of {photo.Length} bytes")}{(outcomeId is { } o ? $"; enforcement outcome {o}" : "")}";
        await AuditAsync(connection, transaction, user, now, "finding", dispatch.DispatchId, flag.FlagId, detail, address, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task ResolveAsync(ConsoleUser user, FlagView flag, IPAddress? address, CancellationToken cancellationToken)
    {
        Require(user.Role == ConsoleRoles.DistrictLead, "Only the district lead resolves flags.");
        var dispatch = flag.Dispatch ?? throw Conflict("Not dispatched", $"Flag {flag.FlagId} has not been dispatched; dispatch it first.");
        RequireTeam(user, flag, dispatch);
        if (flag.Finding is null)
        {
            throw Conflict("No finding yet", $"Flag {flag.FlagId} has no finding yet; it is resolved once the officer has recorded one.");
        }

        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE flag_dispatches SET resolved_by = @userId, resolved_at = @now WHERE dispatch_id = @id AND resolved_at IS NULL",
            new { userId = user.UserId, now, id = dispatch.DispatchId }, transaction, cancellationToken: cancellationToken));
        if (changed == 0)
        {
            throw Conflict("Already resolved", $"Flag {flag.FlagId} is already resolved.");
        }

        await AuditAsync(connection, transaction, user, now, "resolve", dispatch.DispatchId, flag.FlagId, $"resolved flag {flag.FlagId} ({flag.SourceId})", address, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The finding's photo and its type, or null when it has none.</summary>
    public async Task<(byte[] Bytes, string Type)?> PhotoAsync(long flagId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<(byte[]? Bytes, string? Type)>(new CommandDefinition("""
            SELECT fi.photo, fi.photo_type FROM flag_dispatches d JOIN flag_findings fi USING (dispatch_id) WHERE d.flag_id = @flagId
            """, new { flagId }, cancellationToken: cancellationToken));
        return row.Bytes is { } bytes ? (bytes, row.Type!) : null;
    }

    /// <summary>Dispatches not acknowledged within <see cref="ConsoleOptions.AcknowledgeWithin"/>, of one team or (null) every team, longest waiting first.</summary>
    public async Task<IReadOnlyList<OverdueDispatch>> OverdueAsync(string? teamId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<OverdueRow>(new CommandDefinition("""
            SELECT d.dispatch_id AS DispatchId, d.flag_id AS FlagId, d.source_id AS SourceId, p.name AS SourceName, d.team_id AS TeamId,
                   u.name AS AssignedTo, d.dispatched_at AS DispatchedAt
            FROM flag_dispatches d JOIN pollution_sources p USING (source_id) LEFT JOIN console_users u ON u.user_id = d.assigned_user_id
            WHERE d.acknowledged_at IS NULL AND d.resolved_at IS NULL AND d.dispatched_at < @deadline
              AND (@teamId::text IS NULL OR d.team_id = @teamId)
            ORDER BY d.dispatched_at, d.dispatch_id
            """, new { deadline = now - options.AcknowledgeWithin, teamId }, cancellationToken: cancellationToken));
        return rows.Select(r => new OverdueDispatch(r.DispatchId, r.FlagId, r.SourceId, r.SourceName, r.TeamId, r.AssignedTo, Utc(r.DispatchedAt), now - Utc(r.DispatchedAt))).ToList();
    }

    /// <summary>The dispatch, when <paramref name="user"/> is who it was sent to: that officer, or an officer or member of the team when sent to the team.</summary>
    static DispatchView RequireAssignee(ConsoleUser user, FlagView flag, string step)
    {
        Require(user.Role is ConsoleRoles.TownshipOfficer or ConsoleRoles.DistrictMember, $"Only the township officer or team member it was sent to may {step} a flag.");
        var dispatch = flag.Dispatch ?? throw Conflict("Not dispatched", $"Flag {flag.FlagId} has not been dispatched yet; the district lead dispatches it first.");
        RequireTeam(user, flag, dispatch);
        if (dispatch.AssignedUserId is { } assigned && assigned != user.UserId)
        {
            throw new WorkflowException(StatusCodes.Status403Forbidden, "Sent to someone else", $"Flag {flag.FlagId} was sent to {dispatch.AssignedTo}; only they may {step} it.");
        }

        if (dispatch.ResolvedAt is not null)
        {
            throw Conflict("Already resolved", $"Flag {flag.FlagId} is resolved; nothing more can be recorded on it.");
        }

        return dispatch;
    }

    /// <summary>A district two teams cover shows its flags to both; the dispatch belongs to the team whose lead sent it.</summary>
    static void RequireTeam(ConsoleUser user, FlagView flag, DispatchView dispatch)
    {
        if (!string.Equals(dispatch.TeamId, user.TeamId, StringComparison.Ordinal))
        {
            throw new WorkflowException(StatusCodes.Status403Forbidden, "Another team's dispatch", $"Flag {flag.FlagId} was dispatched to team {dispatch.TeamId}; only that team takes it further.");
        }
    }

    static void Require(bool allowed, string message)
    {
        if (!allowed)
        {
            throw new WorkflowException(StatusCodes.Status403Forbidden, "Not for your role", message);
        }
    }

    static WorkflowException Conflict(string title, string message) => new(StatusCodes.Status409Conflict, title, message);

    static Task<int> AuditAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ConsoleUser user, DateTimeOffset now, string action, long dispatchId, long flagId, string detail, IPAddress? address, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO console_audit (user_id, at, action, dispatch_id, flag_id, detail, address) VALUES (@userId, @now, @action, @dispatchId, @flagId, @detail, @address::inet)
            """, new { userId = user.UserId, now, action, dispatchId, flagId, detail, address = (address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address)?.ToString() }, transaction, cancellationToken: cancellationToken));

    static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    static DateTimeOffset? Utc(DateTime? value) => value is { } v ? Utc(v) : null;

    // Properties, not a constructor: Dapper reports a text[] column as System.Array, which no string[] parameter matches.
    sealed class FlagRow
    {
        public long FlagId { get; init; }
        public long AnomalyId { get; init; }
        public DateOnly Day { get; init; }
        public string SourceId { get; init; } = "";
        public string SourceName { get; init; } = "";
        public string DistrictId { get; init; } = "";
        public double Probability { get; init; }
        public string Explanation { get; init; } = "";
        public bool ToInspect { get; init; }
        public DateTime FlaggedAt { get; init; }
        public string[] TeamIds { get; init; } = [];
    }

    sealed record DispatchRow(long DispatchId, string TeamId, string? AssignedTo, long? AssignedUserId, string DispatchedBy, DateTime DispatchedAt, string? AcknowledgedBy, DateTime? AcknowledgedAt,
        string? ResolvedBy, DateTime? ResolvedAt, string? Finding, string? Notes, bool HasPhoto, string? RecordedBy, DateTime? RecordedAt, long? OutcomeId);

    sealed record OpenRow(long DispatchId, long? FlagId, string SourceId, string SourceName, string? AssignedTo, DateTime DispatchedAt, DateTime? AcknowledgedAt, DateTime? FindingAt);

    sealed record OverdueRow(long DispatchId, long? FlagId, string SourceId, string SourceName, string TeamId, string? AssignedTo, DateTime DispatchedAt);
}

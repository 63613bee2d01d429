using Dapper;
using Npgsql;

namespace AirQuality.Reports;

/// <summary>
/// The send log, <c>report_deliveries</c>: a sender claims a team's day before its first attempt, and records each
/// attempt, so a report is sent once however many senders run, and a second run skips it unless forced.
/// </summary>
public sealed class ReportDeliveries(NpgsqlDataSource dataSource, ReportOptions options, TimeProvider time)
{
    public async Task<ReportDelivery?> GetAsync(string teamId, DateOnly day, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition("""
            SELECT team_id, day, message_id, status, attempts, last_error, recipients, subject, started_at, sent_at
            FROM report_deliveries WHERE team_id = @teamId AND day = @day
            """, new { teamId, day }, cancellationToken: cancellationToken));
        return row is null ? null : new ReportDelivery(row.TeamId, DateOnly.FromDateTime(row.Day), row.MessageId, row.Status, row.Attempts, row.LastError,
            row.Recipients, row.Subject, row.StartedAt, row.SentAt);
    }

    /// <summary>
    /// Claims the team's day for a send with <paramref name="messageId"/>: true when there was no delivery yet, the last
    /// one failed, its sender stopped answering (a claim older than <see cref="ReportOptions.ClaimTimeout"/>), or it was
    /// sent and <paramref name="force"/> is set. One statement, so two senders cannot both win.
    /// </summary>
    public async Task<bool> ClaimAsync(string teamId, DateOnly day, string messageId, IReadOnlyList<string> recipients, string subject, bool force, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var claimed = await connection.ExecuteScalarAsync<bool?>(new CommandDefinition("""
            INSERT INTO report_deliveries AS d (team_id, day, message_id, status, attempts, recipients, subject, started_at, updated_at)
            VALUES (@teamId, @day, @messageId, 'sending', 0, @recipients, @subject, @now, @now)
            ON CONFLICT (team_id, day) DO UPDATE
            SET message_id = EXCLUDED.message_id, status = 'sending', attempts = 0, last_error = NULL, recipients = EXCLUDED.recipients,
                subject = EXCLUDED.subject, started_at = EXCLUDED.started_at, sent_at = NULL, updated_at = EXCLUDED.updated_at
            WHERE d.status = 'failed' OR (d.status = 'sending' AND d.updated_at < @stale) OR (d.status = 'sent' AND @force)
            RETURNING true
            """, new { teamId, day, messageId, recipients = recipients.ToArray(), subject, now, stale = now - options.ClaimTimeout, force }, cancellationToken: cancellationToken));
        return claimed == true;
    }

    /// <summary>Records a failed attempt: the send stays claimed (<c>sending</c>) for another attempt, or, when <paramref name="final"/>, is <c>failed</c>.</summary>
    public Task RecordFailureAsync(string teamId, DateOnly day, string messageId, int attempts, string error, bool final, CancellationToken cancellationToken) =>
        UpdateAsync("UPDATE report_deliveries SET status = @status, attempts = @attempts, last_error = @error, updated_at = @now WHERE team_id = @teamId AND day = @day AND message_id = @messageId",
            new { teamId, day, messageId, attempts, error, status = final ? ReportDelivery.Failed : ReportDelivery.Sending, now = time.GetUtcNow().UtcDateTime }, cancellationToken);

    /// <summary>Records that the server accepted the message on attempt <paramref name="attempts"/>.</summary>
    public Task RecordSentAsync(string teamId, DateOnly day, string messageId, int attempts, CancellationToken cancellationToken) =>
        UpdateAsync("UPDATE report_deliveries SET status = 'sent', attempts = @attempts, sent_at = @now, updated_at = @now WHERE team_id = @teamId AND day = @day AND message_id = @messageId",
            new { teamId, day, messageId, attempts, now = time.GetUtcNow().UtcDateTime }, cancellationToken);

    /// <summary>
    /// Gives up a claim that is still <c>sending</c> as <c>failed</c>, after <paramref name="attempts"/> attempts,
    /// because its sender failed in an unexpected way or was stopped: the next run sends the report without
    /// <c>--force</c> instead of waiting <see cref="ReportOptions.ClaimTimeout"/>. A row already sent, or claimed by
    /// another send, is left alone.
    /// </summary>
    public Task ReleaseAsync(string teamId, DateOnly day, string messageId, int attempts, string error, CancellationToken cancellationToken) =>
        UpdateAsync("UPDATE report_deliveries SET status = 'failed', attempts = @attempts, last_error = @error, updated_at = @now WHERE team_id = @teamId AND day = @day AND message_id = @messageId AND status = 'sending'",
            new { teamId, day, messageId, attempts, error, now = time.GetUtcNow().UtcDateTime }, cancellationToken);

    async Task UpdateAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // The statement is one of the constants above, never input.
#pragma warning disable CA2100
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
#pragma warning restore CA2100
    }

    sealed class Row
    {
        public string TeamId { get; set; } = "";
        public DateTime Day { get; set; }
        public string MessageId { get; set; } = "";
        public string Status { get; set; } = "";
        public int Attempts { get; set; }
        public string? LastError { get; set; }
        public string[] Recipients { get; set; } = [];
        public string Subject { get; set; } = "";
        public DateTime StartedAt { get; set; }
        public DateTime? SentAt { get; set; }
    }
}

using System.Globalization;
using Npgsql;

namespace AirQuality.Reports;

/// <summary>
/// Sends each team's report for a day once: claims it in <c>report_deliveries</c>, renders it, and hands it to the
/// <see cref="IMailSender"/>, retrying transient failures with a doubling delay. The one component that retries sends.
/// </summary>
/// <remarks>
/// One team's failure never stops the others, and a send that fails or is stopped releases its claim (the row is
/// <c>failed</c>, never left <c>sending</c>), so the next run sends it without <c>--force</c>.
/// Every attempt of one send carries the same Message-ID, so a server that accepted a message whose acknowledgement
/// was lost can recognise the repeat. A forced re-send gets a new one.
/// </remarks>
public sealed class ReportSender(NpgsqlDataSource dataSource, ReportOptions options, IMailSender mail, TimeProvider time, Action<string> progress)
{
    readonly ReportDeliveries _deliveries = new(dataSource, options, time);
    readonly ReportQueries _queries = new(dataSource, options.Zone);
    readonly ReportFigureQueries _figures = new(dataSource);

    /// <summary>Sends the reports of <paramref name="teams"/> for local day <paramref name="day"/>, one team after another.</summary>
    public async Task<IReadOnlyList<DeliveryResult>> SendAsync(IReadOnlyList<EnforcementTeam> teams, DateOnly day, bool force, CancellationToken cancellationToken)
    {
        var results = new List<DeliveryResult>(teams.Count);
        foreach (var team in teams)
        {
            results.Add(await SendAsync(team, day, force, cancellationToken));
        }

        return results;
    }

    /// <summary>
    /// Sends one team's report. Any failure, expected or not, is this team's: it is recorded, the claim released, and
    /// a <see cref="DeliveryOutcome.Failed"/> result returned. Only cancellation is thrown, after releasing the claim.
    /// </summary>
    public async Task<DeliveryResult> SendAsync(EnforcementTeam team, DateOnly day, bool force, CancellationToken cancellationToken)
    {
        var label = $"{team.TeamId} {day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
        string? messageId = null;
        string? lastError = null;
        var attempt = 0;
        try
        {
            if (await _deliveries.GetAsync(team.TeamId, day, cancellationToken) is { Status: ReportDelivery.Sent } sent && !force)
            {
                progress($"{label}: already sent ({sent.MessageId} at {sent.SentAt:yyyy-MM-dd HH:mm} UTC); not sent again unless forced.");
                return new DeliveryResult(team.TeamId, day, DeliveryOutcome.AlreadySent, sent.MessageId, sent.Attempts, null);
            }

            var report = await _queries.LoadAsync(team, day, cancellationToken);
            var rendered = ReportRenderer.Render(report, options.ConsoleBaseUrl, await _figures.LoadAsync(report, cancellationToken));
            var outgoing = new OutgoingMail(options.From, options.FromName, team.Recipients, rendered.Subject, rendered.Text, rendered.Html, rendered.Attachments, NewMessageId(team.TeamId, day), rendered.Images);
            // Set before the claim: a claim interrupted on its way may still have been made, and releasing one that was not touches nothing.
            messageId = outgoing.MessageId;
            if (!await _deliveries.ClaimAsync(team.TeamId, day, messageId, team.Recipients, rendered.Subject, force, cancellationToken))
            {
                var other = await _deliveries.GetAsync(team.TeamId, day, cancellationToken);
                var outcome = other?.Status == ReportDelivery.Sent ? DeliveryOutcome.AlreadySent : DeliveryOutcome.Claimed;
                progress($"{label}: {(outcome == DeliveryOutcome.AlreadySent ? "already sent" : "another sender is sending it now")} ({other?.MessageId}); nothing sent.");
                return new DeliveryResult(team.TeamId, day, outcome, other?.MessageId, other?.Attempts ?? 0, null);
            }

            var delay = options.RetryDelay;
            for (attempt = 1; ; attempt++)
            {
                try
                {
                    await mail.SendAsync(outgoing, cancellationToken);
                }
                catch (MailSendException e)
                {
                    lastError = e.Message;
                    var final = !e.Transient || attempt >= options.MaxAttempts;
                    await _deliveries.RecordFailureAsync(team.TeamId, day, messageId, attempt, e.Message, final, cancellationToken);
                    if (final)
                    {
                        var why = e.Transient ? $"after {attempt} attempt(s)" : "refused permanently";
                        progress($"{label}: NOT SENT, {why}: {e.Message}");
                        return new DeliveryResult(team.TeamId, day, DeliveryOutcome.Failed, messageId, attempt, e.Message);
                    }

                    progress($"{label}: attempt {attempt} of {options.MaxAttempts} failed: {e.Message}; retrying in {delay.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s.");
                    await Task.Delay(delay, time, cancellationToken);
                    delay = delay * 2 < options.MaxRetryDelay ? delay * 2 : options.MaxRetryDelay;
                    continue;
                }

                // The server has the message: record it even if the sender is being stopped, or the next run would send it again.
                await _deliveries.RecordSentAsync(team.TeamId, day, messageId, attempt, CancellationToken.None);
                progress($"{label}: sent to {string.Join(", ", team.Recipients)} as {messageId}{(attempt > 1 ? $" on attempt {attempt}" : "")}.");
                return new DeliveryResult(team.TeamId, day, DeliveryOutcome.Sent, messageId, attempt, null);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var error = $"the sender was stopped {(attempt == 0 ? "before the first attempt" : $"after attempt {attempt}")}{(lastError is null ? "" : $" (last error: {lastError})")}; the next run sends it";
            await ReleaseAsync(label, team.TeamId, day, messageId, attempt, error);
            progress($"{label}: NOT SENT, {error}.");
            throw;
        }
        catch (Exception e)
        {
            // One team's unexpected failure (a bug, a passing database error) must not stop the other teams' reports.
            var error = $"{e.GetType().Name}: {e.Message}";
            await ReleaseAsync(label, team.TeamId, day, messageId, attempt, error);
            progress($"{label}: NOT SENT, failed: {error}");
            if (e is NpgsqlException { IsTransient: false })
            {
                // A database error that will not pass (a missing table, a refused privilege) fails every team alike: stop,
                // so that a worker exits non-zero and its supervisor restarts it, rather than reporting every team failed each day.
                throw;
            }

            return new DeliveryResult(team.TeamId, day, DeliveryOutcome.Failed, messageId, attempt, error);
        }
    }

    /// <summary>Releases this send's claim, if it made one; a database that fails here too only leaves it for <see cref="ReportOptions.ClaimTimeout"/>.</summary>
    async Task ReleaseAsync(string label, string teamId, DateOnly day, string? messageId, int attempts, string error)
    {
        if (messageId is null)
        {
            return;
        }

        try
        {
            // Not the caller's token: this runs because that token was cancelled, or after another failure.
            await _deliveries.ReleaseAsync(teamId, day, messageId, attempts, error, CancellationToken.None);
        }
        catch (NpgsqlException e)
        {
            progress($"{label}: could not release the claim ({e.Message}); another run takes it over after Reports:ClaimTimeout ({options.ClaimTimeout}).");
        }
    }

    /// <summary>A Message-ID unique to this send, naming team and day, in the sender's domain.</summary>
    string NewMessageId(string teamId, DateOnly day)
    {
        var domain = options.From[(options.From.LastIndexOf('@') + 1)..];
        return string.Create(CultureInfo.InvariantCulture, $"<airq-report.{teamId}.{day:yyyyMMdd}.{Guid.NewGuid():N}@{domain}>");
    }
}

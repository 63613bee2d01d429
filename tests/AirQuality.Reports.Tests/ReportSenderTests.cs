using System.Net;
using System.Net.Sockets;
using AirQuality.Reports;
using Dapper;
using AirQuality.Tests.Support;
using Npgsql;
using Xunit;

namespace AirQuality.Reports.Tests;

/// <summary>Sending through a real SMTP server (aiosmtpd, started per test) and reading back what it received, parsed by Python's email package.</summary>
public sealed class ReportSenderTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    static ReportOptions Options(SmtpSink sink, int maxAttempts = 4, TimeSpan? retryDelay = null) => new(
        from: "reports@airq.example.org", fromName: "空气质量 AirQuality", smtpHost: "127.0.0.1", smtpPort: sink.Port, startTls: false,
        maxAttempts: maxAttempts, retryDelay: retryDelay ?? TimeSpan.FromMilliseconds(20), maxRetryDelay: retryDelay ?? TimeSpan.FromMilliseconds(100));

    static async Task<(IReadOnlyList<DeliveryResult> Results, List<string> Progress)> SendAsync(
        NpgsqlDataSource db, ReportOptions options, string? team = null, bool force = false, NetworkCredential? credentials = null,
        Action<string>? onProgress = null, CancellationToken cancellationToken = default)
    {
        var progress = new List<string>();
        var teams = await new ReportQueries(db, options.Zone).TeamsAsync(CancellationToken.None);
        var sender = new ReportSender(db, options, new SmtpMailSender(options, credentials), TimeProvider.System, p =>
        {
            progress.Add(p);
            onProgress?.Invoke(p);
        });
        var results = await sender.SendAsync([.. teams.Where(t => team is null || t.TeamId == team)], ReportCity.Day, force, cancellationToken);
        return (results, progress);
    }

    /// <summary>Sets team-d1's recipients directly in the table, as a registry imported before addresses were checked may have them.</summary>
    static async Task SetRecipientsAsync(NpgsqlDataSource db, params string[] recipients)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("UPDATE enforcement_teams SET recipient_emails = @recipients WHERE team_id = 'team-d1'", new { recipients });
    }

    static async Task<ReportDelivery> DeliveryAsync(NpgsqlDataSource db, SmtpSink sink, string team = "team-d1") =>
        (await new ReportDeliveries(db, Options(sink), TimeProvider.System).GetAsync(team, ReportCity.Day, CancellationToken.None))!;

    [Fact]
    public async Task Each_team_gets_one_message_with_text_html_and_csv_parts_and_non_ascii_names_encoded()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ReportCity.CreateAsync(db);
        await using var sink = await SmtpSink.StartAsync();

        var (results, _) = await SendAsync(db, Options(sink));

        Assert.All(results, r => Assert.Equal((DeliveryOutcome.Sent, 1), (r.Outcome, r.Attempts)));
        var messages = await sink.WaitForMessagesAsync(2);
        Assert.Equal(2, messages.Count);
        // One SMTP connection for the run's reports.
        Assert.Single(messages.Select(m => m.Connection).Distinct());
        var mail = Assert.Single(messages, m => m.RcptTos.Contains(ReportCity.TeamD1Recipients[0]));
        Assert.Equal(ReportCity.TeamD1Recipients, mail.RcptTos);
        Assert.Equal(ReportCity.TeamD1Recipients, mail.To);
        Assert.Equal("reports@airq.example.org", mail.MailFrom);
        Assert.Equal("空气质量 AirQuality <reports@airq.example.org>", mail.From);
        Assert.Equal("Air quality 2026-06-30, Empty, Shapingba 沙坪坝区: 4 anomalies, 1 source to inspect", mail.Subject);
        // Sent as 7-bit headers: the Chinese names travel as UTF-8 encoded words.
        Assert.True(mail.HeadersAscii);
        Assert.Contains("=?utf-8?", mail.RawHeaders["Subject"], StringComparison.OrdinalIgnoreCase);

        var delivery = await new ReportDeliveries(db, Options(sink), TimeProvider.System).GetAsync("team-d1", ReportCity.Day, CancellationToken.None);
        Assert.Equal((ReportDelivery.Sent, 1, null), (delivery!.Status, delivery.Attempts, delivery.LastError));
        Assert.Equal(delivery.MessageId, mail.MessageId);
        Assert.Equal(results.Single(r => r.TeamId == "team-d1").MessageId, mail.MessageId);

        Assert.Equal("multipart/mixed", mail.ContentType);
        Assert.Equal(["multipart/mixed", "multipart/alternative", "text/plain", "multipart/related", "text/html"], mail.Parts.Select(p => p.ContentType).Take(5));
        Assert.Equal(["text/csv", "text/csv"], mail.Parts.Select(p => p.ContentType).Skip(5).Where(t => t != "image/png"));
        var text = mail.Parts.Single(p => p.ContentType == "text/plain");
        var html = mail.Parts.Single(p => p.ContentType == "text/html");
        Assert.Equal(("utf-8", "utf-8"), (text.CharSet, html.CharSet));
        // The server offers 8BITMIME, so the UTF-8 text travels as it is, declared in MAIL FROM (the HTML's lines are
        // longer than SMTP allows, so it stays quoted-printable).
        Assert.Contains("BODY=8BITMIME", mail.MailOptions);
        Assert.Equal(("8bit", "quoted-printable"), (text.TransferEncoding, html.TransferEncoding));
        Assert.Contains("Shapingba 沙坪坝区", text.Text, StringComparison.Ordinal);
        Assert.Contains($"quoting its flag: #1: flag {rows.TopFlagId}; ", text.Text, StringComparison.Ordinal);
        Assert.Contains("Shapingba 沙坪坝区", html.Text, StringComparison.Ordinal);
        Assert.Contains($"quoting its flag: #1: flag {rows.TopFlagId}; ", html.Text, StringComparison.Ordinal);
        Assert.StartsWith("<!DOCTYPE html>", html.Text, StringComparison.Ordinal);

        var anomalies = mail.Parts.Single(p => p.FileName == "anomalies.csv");
        Assert.Equal(("attachment", "utf-8"), (anomalies.Disposition, anomalies.CharSet));
        Assert.StartsWith("\uFEFFrank,anomaly_id,", anomalies.Text, StringComparison.Ordinal);
        Assert.Contains("天星桥街道", anomalies.Text, StringComparison.Ordinal);
        var flags = mail.Parts.Single(p => p.FileName == "source-flags.csv");
        Assert.Contains("Chongqing Special Steel No. 2 sinter plant", flags.Text, StringComparison.Ordinal);

        var yubei = Assert.Single(messages, m => m.RcptTos.SequenceEqual(["yubei@airq.example.org"]));
        Assert.Equal("Air quality 2026-06-30, Yubei 渝北区: 1 anomaly, 1 source to inspect", yubei.Subject);
    }

    [Fact]
    public async Task With_Console_BaseUrl_each_flag_links_to_its_console_page_in_the_text_and_the_html_and_no_command_is_shown()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ReportCity.CreateAsync(db);
        await using var sink = await SmtpSink.StartAsync();

        await SendAsync(db, Options(sink).WithConsoleBaseUrl("https://console.example.org/airq"), team: "team-d1");

        var mail = Assert.Single(await sink.WaitForMessagesAsync(1));
        var text = mail.Parts.Single(p => p.ContentType == "text/plain").Text;
        var html = mail.Parts.Single(p => p.ContentType == "text/html").Text;
        var link = $"https://console.example.org/airq/flags/{rows.TopFlagId}";
        Assert.Contains($"on its flag's page in the enforcement console (sign-in needed): #1: {link}; #3: https://console.example.org/airq/flags/", text, StringComparison.Ordinal);
        Assert.Contains($"<a style=\"color:#0f4c5c;\" href=\"{link}\">{link}</a>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("quoting its flag", text, StringComparison.Ordinal);
        foreach (var shell in new[] { "./airq", "airq ", " --" })
        {
            Assert.DoesNotContain(shell, text, StringComparison.Ordinal);
            Assert.DoesNotContain(shell, WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_mail_carries_a_map_and_a_chart_per_top_episode_as_inline_pngs_with_alt_text_and_the_text_part_keeps_their_facts()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db);
        await using var sink = await SmtpSink.StartAsync();

        await SendAsync(db, Options(sink), team: "team-d1");

        var mail = Assert.Single(await sink.WaitForMessagesAsync(1));
        var html = mail.Parts.Single(p => p.ContentType == "text/html").Text!;
        var text = mail.Parts.Single(p => p.ContentType == "text/plain").Text!;
        var images = mail.Parts.Where(p => p.ContentType == "image/png").ToList();
        Assert.Contains("multipart/related", mail.Parts.Select(p => p.ContentType));
        Assert.True(images.Count >= 2, $"a map and at least one chart, not {images.Count} image(s)");
        var folder = Path.Combine(AppContext.BaseDirectory, "report-images");
        Directory.CreateDirectory(folder);
        foreach (var image in images)
        {
            // A real PNG, referenced by its content id from an <img> with alt text, which the text part repeats.
            Assert.Equal([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], image.Bytes![..8]);
            Assert.True(image.Bytes.Length > 5_000, $"{image.ContentId}: {image.Bytes.Length} bytes");
            var cid = image.ContentId!.Trim('<', '>');
            var img = System.Text.RegularExpressions.Regex.Match(html, $"<img [^>]*src=\"cid:{System.Text.RegularExpressions.Regex.Escape(cid)}\"[^>]*alt=\"([^\"]+)\"");
            Assert.True(img.Success, $"no <img> with alt text for {cid}");
            Assert.Contains(WebUtility.HtmlDecode(img.Groups[1].Value), text, StringComparison.Ordinal);
            await File.WriteAllBytesAsync(Path.Combine(folder, cid.Replace('@', '-') + ".png"), image.Bytes);
        }

        Assert.Contains("cid:map@airq", html, StringComparison.Ordinal);
        Assert.Contains("Map of the team's ", text, StringComparison.Ordinal);
        Assert.Contains("Chart of episode #1: hourly PM2.5 of its ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_run_sends_nothing_and_force_sends_again_with_a_new_message_id()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db, attribution: false);
        await using var sink = await SmtpSink.StartAsync();
        var options = Options(sink);

        var (first, _) = await SendAsync(db, options, "team-d1");
        await sink.WaitForMessagesAsync(1);
        var (second, progress) = await SendAsync(db, options, "team-d1");
        var (forced, _) = await SendAsync(db, options, "team-d1", force: true);
        var messages = await sink.WaitForMessagesAsync(2);

        Assert.Equal(DeliveryOutcome.AlreadySent, Assert.Single(second).Outcome);
        Assert.Equal(first[0].MessageId, second[0].MessageId);
        Assert.Contains("already sent", Assert.Single(progress), StringComparison.Ordinal);
        Assert.Equal(DeliveryOutcome.Sent, Assert.Single(forced).Outcome);
        Assert.NotEqual(first[0].MessageId, forced[0].MessageId);
        Assert.Equal([first[0].MessageId, forced[0].MessageId], messages.Select(m => m.MessageId));
        var delivery = await new ReportDeliveries(db, options, TimeProvider.System).GetAsync("team-d1", ReportCity.Day, CancellationToken.None);
        Assert.Equal(forced[0].MessageId, delivery!.MessageId);
    }

    [Fact]
    public async Task A_send_the_server_refuses_once_is_retried_after_a_backoff_and_recorded_with_two_attempts()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db, attribution: false);
        await using var sink = await SmtpSink.StartAsync();
        await sink.RefuseNextAsync(1, "451 4.3.0 Sink refuses once, try again later");

        var (results, progress) = await SendAsync(db, Options(sink), "team-d1");

        var result = Assert.Single(results);
        Assert.Equal((DeliveryOutcome.Sent, 2), (result.Outcome, result.Attempts));
        var mail = Assert.Single(await sink.WaitForMessagesAsync(1));
        Assert.Equal(result.MessageId, mail.MessageId);
        var delivery = await new ReportDeliveries(db, Options(sink), TimeProvider.System).GetAsync("team-d1", ReportCity.Day, CancellationToken.None);
        Assert.Equal((ReportDelivery.Sent, 2), (delivery!.Status, delivery.Attempts));
        Assert.Contains("451", delivery.LastError, StringComparison.Ordinal);
        Assert.Contains("Sink refuses once, try again later", delivery.LastError, StringComparison.Ordinal);
        var retry = Assert.Single(progress, p => p.Contains("attempt 1 of 4 failed", StringComparison.Ordinal));
        Assert.Contains("SMTP 451", retry, StringComparison.Ordinal);
        Assert.Contains("Sink refuses once, try again later", retry, StringComparison.Ordinal);
        Assert.Contains("retrying in 0.02 s", retry, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_permanent_refusal_is_not_retried_and_is_recorded_as_failed_with_the_servers_code_and_text()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db, attribution: false);
        await using var sink = await SmtpSink.StartAsync();
        await sink.RefuseNextAsync(5, "550 5.7.1 Rejected by the sink's policy");

        var (results, progress) = await SendAsync(db, Options(sink), "team-d1");

        var result = Assert.Single(results);
        Assert.Equal((DeliveryOutcome.Failed, 1), (result.Outcome, result.Attempts));
        var delivery = await new ReportDeliveries(db, Options(sink), TimeProvider.System).GetAsync("team-d1", ReportCity.Day, CancellationToken.None);
        Assert.Equal((ReportDelivery.Failed, 1), (delivery!.Status, delivery.Attempts));
        Assert.Contains("SMTP 550", delivery.LastError, StringComparison.Ordinal);
        Assert.Contains("Rejected by the sink's policy", delivery.LastError, StringComparison.Ordinal);
        Assert.Contains("NOT SENT, refused permanently: SMTP 550", Assert.Single(progress), StringComparison.Ordinal);
        Assert.Empty(sink.Messages());
    }

    [Fact]
    public async Task Transient_failures_stop_after_the_configured_attempts_and_a_later_run_sends()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db, attribution: false);
        await using var sink = await SmtpSink.StartAsync();
        await sink.RefuseNextAsync(2, "421 4.7.0 Sink is busy");

        var (failed, _) = await SendAsync(db, Options(sink, maxAttempts: 2), "team-d1");
        var (later, _) = await SendAsync(db, Options(sink, maxAttempts: 2), "team-d1");

        Assert.Equal((DeliveryOutcome.Failed, 2), (failed[0].Outcome, failed[0].Attempts));
        Assert.Contains("421", failed[0].Error, StringComparison.Ordinal);
        Assert.Equal((DeliveryOutcome.Sent, 1), (later[0].Outcome, later[0].Attempts));
        Assert.Single(await sink.WaitForMessagesAsync(1));
    }

    [Fact]
    public async Task The_sender_logs_in_when_credentials_are_given()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db, attribution: false);
        await using var sink = await SmtpSink.StartAsync(auth: "airq:s3cret-pass");

        var (results, _) = await SendAsync(db, Options(sink), "team-d1", credentials: ReportOptions.SmtpCredentials("airq", "s3cret-pass"));

        Assert.True(results[0].Outcome == DeliveryOutcome.Sent, results[0].Error);
        Assert.Equal("airq", Assert.Single(await sink.WaitForMessagesAsync(1)).Login);
    }

    [Fact]
    public async Task A_recipient_that_is_not_one_address_fails_that_team_permanently_and_the_next_team_is_still_sent()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db, attribution: false);
        await SetRecipientsAsync(db, "x@airq.example.org,attacker@example.com");
        await using var sink = await SmtpSink.StartAsync();

        var (results, progress) = await SendAsync(db, Options(sink));

        var failed = results.Single(r => r.TeamId == "team-d1");
        Assert.Equal((DeliveryOutcome.Failed, 1), (failed.Outcome, failed.Attempts));
        Assert.Contains("'x@airq.example.org,attacker@example.com'", failed.Error, StringComparison.Ordinal);
        Assert.Equal(DeliveryOutcome.Sent, results.Single(r => r.TeamId == "team-d2").Outcome);
        Assert.Equal(["yubei@airq.example.org"], Assert.Single(await sink.WaitForMessagesAsync(1)).RcptTos);
        var delivery = await DeliveryAsync(db, sink);
        Assert.Equal((ReportDelivery.Failed, 1), (delivery.Status, delivery.Attempts));
        Assert.Contains("team-d1 2026-06-30: NOT SENT, refused permanently", Assert.Single(progress, p => p.StartsWith("team-d1", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_ascii_mailbox_is_refused_permanently_when_the_server_does_not_offer_SMTPUTF8()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db, attribution: false);
        await SetRecipientsAsync(db, "shapingba.enforcement@airq.example.org", "执法一队@example.org");
        await using var sink = await SmtpSink.StartAsync(smtpUtf8: false);

        var (results, _) = await SendAsync(db, Options(sink));

        var failed = results.Single(r => r.TeamId == "team-d1");
        Assert.Equal((DeliveryOutcome.Failed, 1), (failed.Outcome, failed.Attempts));
        Assert.Contains("SMTPUTF8", failed.Error, StringComparison.Ordinal);
        Assert.Contains("执法一队@example.org", failed.Error, StringComparison.Ordinal);
        Assert.Equal(ReportDelivery.Failed, (await DeliveryAsync(db, sink)).Status);
        Assert.Equal(["yubei@airq.example.org"], Assert.Single(await sink.WaitForMessagesAsync(1)).RcptTos);
    }

    [Fact]
    public async Task A_non_ascii_mailbox_is_delivered_through_a_server_that_offers_SMTPUTF8()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db, attribution: false);
        await SetRecipientsAsync(db, "shapingba.enforcement@airq.example.org", "执法一队@example.org");
        // aiosmtpd's default, as of many servers today.
        await using var sink = await SmtpSink.StartAsync();

        var (results, _) = await SendAsync(db, Options(sink), "team-d1");

        Assert.True(results[0].Outcome == DeliveryOutcome.Sent, results[0].Error);
        var mail = Assert.Single(await sink.WaitForMessagesAsync(1));
        Assert.True(mail.SmtpUtf8, "MAIL FROM did not ask for SMTPUTF8.");
        Assert.Equal(["shapingba.enforcement@airq.example.org", "执法一队@example.org"], mail.RcptTos);
        Assert.Equal(["shapingba.enforcement@airq.example.org", "执法一队@example.org"], mail.To);
        Assert.Equal("Air quality 2026-06-30, Empty, Shapingba 沙坪坝区: 4 anomalies, attribution not run", mail.Subject);
        Assert.Contains("执法一队@example.org", mail.RawHeaders["To"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopping_the_sender_while_it_waits_to_retry_releases_the_claim_and_the_next_run_sends()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db, attribution: false);
        await using var sink = await SmtpSink.StartAsync();
        await sink.RefuseNextAsync(1, "451 4.3.0 Sink refuses once, try again later");
        using var stop = new CancellationTokenSource();

        // Ctrl+C as the sender starts its ten-minute wait before the second attempt.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SendAsync(db, Options(sink, retryDelay: TimeSpan.FromMinutes(10)), "team-d1",
            onProgress: p => { if (p.Contains("retrying in", StringComparison.Ordinal)) stop.Cancel(); }, cancellationToken: stop.Token));

        var released = await DeliveryAsync(db, sink);
        Assert.Equal((ReportDelivery.Failed, 1), (released.Status, released.Attempts));
        Assert.Contains("stopped", released.LastError, StringComparison.Ordinal);
        var (later, progress) = await SendAsync(db, Options(sink), "team-d1");
        Assert.True(later[0].Outcome == DeliveryOutcome.Sent, string.Join(Environment.NewLine, progress));
        Assert.Single(await sink.WaitForMessagesAsync(1));
    }

    [Fact]
    public async Task A_server_that_cannot_be_reached_is_reported_naming_the_settings_that_choose_it()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db, attribution: false);
        // A port nothing listens on: taken from the system, then let go.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        socket.Close();
        var options = new ReportOptions(smtpPort: port, startTls: false, maxAttempts: 1);

        var (results, _) = await SendAsync(db, options, "team-d1");

        Assert.Equal(DeliveryOutcome.Failed, results[0].Outcome);
        Assert.Contains($"localhost:{port}", results[0].Error, StringComparison.Ordinal);
        Assert.Contains("AIRQ_SMTP_HOST", results[0].Error, StringComparison.Ordinal);
    }
}

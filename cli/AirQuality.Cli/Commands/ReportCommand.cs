using System.CommandLine;
using System.Globalization;
using AirQuality.Reports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq report send|render|worker</c>: the daily e-mail reports to the enforcement teams.</summary>
static class ReportCommand
{
    public static Command Create()
    {
        var command = new Command("report", "Daily e-mail reports to each district's enforcement team: send them, render one to a file, or run the scheduled sender.");
        command.Subcommands.Add(Send());
        command.Subcommands.Add(Render());
        command.Subcommands.Add(Worker());
        return command;
    }

    static Command Send()
    {
        var date = new Option<DateOnly>("--date") { Description = "Local day the reports cover, yyyy-MM-dd.", Required = true };
        var team = new Option<string?>("--team") { Description = "Only this team (team_id). Default: every team." };
        var force = new Option<bool>("--force") { Description = "Send again a report that was already sent for that day." };
        var command = new Command("send",
            "Send the reports of a day now, once per team: teams already sent are skipped unless --force; transient failures are retried with backoff, "
            + "and one team's failure does not stop the others. Exit code: the number of teams whose report failed (0 when every report was sent or "
            + $"skipped; at most {MaxFailedExitCode}); 2 for a usage or settings error, 130 when stopped.") { date, team, force };
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            var configuration = AirqConfiguration.Load();
            using var host = await AirqHost.BuildAsync(configuration, new Dictionary<string, string?>(), token);
            var options = host.Services.GetRequiredService<ReportOptions>();
            var teams = await TeamsAsync(host.Services.GetRequiredService<ReportQueries>(), parse.GetValue(team), token);
            var sender = NewSender(host, Console.WriteLine);
            Console.WriteLine($"Sending the reports of {parse.GetValue(date):yyyy-MM-dd} through {options.SmtpHost}:{options.SmtpPort} ({options.Security}{(configuration.SmtpCredentials is null ? "" : ", authenticated")}){DefaultServerNote(configuration)} ...");
            var results = await sender.SendAsync(teams, parse.GetValue(date), parse.GetValue(force), token);
            var failed = results.Count(r => r.Outcome == DeliveryOutcome.Failed);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Reports: {results.Count(r => r.Outcome == DeliveryOutcome.Sent)} sent, {results.Count(r => r.Outcome is DeliveryOutcome.AlreadySent or DeliveryOutcome.Claimed)} skipped, {failed} failed."));
            // The count itself, so a script or service manager sees how many teams to look at; capped below the
            // shell's reserved codes (126 and up).
            return Math.Min(failed, MaxFailedExitCode);
        }, ct));
        return command;
    }

    static Command Render()
    {
        var date = new Option<DateOnly>("--date") { Description = "Local day the report covers, yyyy-MM-dd.", Required = true };
        var team = new Option<string>("--team") { Description = "The team (team_id).", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "HTML file to write; the plain-text alternative goes beside it with .txt, the map and episode charts (PNG) into a folder beside it named like it with .files.", Required = true };
        var command = new Command("render", "Write a team's report for a day to an HTML file (with .txt and the images beside it) as it would be e-mailed, without sending.") { date, team, output };
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), new Dictionary<string, string?>(), token);
            var queries = host.Services.GetRequiredService<ReportQueries>();
            var selected = (await TeamsAsync(queries, parse.GetValue(team), token))[0];
            var written = await host.Services.GetRequiredService<ReportFileWriter>().WriteAsync(selected, parse.GetValue(date), parse.GetValue(output)!.FullName, host.Services.GetRequiredService<ReportOptions>().ConsoleBaseUrl, token);
            Console.WriteLine(written.Images.Count == 0
                ? $"Wrote {written.HtmlPath} and {written.TextPath} (no map or chart: the team has no sensors or the day no episode)."
                : $"Wrote {written.HtmlPath}, {written.TextPath} and {written.Images.Count} image(s) in {Path.GetDirectoryName(written.Images[0])}.");
            Console.WriteLine($"Subject: {written.Subject}");
            return 0;
        }, ct));
        return command;
    }

    static Command Worker()
    {
        var command = new Command("worker", "Run until stopped, sending every team's report for the previous day at Reports:SendAt local time (07:30 Asia/Shanghai by default); on start, the latest day already due is sent first.");
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            var configuration = AirqConfiguration.Load();
            using var host = await AirqHost.BuildAsync(configuration, new Dictionary<string, string?>(), token);
            var options = host.Services.GetRequiredService<ReportOptions>();
            Console.WriteLine($"Report worker: sends at {options.SendAt:HH:mm} {options.Zone.Id} through {options.SmtpHost}:{options.SmtpPort}{DefaultServerNote(configuration)}; Ctrl+C stops it.");
            var s = host.Services;
            await new ReportWorker(s.GetRequiredService<NpgsqlDataSource>(), options, s.GetRequiredService<IMailSender>(), s.GetRequiredService<TimeProvider>(), Console.WriteLine).RunAsync(token);
            return 0;
        }, ct));
        return command;
    }

    /// <summary>A sender on the host's database, mail server and clock, telling each team's outcome to <paramref name="progress"/>.</summary>
    static ReportSender NewSender(IHost host, Action<string> progress)
    {
        var s = host.Services;
        return new ReportSender(s.GetRequiredService<NpgsqlDataSource>(), s.GetRequiredService<ReportOptions>(), s.GetRequiredService<IMailSender>(), s.GetRequiredService<TimeProvider>(), progress);
    }

    /// <summary>Highest exit code of <c>report send</c>: 126 and above mean other things to a shell.</summary>
    const int MaxFailedExitCode = 125;

    /// <summary>When no SMTP server was configured, says that the default is in use and which variables choose another.</summary>
    static string DefaultServerNote(AirqConfiguration configuration) =>
        configuration.Root["SMTP_HOST"] is { Length: > 0 } || configuration.Root["Reports:SmtpHost"] is { Length: > 0 }
            ? ""
            : " (no SMTP server configured, so the default; set AIRQ_SMTP_HOST and AIRQ_SMTP_PORT to your mail server)";

    /// <summary>Every team, or the one named; an unknown name lists the valid ones.</summary>
    static async Task<IReadOnlyList<EnforcementTeam>> TeamsAsync(ReportQueries queries, string? teamId, CancellationToken cancellationToken)
    {
        var teams = await queries.TeamsAsync(cancellationToken);
        if (teams.Count == 0)
        {
            throw new UsageException("The registry has no enforcement teams; import one first (./airq registry import infra/registry).");
        }

        if (teamId is null)
        {
            return teams;
        }

        return teams.Where(t => t.TeamId == teamId).ToList() is [var one]
            ? [one]
            : throw new UsageException($"Unknown team '{teamId}'. Teams: {string.Join(", ", teams.Select(t => t.TeamId))}.");
    }
}

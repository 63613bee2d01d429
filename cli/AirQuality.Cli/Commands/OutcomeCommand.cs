using System.CommandLine;
using AirQuality.Attribution;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq outcome record</c>: what an inspection of a flagged source found; later training runs learn from it.</summary>
static class OutcomeCommand
{
    public static Command Create()
    {
        var flag = new Option<long>("--flag") { Description = "The flag's id (in the daily report, and source_flags.flag_id).", Required = true };
        var finding = new Option<string>("--finding") { Description = "confirmed or not_confirmed.", Required = true };
        finding.AcceptOnlyFromAmong(OutcomeStore.Confirmed, OutcomeStore.NotConfirmed);
        var date = new Option<DateOnly?>("--inspected-on") { Description = "Day of the inspection, yyyy-MM-dd. Default: today." };
        var team = new Option<string?>("--team") { Description = "The inspecting team's id." };
        var notes = new Option<string?>("--notes") { Description = "What the inspectors saw (at most 2,000 characters)." };
        var record = new Command("record", "Record what an inspection of a flagged source found.") { flag, finding, date, team, notes };
        record.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), new Dictionary<string, string?>(), token);
            var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
            var inspectedOn = parse.GetValue(date) ?? DateOnly.FromDateTime(host.Services.GetRequiredService<TimeProvider>().GetLocalNow().Date);
            var id = await OutcomeStore.RecordAsync(dataSource, parse.GetValue(flag), parse.GetValue(finding)!, inspectedOn, parse.GetValue(team), parse.GetValue(notes), token);
            Console.WriteLine($"Recorded outcome {id} for flag {parse.GetValue(flag)}: {parse.GetValue(finding)}. ./airq model train --outcomes learns from it.");
            return 0;
        }, ct));
        var command = new Command("outcome", "Inspection outcomes of flagged sources.");
        command.Subcommands.Add(record);
        return command;
    }
}

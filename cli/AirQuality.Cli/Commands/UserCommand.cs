using System.CommandLine;
using AirQuality.EnforcementConsole;
using AirQuality.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq user add</c>: a user of the enforcement console.</summary>
static class UserCommand
{
    const string PasswordVariable = "AIRQ_USER_PASSWORD";

    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "The user's sign-in name (lower-case letters, digits, '.', '_', '-')." };
        var team = new Option<string?>("--team") { Description = "The team's id (enforcement_teams.team_id); required except for city_supervisor and analyst." };
        var role = new Option<string>("--role") { Description = string.Join(", ", ConsoleRoles.All) + ".", Required = true };
        role.AcceptOnlyFromAmong([.. ConsoleRoles.All]);
        var add = new Command("add", $"Add a console user, or set an existing one's team, role and password. Password from {PasswordVariable}, or generated and printed once.") { name, team, role };
        add.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            var given = Environment.GetEnvironmentVariable(PasswordVariable);
            var password = given is { Length: > 0 } ? given : DatabaseRoles.GeneratePassword();
            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), new Dictionary<string, string?>(), token);
            var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
            var created = await ConsoleUserStore.AddOrUpdateAsync(dataSource, parse.GetValue(name)!, parse.GetValue(role)!, parse.GetValue(team), password, token);
            Console.WriteLine($"{(created ? "Added" : "Updated")} console user {parse.GetValue(name)} ({parse.GetValue(role)}{(parse.GetValue(team) is { } t ? ", team " + t : "")}).");
            Console.WriteLine(given is { Length: > 0 }
                ? $"Their password is the one in {PasswordVariable}."
                : $"Their password (shown once, stored only as a PBKDF2 hash): {password}");
            return 0;
        }, ct));
        var command = new Command("user", "Users of the enforcement console.");
        command.Subcommands.Add(add);
        return command;
    }
}

using System.CommandLine;
using AirQuality.EnforcementConsole;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq console</c>: the enforcement console, a web app on Kestrel, until Ctrl+C or SIGTERM.</summary>
static class ConsoleCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls")
        {
            Description = $"Where to listen, e.g. http://127.0.0.1:5080 (the default; loopback only). Several separated by ';'.",
            DefaultValueFactory = _ => ConsoleApp.DefaultUrls,
        };
        var command = new Command("console", "Run the enforcement console (sign-in, each team's sources to inspect and map) until stopped.") { urls };
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            // The host checks the settings and the schema and starts the server; the console is a web app of its own on that server.
            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), new Dictionary<string, string?>(), token);
            await using var app = ConsoleApp.Create(parse.GetValue(urls)!, host.Services.GetRequiredService<DatabaseServer>().ConnectionString,
                host.Services.GetRequiredService<IConfiguration>(), Path.Combine(AirqConfiguration.RepositoryRoot, ".airq", "console-keys"));
            Console.WriteLine($"Enforcement console on {parse.GetValue(urls)} (add users with ./airq user add; Ctrl+C stops).");
            await HostingAbstractionsHostExtensions.RunAsync(app, token);
            return 0;
        }, ct));
        return command;
    }
}

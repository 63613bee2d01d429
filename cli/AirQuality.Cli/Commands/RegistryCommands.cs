using System.CommandLine;
using AirQuality.Simulation;
using AirQuality.Storage.Registry;
using Microsoft.Extensions.DependencyInjection;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq registry import DIR | generate</c>.</summary>
static class RegistryCommands
{
    public static Command Create()
    {
        var registry = new Command("registry", "Districts, townships, sensors, pollution sources and enforcement teams.");

        var directory = new Argument<DirectoryInfo>("DIR") { Description = "Folder with districts.csv, townships.csv, sensors.csv, sources.csv and teams.csv." };
        var import = new Command("import", "Check the registry CSV files in DIR and upsert them; on any error nothing is applied.") { directory };
        import.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            // The files are checked before the database is touched.
            var loaded = RegistryCsv.Load(parse.GetValue(directory)!.FullName);
            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), new Dictionary<string, string?>(), token);
            await host.Services.GetRequiredService<RegistryStore>().UpsertAsync(loaded, token);
            Console.WriteLine($"Imported {loaded.Districts.Count} districts, {loaded.Townships.Count} townships, {loaded.Sensors.Count} sensors, " +
                $"{loaded.Sources.Count} pollution sources and {loaded.Teams.Count} enforcement teams.");
            return 0;
        }, ct));

        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write the CSV files to.", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed gives the same registry.", DefaultValueFactory = _ => 7 };
        var generate = new Command("generate", "Write a generated registry for a Chongqing-like city (the one shipped in infra/registry is seed 7).") { output, seed };
        generate.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            // No database: the registry is made from the seed alone.
            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), new Dictionary<string, string?>(), HostNeeds.Nothing, token);
            var generated = RegistryGenerator.Generate(parse.GetValue(seed));
            RegistryCsv.Write(parse.GetValue(output)!.FullName, generated);
            Console.WriteLine($"Wrote {generated.Sensors.Count} sensors and {generated.Sources.Count} sources in {generated.Districts.Count} districts to {parse.GetValue(output)!.FullName}.");
            return 0;
        }, ct));

        registry.Subcommands.Add(import);
        registry.Subcommands.Add(generate);
        return registry;
    }
}

using System.CommandLine;
using AirQuality.Ingest.Simulation;

namespace AirQuality.Cli.Commands;

/// <summary>The options <c>simulate</c> and <c>demo</c> share.</summary>
sealed class SimulationArguments
{
    public Option<DateOnly?> From { get; } = new("--from") { Description = "First local day (China Standard Time) to simulate, yyyy-MM-dd. Default: yesterday." };
    public Option<double> Days { get; } = new("--days") { Description = "How many days to simulate.", DefaultValueFactory = _ => 1 };
    public Option<double> Speed { get; } = new("--speed") { Description = "Simulated seconds per real second; 0 sends as fast as possible.", DefaultValueFactory = _ => 0 };
    public Option<int> Seed { get; } = new("--seed") { Description = "Random seed; the same seed gives the same readings.", DefaultValueFactory = _ => 7 };
    public Option<string?> Faults { get; } = new("--faults") { Description = "Faulty messages to inject, e.g. malformed=0.01,duplicate=0.02,late=0.01,out-of-order=0.02,unknown-sensor=0.005." };

    public void AddTo(Command command)
    {
        command.Options.Add(From);
        command.Options.Add(Days);
        command.Options.Add(Speed);
        command.Options.Add(Seed);
        command.Options.Add(Faults);
    }

    public SimulationOptions Read(ParseResult parse, TimeProvider time)
    {
        var day = parse.GetValue(From) ?? AirqCommandLine.Yesterday(time);
        return new SimulationOptions(AirqCommandLine.StartOfLocalDay(day), TimeSpan.FromDays(parse.GetValue(Days)), parse.GetValue(Seed), parse.GetValue(Speed),
            FaultOptions.Parse(parse.GetValue(Faults))).Validate();
    }
}

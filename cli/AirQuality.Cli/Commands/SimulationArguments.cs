using System.CommandLine;
using AirQuality.Simulation;

namespace AirQuality.Cli.Commands;

/// <summary>The options <c>simulate</c> and <c>demo</c> share.</summary>
/// <param name="defaultDays">The default of <c>--days</c>, as help shows it.</param>
/// <param name="fromDefault">What <c>--from</c> defaults to, in words for help.</param>
sealed class SimulationArguments(int defaultDays = 1, string fromDefault = "yesterday")
{
    public Option<DateOnly?> From { get; } = new("--from") { Description = $"First local day (in the TimeZone setting, Asia/Shanghai by default) to simulate, yyyy-MM-dd. Default: {fromDefault}." };
    public Option<double> Days { get; } = Checked(new("--days") { Description = "How many days to simulate, more than 0 and at most 400 (0.5 is half a day).", DefaultValueFactory = _ => defaultDays });
    public Option<double> Speed { get; } = CheckedSpeed(new("--speed") { Description = "Simulated seconds per real second; 0 sends as fast as possible.", DefaultValueFactory = _ => 0 });
    public Option<int> Seed { get; } = new("--seed") { Description = "Random seed; the same seed gives the same readings.", DefaultValueFactory = _ => 7 };
    public Option<string?> Faults { get; } = CheckedFaults(new("--faults") { Description = "Faulty messages to inject, e.g. malformed=0.01,duplicate=0.02,late=0.01,out-of-order=0.02,unknown-sensor=0.005." });

    static Option<double> Checked(Option<double> days)
    {
        days.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && r.GetValueOrDefault<double>() is var value && !(value > 0 && value <= 400))
            {
                r.AddError($"--days must be more than 0 and at most 400 (the number of days to simulate, for example 2 or 0.5); {r.Tokens[0].Value} is not.");
            }
        });
        return days;
    }

    static Option<double> CheckedSpeed(Option<double> speed)
    {
        speed.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && r.GetValueOrDefault<double>() < 0)
            {
                r.AddError($"--speed must be 0 (as fast as possible) or a positive number of simulated seconds per second; {r.Tokens[0].Value} is not.");
            }
        });
        return speed;
    }

    /// <summary>The simulator's own sentence about a bad fault list, after the flag's name, which only the command line knows.</summary>
    static Option<string?> CheckedFaults(Option<string?> faults)
    {
        faults.Validators.Add(r =>
        {
            if (r.Tokens.Count == 0)
            {
                return;
            }

            try
            {
                FaultOptions.Parse(r.Tokens[0].Value);
            }
            catch (ArgumentOutOfRangeException e)
            {
                r.AddError($"--faults: '{r.Tokens[0].Value}' is not a fault list. {AirqCommandLine.Sentence(e)}");
            }
        });
        return faults;
    }

    public void AddTo(Command command)
    {
        command.Options.Add(From);
        command.Options.Add(Days);
        command.Options.Add(Speed);
        command.Options.Add(Seed);
        command.Options.Add(Faults);
    }

    public SimulationOptions Read(ParseResult parse, CityCalendar calendar)
    {
        var day = parse.GetValue(From) ?? calendar.Yesterday;
        return new SimulationOptions(calendar.StartOfLocalDay(day), TimeSpan.FromDays(parse.GetValue(Days)), parse.GetValue(Seed), parse.GetValue(Speed),
            FaultOptions.Parse(parse.GetValue(Faults))).Validate();
    }
}

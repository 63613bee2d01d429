using System.CommandLine;
using AirQuality.Storage.Registry;

namespace AirQuality.Cli.Commands;

/// <summary>Every verb of <c>airq</c>, each with one line of help.</summary>
static class AirqCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("AirQuality: sensor readings from Kafka into TimescaleDB/PostgreSQL, aggregated, attributed and reported.");
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(DbCommands.Create());
        root.Subcommands.Add(RegistryCommands.Create());
        root.Subcommands.Add(BrokerCommand.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(IngestCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(AggregateCommand.Create());
        root.Subcommands.Add(YearOverYearCommand.Create());
        root.Subcommands.Add(AnomaliesCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(AttributeCommand.Create());
        root.Subcommands.Add(OutcomeCommand.Create());
        root.Subcommands.Add(ModelCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        return root;
    }

    /// <summary>Runs a verb's body with the environment, turning expected failures into one clear line and an exit code.</summary>
    public static async Task<int> RunAsync(Func<AirqEnvironment, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            await using var environment = new AirqEnvironment(AirqConfiguration.Load());
            return await body(environment, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine("Stopped.");
            return 130;
        }
        catch (Exception e) when (e is UsageException or RegistryValidationException or ArgumentOutOfRangeException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is InvalidOperationException or Npgsql.NpgsqlException or DllNotFoundException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>The local calendar day before today, in China Standard Time (UTC+8, no daylight saving).</summary>
    public static DateOnly Yesterday(TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).Date).AddDays(-1);

    /// <summary>Midnight at the start of <paramref name="day"/> in China Standard Time.</summary>
    public static DateTimeOffset StartOfLocalDay(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));
}

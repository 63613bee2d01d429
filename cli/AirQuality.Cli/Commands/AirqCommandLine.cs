using System.CommandLine;
using AirQuality.Storage;
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
        root.Subcommands.Add(CalibrateCommand.Create());
        root.Subcommands.Add(YearOverYearCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(AnomaliesCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(AttributeCommand.Create());
        root.Subcommands.Add(OutcomeCommand.Create());
        root.Subcommands.Add(ModelCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ConsoleCommand.Create());
        root.Subcommands.Add(UserCommand.Create());
        OptionParsers.ApplyTo(root);
        return root;
    }

    /// <summary>
    /// Runs a verb's body, which builds its own host (<see cref="AirqHost"/>), turning expected failures into one clear
    /// line and an exit code: the one place where errors become sentences.
    /// </summary>
    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine("Stopped.");
            return 130;
        }
        catch (Exception e) when (e is UsageException or RegistryValidationException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (ArgumentOutOfRangeException e)
        {
            Console.Error.WriteLine($"error: {Sentence(e)}");
            return 2;
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.InsufficientPrivilege)
        {
            Console.Error.WriteLine($"error: the database login in use is not allowed to do this (PostgreSQL says: {e.MessageText}). " +
                "Run the command with a login that has the privilege, for example the administrator's connection string in AIRQ_DB.");
            return 1;
        }
        catch (Exception e) when (CommandHints.For(e) is { } hint)
        {
            Console.Error.WriteLine($"error: {e.Message}{hint}");
            return 1;
        }
        catch (Exception e) when (e is InvalidOperationException or Npgsql.NpgsqlException or DllNotFoundException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>The exception's own sentence, without the "(Parameter 'x')" and "Actual value was" lines .NET appends for programmers.</summary>
    public static string Sentence(ArgumentOutOfRangeException e)
    {
        var message = e.Message;
        var appended = message.IndexOf($" (Parameter '{e.ParamName}')", StringComparison.Ordinal);
        if (e.ParamName is { Length: > 0 } && appended > 0)
        {
            return message[..appended];
        }

        var actual = message.IndexOf(Environment.NewLine, StringComparison.Ordinal);
        return actual > 0 ? message[..actual] : message;
    }
}

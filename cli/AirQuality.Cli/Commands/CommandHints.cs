using AirQuality.Attribution.Model;
using AirQuality.Storage;

namespace AirQuality.Cli.Commands;

/// <summary>
/// The command that fixes a library's error, added where the command line reports it: the libraries describe the
/// problem in their own terms (they also run in workers and tests, where no shell is at hand), and only the command
/// line knows its verbs and flags (issue 21, point 4).
/// </summary>
static class CommandHints
{
    /// <summary>What to print after <paramref name="error"/>'s own message (with its leading space or comma), or null when it has none.</summary>
    public static string? For(Exception error) => error switch
    {
        AttributionModelException => " Train one with ./airq model train (it writes Attribution:ModelPath unless given --out).",
        SchemaNotMigratedException => " Apply the migrations with ./airq db migrate as the schema owner (for example with the administrator's connection string in AIRQ_DB).",
        // Only `db migrate` (and the demo) may take the locks a migration needs; the library says what is pending, the CLI how to apply it.
        PendingMigrationsException pending =>
            $", and this command does not change the schema: run `./airq db migrate` to apply {(pending.Pending.Count == 1 ? "it" : "them")}, then this command again.",
        _ => null,
    };
}

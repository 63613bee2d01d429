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
    /// <summary>The sentence to print after <paramref name="error"/>'s own, or null when it has none.</summary>
    public static string? For(Exception error) => error switch
    {
        AttributionModelException => "Train one with ./airq model train (it writes Attribution:ModelPath unless given --out).",
        SchemaNotMigratedException => "Apply the migrations with ./airq db migrate as the schema owner (for example with the administrator's connection string in AIRQ_DB).",
        _ => null,
    };
}

namespace AirQuality.Cli;

/// <summary>What a command's host does with the database before the command runs.</summary>
enum DatabaseMode
{
    /// <summary>Connects and checks the schema is up to date, refusing with a <c>PendingMigrationsException</c> when it is not: every command that reads or writes data.</summary>
    Checked,

    /// <summary>Applies every pending migration now: <c>db migrate</c> and <c>demo</c> only, the two commands that change the schema.</summary>
    Migrated,

    /// <summary>Starts or finds the server and leaves the schema alone: <c>db info</c>, which shows what is pending, and the benchmarks, which make scratch databases.</summary>
    ServerOnly,

    /// <summary>No database at all: asking for one is a programming error (<c>broker</c>, <c>registry generate</c>, <c>model evaluate</c>, ...).</summary>
    None,
}

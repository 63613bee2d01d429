using AirQuality.Development;
using AirQuality.Storage;

namespace AirQuality.Cli;

/// <summary>
/// The database server a command uses, a development service of the command line: the configured connection string
/// (<c>Database:ConnectionString</c>, <c>AIRQ_DB</c>), or, when there is none, the private cluster under
/// <c>Database:DataDirectory</c>, started when the host is built.
/// </summary>
sealed class DatabaseServer
{
    string? _connectionString;

    /// <summary>The connection string in use, with its password (a data source's own string has it removed).</summary>
    public string ConnectionString => _connectionString ?? throw new InvalidOperationException(
        "This command was built without a database (DatabaseMode.None), yet asked for one; give its host a DatabaseMode that starts the server.");

    /// <summary>The private cluster in use, or null when a connection string is configured.</summary>
    public PrivateCluster? PrivateCluster { get; private set; }

    /// <summary>The migrations applied when the host was built in <see cref="DatabaseMode.Migrated"/>, oldest first.</summary>
    public IReadOnlyList<Migration> Applied { get; internal set; } = [];

    /// <summary>Takes the configured connection string, or starts (or finds running) the private cluster.</summary>
    internal async Task StartAsync(DatabaseOptions options, CancellationToken cancellationToken)
    {
        if (options.ConnectionString is { Length: > 0 } configured && !string.IsNullOrWhiteSpace(configured))
        {
            _connectionString = configured;
            return;
        }

        (PrivateCluster, _connectionString) = await PrivateCluster.EnsureRunningAsync(
            options.DataDirectory, options.Timescale != "off", Commands.Progress.Line, cancellationToken);
    }
}

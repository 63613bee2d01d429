using Npgsql;

namespace AirQuality.EnforcementConsole;

/// <summary>
/// The console's connections: every one takes <see cref="ConsoleOptions.DatabaseRole"/> as it opens, so the pages
/// run with that role's privileges only, whatever login the connection string names (which must be a member).
/// </summary>
public sealed class ConsoleDatabase : IAsyncDisposable
{
    public ConsoleDatabase(string connectionString, ConsoleOptions options)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Options = $"-c role={options.DatabaseRole}", ApplicationName = "airq console" };
        DataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public NpgsqlDataSource DataSource { get; }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}

using Npgsql;

namespace AirQuality.Cli.Commands;

/// <summary>A throwaway database for a benchmark; disposing it drops the database.</summary>
sealed class ScratchDatabase(NpgsqlDataSource server, string name, NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await using var connection = await server.OpenConnectionAsync();
#pragma warning disable CA2100 // The name was built by BenchCommand from the process id.
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
#pragma warning restore CA2100
        await drop.ExecuteNonQueryAsync();
    }
}

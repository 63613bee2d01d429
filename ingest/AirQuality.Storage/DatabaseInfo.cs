using Dapper;
using Npgsql;

namespace AirQuality.Storage;

/// <summary>What <c>airq db info</c> prints: the server, whether TimescaleDB is in use, and the applied migrations.</summary>
public sealed record DatabaseInfo(string ServerVersion, string? TimescaleVersion, bool ReadingsAreHypertable, IReadOnlyList<AppliedMigration> Migrations)
{
    public static async Task<DatabaseInfo> ReadAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var version = await connection.ExecuteScalarAsync<string>(new CommandDefinition("SELECT version()", cancellationToken: cancellationToken)) ?? "";
        var timescale = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'", cancellationToken: cancellationToken));
        var hypertable = timescale is not null && await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name = 'sensor_readings')", cancellationToken: cancellationToken));
        return new DatabaseInfo(version, timescale, hypertable, await Migrator.AppliedAsync(connection, cancellationToken));
    }
}

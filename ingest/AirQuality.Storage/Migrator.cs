using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace AirQuality.Storage;

/// <summary>A schema migration: one numbered SQL file from <c>infra/db</c>.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>SHA-256 of the SQL, to notice a file edited after it was applied.</summary>
    public string Checksum => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Sql))).ToLowerInvariant();
}

/// <summary>A migration recorded in <c>schema_migrations</c>.</summary>
public sealed record AppliedMigration(int Version, string Name, string Checksum, DateTime AppliedAt);

/// <summary>
/// Applies the SQL migrations embedded from <c>infra/db/NNNN_name.sql</c>, each once, each in its own
/// transaction, recording it in <c>schema_migrations</c>. Re-running is a no-op.
/// </summary>
/// <remarks>An advisory lock serialises concurrent runs (several workers starting at once).</remarks>
public sealed class Migrator(NpgsqlDataSource dataSource, DatabaseOptions options)
{
    const long LockKey = 0x41495251_4d494752; // "AIRQMIGR"

    /// <summary>Every embedded migration, in version order.</summary>
    public static IReadOnlyList<Migration> All { get; } = LoadEmbedded();

    /// <summary>Applies what is missing; returns the migrations applied by this call.</summary>
    public async Task<IReadOnlyList<Migration>> MigrateAsync(Action<string>? progress, CancellationToken cancellationToken)
    {
        options.Validate();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@LockKey)", new { LockKey }, cancellationToken: cancellationToken));
        // A migration that has to leave something undone says so with RAISE WARNING; the operator must see it.
        // (Notices, such as "already exists, skipping", are routine and stay quiet.)
        connection.Notice += (_, e) =>
        {
            if (e.Notice.Severity == "WARNING")
            {
                progress?.Invoke($"  warning: {e.Notice.MessageText}{(e.Notice.Hint is { } hint ? $" {hint}" : "")}");
            }
        };
        try
        {
            // Created only when missing: a worker's restricted login may read the table but not create anything,
            // and CREATE TABLE IF NOT EXISTS checks the privilege before it looks.
            if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT to_regclass('schema_migrations') IS NOT NULL", cancellationToken: cancellationToken)))
            {
                await connection.ExecuteAsync(new CommandDefinition("""
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version    integer PRIMARY KEY,
                        name       text NOT NULL,
                        checksum   text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    );
                    COMMENT ON TABLE schema_migrations IS 'Schema migrations applied by airq db migrate (files infra/db/NNNN_name.sql).';
                    """, cancellationToken: cancellationToken));
            }

            var applied = (await AppliedAsync(connection, cancellationToken)).ToDictionary(m => m.Version);
            var done = new List<Migration>();
            foreach (var migration in All)
            {
                if (applied.TryGetValue(migration.Version, out var existing))
                {
                    if (existing.Checksum != migration.Checksum)
                    {
                        throw Edited(migration, existing);
                    }

                    continue;
                }

                progress?.Invoke($"Applying migration {migration.Version:0000}_{migration.Name} ...");
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await SetSessionSettingsAsync(connection, transaction, cancellationToken);
#pragma warning disable CA2100 // The text is an embedded migration file of this assembly, never user input.
                await using (var command = new NpgsqlCommand(migration.Sql, connection, transaction))
#pragma warning restore CA2100
                {
                    try
                    {
                        await command.ExecuteNonQueryAsync(cancellationToken);
                    }
                    catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
                    {
                        throw new SchemaNotMigratedException(
                            $"Migration {migration.Version:0000}_{migration.Name} is pending, and user '{connection.UserName}' may not apply it ({e.MessageText}). " +
                            "Migrations are applied by the schema owner; worker and analyst logins only use the schema.", e);
                    }
                }

                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (@Version, @Name, @Checksum)",
                    new { migration.Version, migration.Name, migration.Checksum }, transaction, cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                done.Add(migration);
            }

            return done;
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@LockKey)", new { LockKey }, cancellationToken: CancellationToken.None));
        }
    }

    /// <summary>
    /// Reads, and changes nothing: throws <see cref="PendingMigrationsException"/> when a migration is not applied yet,
    /// and <see cref="InvalidOperationException"/> when an applied one was edited since.
    /// </summary>
    /// <remarks>
    /// For every caller but the one that migrates: a migration may rebuild a key under an exclusive lock
    /// (0011_readings_key_time_first.sql), which a read-only command or a worker starting up must never set off.
    /// </remarks>
    public async Task EnsureUpToDateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var neverMigrated = !await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT to_regclass('schema_migrations') IS NOT NULL", cancellationToken: cancellationToken));
        var applied = (await AppliedAsync(connection, cancellationToken)).ToDictionary(m => m.Version);
        var pending = new List<Migration>();
        foreach (var migration in All)
        {
            if (!applied.TryGetValue(migration.Version, out var existing))
            {
                pending.Add(migration);
            }
            else if (existing.Checksum != migration.Checksum)
            {
                throw Edited(migration, existing);
            }
        }

        if (pending.Count > 0)
        {
            throw new PendingMigrationsException(pending, neverMigrated);
        }
    }

    static InvalidOperationException Edited(Migration migration, AppliedMigration existing) => new(
        $"Migration {migration.Version:0000}_{migration.Name}.sql was changed after it was applied on {existing.AppliedAt:u}. " +
        "Applied migrations are immutable: restore the file and add a new migration for the change.");

    /// <summary>The migrations recorded as applied (empty when the table does not exist yet).</summary>
    public static async Task<IReadOnlyList<AppliedMigration>> AppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT to_regclass('schema_migrations') IS NOT NULL", cancellationToken: cancellationToken));
        if (!exists)
        {
            return [];
        }

        return (await connection.QueryAsync<AppliedMigration>(new CommandDefinition(
            "SELECT version, name, checksum, applied_at AS AppliedAt FROM schema_migrations ORDER BY version", cancellationToken: cancellationToken))).AsList();
    }

    async Task SetSessionSettingsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // The SQL files read their settings from these transaction-local variables (see 0002_time_series.sql).
        var settings = new Dictionary<string, string>
        {
            ["airq.timescale"] = options.Timescale,
            ["airq.chunk_interval"] = Interval(options.ChunkInterval),
            ["airq.compress_after"] = Interval(options.CompressAfter),
            ["airq.retain_for"] = Interval(options.RetainFor),
            ["airq.partition_months_ahead"] = options.PartitionMonthsAhead.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in settings)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "SELECT set_config(@name, @value, true)", new { name, value }, transaction, cancellationToken: cancellationToken));
        }
    }

    static string Interval(TimeSpan span) => $"{(long)span.TotalSeconds} seconds";

    static List<Migration> LoadEmbedded()
    {
        var assembly = typeof(Migrator).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("migrations/", StringComparison.Ordinal)))
        {
            var file = resource["migrations/".Length..];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            if (underscore < 1 || !int.TryParse(file[..underscore], out var version) || !file.EndsWith(".sql", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Migration file '{file}' must be named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(new Migration(version, file[(underscore + 1)..^4], reader.ReadToEnd()));
        }

        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two migration files share version {duplicate.Key:0000}: {string.Join(", ", duplicate.Select(m => m.Name))}.");
        }

        return migrations.OrderBy(m => m.Version).ToList();
    }
}

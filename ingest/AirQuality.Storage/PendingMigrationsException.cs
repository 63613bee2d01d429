namespace AirQuality.Storage;

/// <summary>
/// The database's schema is behind this program: <see cref="Pending"/> lists the migrations not applied yet (every one
/// when the database was never migrated). Thrown by <see cref="Migrator.EnsureUpToDateAsync"/>, which changes nothing.
/// </summary>
/// <remarks>The message describes the state only; the caller says how to apply them (the CLI names its command).</remarks>
public sealed class PendingMigrationsException(IReadOnlyList<Migration> pending, bool neverMigrated)
    : InvalidOperationException(Describe(pending, neverMigrated))
{
    /// <summary>The migrations not applied yet, in version order.</summary>
    public IReadOnlyList<Migration> Pending { get; } = pending;

    /// <summary>True when the database has no <c>schema_migrations</c> table at all.</summary>
    public bool NeverMigrated { get; } = neverMigrated;

    static string Describe(IReadOnlyList<Migration> pending, bool neverMigrated) =>
        $"{(neverMigrated ? "the database has never been migrated: " : "")}{pending.Count} migration{(pending.Count == 1 ? "" : "s")} pending " +
        $"({string.Join(", ", pending.Select(m => $"{m.Version:0000}_{m.Name}"))})";
}

namespace AirQuality.Storage;

/// <summary>Where the database is and how the time-series tables are laid out. Section <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    /// <summary>
    /// Npgsql connection string of the server to use. Default: empty, meaning a private PostgreSQL cluster
    /// under <see cref="DataDirectory"/>. Environment: <c>AIRQ_DB</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Folder of the private cluster used when no connection string is set. Default <c>.airq/pg</c>, relative to the working directory.</summary>
    public string DataDirectory { get; set; } = Path.Combine(".airq", "pg");

    /// <summary>Whether to use TimescaleDB: <c>auto</c> (default) uses it when the extension is available, <c>off</c> never does.</summary>
    public string Timescale { get; set; } = "auto";

    /// <summary>TimescaleDB chunk interval of the time-series tables. Default 7 days.</summary>
    public TimeSpan ChunkInterval { get; set; } = TimeSpan.FromDays(7);

    /// <summary>TimescaleDB: compress chunks older than this. Default 30 days.</summary>
    public TimeSpan CompressAfter { get; set; } = TimeSpan.FromDays(30);

    /// <summary>TimescaleDB: drop raw chunks older than this; zero keeps them forever. Default zero: year-over-year figures need last year's raw data.</summary>
    public TimeSpan RetainFor { get; set; } = TimeSpan.Zero;

    /// <summary>Plain PostgreSQL: monthly partitions created ahead of the current month. Default 3.</summary>
    public int PartitionMonthsAhead { get; set; } = 3;

    /// <summary>Throws when a setting is out of range, with a sentence saying what is allowed.</summary>
    public DatabaseOptions Validate()
    {
        if (Timescale is not ("auto" or "off"))
        {
            throw new ArgumentOutOfRangeException(nameof(Timescale), Timescale, "Database:Timescale must be 'auto' or 'off'.");
        }

        if (ChunkInterval < TimeSpan.FromHours(1) || ChunkInterval > TimeSpan.FromDays(366))
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkInterval), ChunkInterval, "Database:ChunkInterval must be between 1 hour and 366 days.");
        }

        if (CompressAfter < TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(CompressAfter), CompressAfter, "Database:CompressAfter must be at least 1 hour.");
        }

        if (RetainFor < TimeSpan.Zero || (RetainFor > TimeSpan.Zero && RetainFor < TimeSpan.FromDays(400)))
        {
            throw new ArgumentOutOfRangeException(nameof(RetainFor), RetainFor, "Database:RetainFor must be zero (keep forever) or at least 400 days, so that year-over-year comparisons keep their data.");
        }

        if (PartitionMonthsAhead is < 1 or > 36)
        {
            throw new ArgumentOutOfRangeException(nameof(PartitionMonthsAhead), PartitionMonthsAhead, "Database:PartitionMonthsAhead must be between 1 and 36.");
        }

        return this;
    }
}

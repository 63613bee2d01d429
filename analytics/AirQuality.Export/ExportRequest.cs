namespace AirQuality.Export;

/// <summary>What to export: a table, the local days [<paramref name="From"/>, <paramref name="To"/>] (both included), optionally one district.</summary>
public sealed record ExportRequest(ExportTable Table, DateOnly From, DateOnly To, string? District, ExportFormat Format, TimeZoneInfo Zone)
{
    /// <summary>Rows per batch (an Arrow record batch, a Parquet row group).</summary>
    public int BatchRows { get; init; } = 65_536;

    public void Validate()
    {
        if (To < From)
        {
            throw new ArgumentException($"The period ends ({To:yyyy-MM-dd}) before it starts ({From:yyyy-MM-dd}).");
        }

        if (District is not null && !Table.HasDistrict)
        {
            throw new ArgumentException($"{Table.Name} is city-wide: it cannot be exported for one district.");
        }

        if (BatchRows is < 1 or > 1_000_000)
        {
            throw new ArgumentException("Rows per batch must be between 1 and 1,000,000.");
        }
    }
}

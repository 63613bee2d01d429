namespace AirQuality.Export;

/// <summary>How a PostgreSQL column is carried in the file (named after PostgreSQL's types).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "PostgreSQL's own type names (int8), which readers of the schema know.")]
public enum ExportKind
{
    Text,
    /// <summary>timestamptz, as microseconds since the epoch, UTC.</summary>
    Timestamp,
    Date,
    Float4,
    Float8,
    Int2,
    Int4,
    Int8,
    Boolean,
    /// <summary>Arrays and jsonb, as JSON text (an array of strings stays readable by every tool, and json.loads turns it back).</summary>
    Json,
}

/// <summary>A column of an export: its name, how it is carried, and its unit when its name says one.</summary>
public sealed record ExportColumn(string Name, ExportKind Kind, string? Unit)
{
    /// <summary>The kind for a column of PostgreSQL type <paramref name="dataTypeName"/> (as Npgsql names it).</summary>
    public static ExportKind KindOf(string dataTypeName) => dataTypeName switch
    {
        "text" or "character varying" or "character" => ExportKind.Text,
        "timestamp with time zone" => ExportKind.Timestamp,
        "date" => ExportKind.Date,
        "real" => ExportKind.Float4,
        "double precision" or "numeric" => ExportKind.Float8,
        "smallint" => ExportKind.Int2,
        "integer" => ExportKind.Int4,
        "bigint" => ExportKind.Int8,
        "boolean" => ExportKind.Boolean,
        "jsonb" or "json" => ExportKind.Json,
        _ when dataTypeName.EndsWith("[]", StringComparison.Ordinal) => ExportKind.Json,
        _ => throw new NotSupportedException($"Columns of type {dataTypeName} cannot be exported yet."),
    };

    /// <summary>The unit the schema's naming convention puts in a column's suffix (docs/schema.md).</summary>
    public static string? UnitOf(string name) =>
        name.EndsWith("_ugm3", StringComparison.Ordinal) ? "µg/m³"
        : name.EndsWith("_mgm3", StringComparison.Ordinal) ? "mg/m³"
        : name.EndsWith("_c", StringComparison.Ordinal) ? "°C"
        : name.EndsWith("_pct", StringComparison.Ordinal) ? "%"
        : name.EndsWith("_ms", StringComparison.Ordinal) ? "m/s"
        : name.EndsWith("_deg", StringComparison.Ordinal) ? "degrees clockwise from north, the direction the wind blows from"
        : name.EndsWith("_hpa", StringComparison.Ordinal) ? "hPa"
        : null;
}

using Apache.Arrow;
using Apache.Arrow.Types;

namespace AirQuality.Aggregation.Columns;

/// <summary>
/// The Arrow schema of a batch of sensor readings: <c>sensor_id</c> dictionary-encoded (int32 indexes into the
/// sensor ids), <c>observed_at</c> as timestamp[us, UTC], then one nullable float32 column per
/// <see cref="Pollutant"/> in <see cref="Pollutants.All"/> order, named like the database columns.
/// </summary>
/// <remarks>
/// A missing concentration is null in the column's validity bitmap, so any Arrow reader (pandas, polars, DuckDB)
/// averages it as SQL does. Each pollutant field carries its unit in the metadata key <c>unit</c>.
/// </remarks>
public static class ReadingSchema
{
    public const int SensorColumn = 0;
    public const int ObservedAtColumn = 1;
    public const int FirstPollutantColumn = 2;

    public static readonly DictionaryType SensorType = new(Int32Type.Default, StringType.Default, false);

    public static readonly TimestampType ObservedAtType = new(TimeUnit.Microsecond, "UTC");

    public static Schema Schema { get; } = Build();

    /// <summary>The column of <paramref name="pollutant"/> in a reading batch.</summary>
    public static int ColumnOf(Pollutant pollutant) => FirstPollutantColumn + (int)pollutant;

    static Schema Build()
    {
        var builder = new Schema.Builder()
            .Field(new Field("sensor_id", SensorType, false))
            .Field(new Field("observed_at", ObservedAtType, false));
        foreach (var p in Pollutants.All)
        {
            builder.Field(new Field(p.Column(), FloatType.Default, true, [new("unit", p.Unit())]));
        }

        return builder.Build();
    }
}

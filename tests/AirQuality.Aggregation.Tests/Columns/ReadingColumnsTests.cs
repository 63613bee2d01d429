using AirQuality.Aggregation;
using AirQuality.Aggregation.Columns;
using Apache.Arrow;
using Apache.Arrow.Types;
using Xunit;

namespace AirQuality.Aggregation.Tests.Columns;

public sealed class ReadingColumnsTests
{
    [Fact]
    public void The_record_batch_is_typed_as_the_schema_says_and_a_missing_value_is_null_not_NaN()
    {
        var columns = new ReadingColumns(["A", "B"], 4);
        columns.Add(0, 3_600_000_000, [12.5f, float.NaN, 40, 5, 60, 0.4f]);
        columns.Add(1, 7_200_000_000, [float.NaN, 20, 41, 6, 61, 0.5f]);

        var batch = columns.ToRecordBatch();

        Assert.Equal(2, batch.Length);
        var sensor = Assert.IsType<DictionaryArray>(batch.Column("sensor_id"));
        Assert.Equal(ArrowTypeId.Int32, ((DictionaryType)sensor.Data.DataType).IndexType.TypeId);
        Assert.Equal("B", ((StringArray)sensor.Dictionary).GetString(((Int32Array)sensor.Indices).GetValue(1)!.Value));
        var observedAt = Assert.IsType<TimestampArray>(batch.Column("observed_at"));
        var type = (TimestampType)observedAt.Data.DataType;
        Assert.Equal((TimeUnit.Microsecond, "UTC"), (type.Unit, type.Timezone));
        Assert.Equal(new DateTimeOffset(1970, 1, 1, 2, 0, 0, TimeSpan.Zero), observedAt.GetTimestamp(1));
        var pm25 = Assert.IsType<FloatArray>(batch.Column("pm25_ugm3"));
        Assert.Equal([12.5f, null], pm25.ToArray());
        Assert.Equal(1, pm25.NullCount);
        Assert.Equal(0, pm25.Values[1]); // nothing NaN for a reader that ignores the bitmap to average
        Assert.Equal("µg/m³", batch.Schema.GetFieldByName("pm25_ugm3").Metadata["unit"]);
        Assert.Equal(0, ((FloatArray)batch.Column("no2_ugm3")).NullCount);
    }

    [Fact]
    public void The_record_batch_wraps_the_filled_arrays_rather_than_copying_them()
    {
        var columns = new ReadingColumns(["A"], 2);
        columns.Add(0, 3_600_000_000, [1, 2, 3, 4, 5, 6]);

        var batch = columns.ToRecordBatch();
        columns.Add(0, 3_600_000_001, [7, 8, 9, 10, 11, 12]);

        Assert.Equal(1, batch.Length); // the rows it was made with ...
        Assert.Equal(7f, ((FloatArray)columns.ToRecordBatch().Column("pm25_ugm3")).GetValue(1));
        // ... over the same memory: the array's buffer is the column's memory, one float past the batch's end.
        var values = ((FloatArray)batch.Column("pm25_ugm3")).ValueBuffer.Span;
        Assert.Equal(2 * sizeof(float), values.Length);
        Assert.Equal(7f, BitConverter.ToSingle(values[sizeof(float)..]));
    }
}

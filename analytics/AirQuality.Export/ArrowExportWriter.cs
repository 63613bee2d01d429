using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;

namespace AirQuality.Export;

/// <summary>An Arrow IPC file (the random-access "file" format, <c>.arrow</c>): one record batch per <see cref="ColumnBatch"/>.</summary>
public sealed class ArrowExportWriter : IExportWriter
{
    static readonly TimestampType Utc = new(TimeUnit.Microsecond, "UTC");

    readonly Stream _stream;
    readonly Schema _schema;
    readonly ArrowFileWriter _writer;

    public ArrowExportWriter(Stream stream, IReadOnlyList<ExportColumn> columns, IReadOnlyDictionary<string, string> metadata)
    {
        _stream = stream;
        var schema = new Schema.Builder();
        foreach (var column in columns)
        {
            schema.Field(f =>
            {
                f.Name(column.Name).DataType(TypeOf(column.Kind)).Nullable(true);
                if (column.Unit is not null)
                {
                    f.Metadata("unit", column.Unit);
                }

                if (column.Kind == ExportKind.Json)
                {
                    f.Metadata("encoding", "json");
                }
            });
        }

        foreach (var (key, value) in metadata)
        {
            schema.Metadata(key, value);
        }

        _schema = schema.Build();
        _writer = new ArrowFileWriter(stream, _schema, leaveOpen: true);
    }

    public async Task WriteAsync(ColumnBatch batch, CancellationToken cancellationToken)
    {
        var arrays = new IArrowArray[batch.Columns.Count];
        for (var i = 0; i < arrays.Length; i++)
        {
            arrays[i] = Build(batch, i);
        }

        using var record = new RecordBatch(_schema, arrays, batch.Count);
        await _writer.WriteRecordBatchAsync(record, cancellationToken);
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await _writer.WriteEndAsync(cancellationToken);
        await _stream.FlushAsync(cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        _writer.Dispose();
        return ValueTask.CompletedTask;
    }

    static IArrowType TypeOf(ExportKind kind) => kind switch
    {
        ExportKind.Text or ExportKind.Json => StringType.Default,
        ExportKind.Timestamp => Utc,
        ExportKind.Date => Date32Type.Default,
        ExportKind.Float4 => FloatType.Default,
        ExportKind.Float8 => DoubleType.Default,
        ExportKind.Int2 => Int16Type.Default,
        ExportKind.Int4 => Int32Type.Default,
        ExportKind.Int8 => Int64Type.Default,
        ExportKind.Boolean => BooleanType.Default,
        _ => throw new NotSupportedException(kind.ToString()),
    };

    static IArrowArray Build(ColumnBatch batch, int column)
    {
        var n = batch.Count;
        switch (batch.Columns[column].Kind)
        {
            case ExportKind.Text or ExportKind.Json:
                var texts = new StringArray.Builder();
                foreach (var v in batch.Texts(column).AsSpan(0, n))
                {
                    if (v is null) { texts.AppendNull(); } else { texts.Append(v); }
                }

                return texts.Build();
            case ExportKind.Timestamp:
                var times = new TimestampArray.Builder(Utc);
                foreach (var v in batch.Values<DateTime>(column).AsSpan(0, n))
                {
                    if (v is { } t) { times.Append(new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc))); } else { times.AppendNull(); }
                }

                return times.Build();
            case ExportKind.Date:
                var dates = new Date32Array.Builder();
                foreach (var v in batch.Values<DateOnly>(column).AsSpan(0, n))
                {
                    if (v is { } d) { dates.Append(d); } else { dates.AppendNull(); }
                }

                return dates.Build();
            case ExportKind.Float4: return Fill(new FloatArray.Builder(), batch.Values<float>(column), n).Build();
            case ExportKind.Float8: return Fill(new DoubleArray.Builder(), batch.Values<double>(column), n).Build();
            case ExportKind.Int2: return Fill(new Int16Array.Builder(), batch.Values<short>(column), n).Build();
            case ExportKind.Int4: return Fill(new Int32Array.Builder(), batch.Values<int>(column), n).Build();
            case ExportKind.Int8: return Fill(new Int64Array.Builder(), batch.Values<long>(column), n).Build();
            case ExportKind.Boolean:
                var flags = new BooleanArray.Builder();
                foreach (var v in batch.Values<bool>(column).AsSpan(0, n))
                {
                    if (v is { } b) { flags.Append(b); } else { flags.AppendNull(); }
                }

                return flags.Build();
            default:
                throw new NotSupportedException(batch.Columns[column].Kind.ToString());
        }
    }

    static PrimitiveArrayBuilder<T, TArray, TBuilder> Fill<T, TArray, TBuilder>(PrimitiveArrayBuilder<T, TArray, TBuilder> builder, T?[] values, int n)
        where T : struct
        where TArray : IArrowArray
        where TBuilder : class, IArrowArrayBuilder<TArray>
    {
        foreach (var v in values.AsSpan(0, n))
        {
            if (v is { } x) { builder.Append(x); } else { builder.AppendNull(); }
        }

        return builder;
    }
}

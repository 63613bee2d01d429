using Parquet;
using Parquet.Schema;

namespace AirQuality.Export;

/// <summary>A Parquet file: one row group per <see cref="ColumnBatch"/>, units in each column's metadata and the export's in the file's.</summary>
public sealed class ParquetExportWriter : IExportWriter
{
    readonly Stream _stream;
    readonly IReadOnlyList<ExportColumn> _columns;
    readonly IReadOnlyDictionary<string, string> _metadata;
    readonly DataField[] _fields;
    ParquetWriter? _writer;

    public ParquetExportWriter(Stream stream, IReadOnlyList<ExportColumn> columns, IReadOnlyDictionary<string, string> metadata)
    {
        _stream = stream;
        _columns = columns;
        _metadata = metadata;
        _fields = [.. columns.Select(c => FieldOf(c))];
    }

    public async Task WriteAsync(ColumnBatch batch, CancellationToken cancellationToken)
    {
        _writer ??= await CreateAsync(cancellationToken);
        using var group = _writer.CreateRowGroup();
        var n = batch.Count;
        for (var i = 0; i < _columns.Count; i++)
        {
            var field = _fields[i];
            var unit = _columns[i].Unit is { } u ? new Dictionary<string, string> { ["unit"] = u } : null;
            switch (_columns[i].Kind)
            {
                case ExportKind.Text or ExportKind.Json: await group.WriteAsync(field, batch.Texts(i)[..n]); break;
                case ExportKind.Timestamp: await group.WriteAsync<DateTime>(field, batch.Values<DateTime>(i).AsMemory(0, n), null, unit, cancellationToken); break;
                case ExportKind.Date: await group.WriteAsync<DateOnly>(field, batch.Values<DateOnly>(i).AsMemory(0, n), null, unit, cancellationToken); break;
                case ExportKind.Float4: await group.WriteAsync<float>(field, batch.Values<float>(i).AsMemory(0, n), null, unit, cancellationToken); break;
                case ExportKind.Float8: await group.WriteAsync<double>(field, batch.Values<double>(i).AsMemory(0, n), null, unit, cancellationToken); break;
                case ExportKind.Int2: await group.WriteAsync<short>(field, batch.Values<short>(i).AsMemory(0, n), null, unit, cancellationToken); break;
                case ExportKind.Int4: await group.WriteAsync<int>(field, batch.Values<int>(i).AsMemory(0, n), null, unit, cancellationToken); break;
                case ExportKind.Int8: await group.WriteAsync<long>(field, batch.Values<long>(i).AsMemory(0, n), null, unit, cancellationToken); break;
                case ExportKind.Boolean: await group.WriteAsync<bool>(field, batch.Values<bool>(i).AsMemory(0, n), null, unit, cancellationToken); break;
                default: throw new NotSupportedException(_columns[i].Kind.ToString());
            }
        }
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        // An export with no rows is still a file with the schema.
        _writer ??= await CreateAsync(cancellationToken);
        await _writer.DisposeAsync();
        _writer = null;
        await _stream.FlushAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }
    }

    async Task<ParquetWriter> CreateAsync(CancellationToken cancellationToken)
    {
        var writer = await ParquetWriter.CreateAsync(new ParquetSchema(_fields), _stream, cancellationToken: cancellationToken);
        writer.CustomMetadata = _metadata.ToDictionary();
        return writer;
    }

    static DataField FieldOf(ExportColumn column) => column.Kind switch
    {
        ExportKind.Text or ExportKind.Json => new DataField<string>(column.Name, true),
        ExportKind.Timestamp => new DateTimeDataField(column.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true),
        ExportKind.Date => new DataField<DateOnly?>(column.Name),
        ExportKind.Float4 => new DataField<float?>(column.Name),
        ExportKind.Float8 => new DataField<double?>(column.Name),
        ExportKind.Int2 => new DataField<short?>(column.Name),
        ExportKind.Int4 => new DataField<int?>(column.Name),
        ExportKind.Int8 => new DataField<long?>(column.Name),
        ExportKind.Boolean => new DataField<bool?>(column.Name),
        _ => throw new NotSupportedException(column.Kind.ToString()),
    };
}

using System.Text.Json;
using Npgsql;

namespace AirQuality.Export;

/// <summary>
/// Up to <see cref="Capacity"/> rows of an export, one typed array per column (null where the database has NULL), reused
/// from batch to batch so that a year of readings never sits in memory at once.
/// </summary>
public sealed class ColumnBatch
{
    readonly Array[] _values;

    public ColumnBatch(IReadOnlyList<ExportColumn> columns, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Columns = columns;
        Capacity = capacity;
        _values = [.. columns.Select(c => c.Kind switch
        {
            ExportKind.Text or ExportKind.Json => (Array)new string?[capacity],
            ExportKind.Timestamp => new DateTime?[capacity],
            ExportKind.Date => new DateOnly?[capacity],
            ExportKind.Float4 => new float?[capacity],
            ExportKind.Float8 => new double?[capacity],
            ExportKind.Int2 => new short?[capacity],
            ExportKind.Int4 => new int?[capacity],
            ExportKind.Int8 => new long?[capacity],
            ExportKind.Boolean => new bool?[capacity],
            _ => throw new NotSupportedException(c.Kind.ToString()),
        })];
    }

    public IReadOnlyList<ExportColumn> Columns { get; }

    public int Capacity { get; }

    public int Count { get; private set; }

    public bool IsFull => Count == Capacity;

    /// <summary>The values of column <paramref name="column"/>, of which the first <see cref="Count"/> are this batch's.</summary>
    public T?[] Values<T>(int column) where T : struct => (T?[])_values[column];

    /// <summary>The text values of column <paramref name="column"/> (text and JSON columns).</summary>
    public string?[] Texts(int column) => (string?[])_values[column];

    public void Clear() => Count = 0;

    /// <summary>Appends the reader's current row.</summary>
    public void Add(NpgsqlDataReader reader)
    {
        if (IsFull)
        {
            throw new InvalidOperationException("The batch is full.");
        }

        for (var i = 0; i < Columns.Count; i++)
        {
            var isNull = reader.IsDBNull(i);
            switch (Columns[i].Kind)
            {
                case ExportKind.Text: Texts(i)[Count] = isNull ? null : reader.GetString(i); break;
                case ExportKind.Json: Texts(i)[Count] = isNull ? null : AsJson(reader, i); break;
                case ExportKind.Timestamp: Values<DateTime>(i)[Count] = isNull ? null : reader.GetFieldValue<DateTime>(i); break;
                case ExportKind.Date: Values<DateOnly>(i)[Count] = isNull ? null : reader.GetFieldValue<DateOnly>(i); break;
                case ExportKind.Float4: Values<float>(i)[Count] = isNull ? null : reader.GetFloat(i); break;
                case ExportKind.Float8: Values<double>(i)[Count] = isNull ? null : Convert.ToDouble(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture); break;
                case ExportKind.Int2: Values<short>(i)[Count] = isNull ? null : reader.GetInt16(i); break;
                case ExportKind.Int4: Values<int>(i)[Count] = isNull ? null : reader.GetInt32(i); break;
                case ExportKind.Int8: Values<long>(i)[Count] = isNull ? null : reader.GetInt64(i); break;
                case ExportKind.Boolean: Values<bool>(i)[Count] = isNull ? null : reader.GetBoolean(i); break;
                default: throw new NotSupportedException(Columns[i].Kind.ToString());
            }
        }

        Count++;
    }

    static string AsJson(NpgsqlDataReader reader, int i) =>
        reader.GetDataTypeName(i) is "jsonb" or "json"
            ? reader.GetString(i)
            : JsonSerializer.Serialize(((Array)reader.GetValue(i)).Cast<object?>().Select(v => v?.ToString()));
}

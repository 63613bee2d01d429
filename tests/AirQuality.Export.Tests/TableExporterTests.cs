using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using AirQuality.Tests.Support;
using Npgsql;
using Parquet;
using Parquet.Schema;
using Xunit;

namespace AirQuality.Export.Tests;

/// <summary>
/// Exports of a small city (four days of readings, aggregated, with anomalies and flags) read back with Arrow's own
/// reader and with Parquet.Net, and compared value by value, NULLs included, with what SQL returns for the same rows.
/// </summary>
public sealed class TableExporterTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    static readonly DateOnly From = ReportCity.Day.AddDays(-2);

    [Theory]
    [InlineData("readings", ExportFormat.Arrow, null)]
    [InlineData("readings", ExportFormat.Parquet, "D1")]
    [InlineData("sensor_hourly_means", ExportFormat.Parquet, null)]
    [InlineData("sensor_daily", ExportFormat.Arrow, "D2")]
    [InlineData("district_daily", ExportFormat.Parquet, null)]
    [InlineData("city_daily", ExportFormat.Arrow, null)]
    [InlineData("anomalies", ExportFormat.Arrow, "D1")]
    [InlineData("source_flags", ExportFormat.Parquet, null)]
    public async Task The_file_holds_exactly_the_rows_sql_returns_for_the_period_and_district(string table, ExportFormat format, string? district)
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db);
        var request = new ExportRequest(ExportTable.Find(table), From, ReportCity.Day, district, format, Zone) { BatchRows = 100 };
        using var file = new MemoryStream();
        var progress = new List<long>();

        var rows = await new TableExporter(db).ExportAsync(request, file, progress.Add, CancellationToken.None);

        var expected = await SqlRowsAsync(db, table, district);
        Assert.True(expected.Count > 0, $"the test city has no {table} rows in the period");
        Assert.Equal(expected.Count, rows);
        // Progress after every batch of 100, ending at the total.
        Assert.Equal(rows, progress[^1]);
        Assert.Equal((int)Math.Ceiling(rows / 100.0), progress.Count);
        file.Position = 0;
        var (columns, actual, units, metadata) = format == ExportFormat.Arrow ? await ReadArrowAsync(file) : await ReadParquetAsync(file);
        Assert.Equal(expected.Columns, columns);
        Assert.Equal(expected.Rows, actual);
        Assert.Equal(table, metadata["airq.table"]);
        Assert.Equal("Asia/Shanghai", metadata["airq.time_zone"]);
        Assert.All(columns.Where(c => c.StartsWith("pm25_ugm3", StringComparison.Ordinal)), c => Assert.Equal("µg/m³", units[c]));
        if (table == "readings")
        {
            Assert.Equal("%", units["relative_humidity_pct"]);
        }
    }

    [Fact]
    public async Task A_city_wide_view_refuses_a_district_and_a_period_must_not_end_before_it_starts()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var exporter = new TableExporter(db);
        var cityWide = await Assert.ThrowsAsync<ArgumentException>(() => exporter.ExportAsync(
            new ExportRequest(ExportTable.Find("city_daily"), From, ReportCity.Day, "D1", ExportFormat.Arrow, Zone), new MemoryStream(), null, CancellationToken.None));
        Assert.Contains("city-wide", cityWide.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => exporter.ExportAsync(
            new ExportRequest(ExportTable.Find("readings"), ReportCity.Day, From, null, ExportFormat.Arrow, Zone), new MemoryStream(), null, CancellationToken.None));
        var unknown = Assert.Throws<ArgumentException>(() => ExportTable.Find("pg_authid"));
        Assert.Contains("sensor_hourly_means", unknown.Message, StringComparison.Ordinal);
    }

    /// <summary>The rows as SQL gives them, every value as invariant text (NULL as null), in the export's order.</summary>
    static async Task<(List<string> Columns, List<List<string?>> Rows, int Count)> SqlRowsAsync(NpgsqlDataSource db, string table, string? district)
    {
        // Written independently of ExportTable: the same period and district rules, spelled out per table.
        var from = From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = ReportCity.Day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var sql = table switch
        {
            "readings" => $"SELECT * FROM sensor_readings WHERE observed_at >= '{from} 00:00+08' AND observed_at < '{to} 00:00+08' {(district is null ? "" : $"AND sensor_id IN (SELECT sensor_id FROM sensors WHERE district_id = '{district}')")} ORDER BY observed_at, sensor_id",
            "sensor_hourly_means" => $"SELECT * FROM sensor_hourly_means WHERE hour_start >= '{from} 00:00+08' AND hour_start < '{to} 00:00+08' ORDER BY hour_start, sensor_id",
            "sensor_daily" => $"SELECT * FROM sensor_daily WHERE day BETWEEN '{from}' AND '{ReportCity.Day:yyyy-MM-dd}' AND district_id = '{district}' ORDER BY day, sensor_id",
            "district_daily" => $"SELECT * FROM district_daily WHERE day BETWEEN '{from}' AND '{ReportCity.Day:yyyy-MM-dd}' ORDER BY day, district_id",
            "city_daily" => $"SELECT * FROM city_daily WHERE day BETWEEN '{from}' AND '{ReportCity.Day:yyyy-MM-dd}' ORDER BY day",
            "anomalies" => $"SELECT * FROM anomalies WHERE day BETWEEN '{from}' AND '{ReportCity.Day:yyyy-MM-dd}' AND '{district}' = ANY (district_ids) ORDER BY day, anomaly_id",
            "source_flags" => $"SELECT * FROM source_flags WHERE day BETWEEN '{from}' AND '{ReportCity.Day:yyyy-MM-dd}' ORDER BY day, flag_id",
            _ => throw new ArgumentOutOfRangeException(nameof(table)),
        };
        await using var connection = await db.OpenConnectionAsync();
#pragma warning disable CA2100 // test-only SQL built from the constants above
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        await using var reader = await command.ExecuteReaderAsync();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<List<string?>>();
        while (await reader.ReadAsync())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : Text(reader.GetValue(i)))]);
        }

        return (columns, rows, rows.Count);
    }

    static async Task<(List<string>, List<List<string?>>, Dictionary<string, string>, IReadOnlyDictionary<string, string>)> ReadArrowAsync(Stream file)
    {
        using var reader = new ArrowFileReader(file, leaveOpen: true);
        var rows = new List<List<string?>>();
        while (await reader.ReadNextRecordBatchAsync() is { } batch)
        {
            using (batch)
            {
                for (var r = 0; r < batch.Length; r++)
                {
                    rows.Add([.. Enumerable.Range(0, batch.ColumnCount).Select(c => ArrowValue(batch.Column(c), r))]);
                }
            }
        }

        var schema = reader.Schema;
        var units = schema.FieldsList.Where(f => f.HasMetadata && f.Metadata.ContainsKey("unit")).ToDictionary(f => f.Name, f => f.Metadata["unit"]);
        return ([.. schema.FieldsList.Select(f => f.Name)], rows, units, schema.Metadata);
    }

    static string? ArrowValue(IArrowArray array, int row) => array.IsNull(row) ? null : array switch
    {
        StringArray a => a.GetString(row),
        TimestampArray a => Text(a.GetTimestamp(row)!.Value.UtcDateTime),
        Date32Array a => Text(a.GetDateOnly(row)!.Value),
        FloatArray a => Text(a.GetValue(row)!.Value),
        DoubleArray a => Text(a.GetValue(row)!.Value),
        Int16Array a => Text(a.GetValue(row)!.Value),
        Int32Array a => Text(a.GetValue(row)!.Value),
        Int64Array a => Text(a.GetValue(row)!.Value),
        BooleanArray a => Text(a.GetValue(row)!.Value),
        _ => throw new NotSupportedException(array.GetType().Name),
    };

    static async Task<(List<string>, List<List<string?>>, Dictionary<string, string>, IReadOnlyDictionary<string, string>)> ReadParquetAsync(Stream file)
    {
        await using var reader = await ParquetReader.CreateAsync(file, leaveStreamOpen: true);
        var fields = reader.Schema.GetDataFields();
        var rows = new List<List<string?>>();
        var units = new Dictionary<string, string>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var columns = new List<string?[]>();
            foreach (var field in fields)
            {
                columns.Add(await ReadColumnAsync(group, field));
                if (group.GetCustomMetadata(field) is { } meta && meta.TryGetValue("unit", out var unit))
                {
                    units[field.Name] = unit;
                }
            }

            for (var r = 0; r < columns[0].Length; r++)
            {
                rows.Add([.. columns.Select(c => c[r])]);
            }
        }

        return ([.. fields.Select(f => f.Name)], rows, units, reader.CustomMetadata);
    }

    static async Task<string?[]> ReadColumnAsync(ParquetRowGroupReader group, DataField field)
    {
        var n = checked((int)group.RowCount);
        if (field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>))
        {
            var texts = new string?[n];
            await group.ReadAsync(field, texts.AsMemory());
            return texts;
        }

        return field.ClrType switch
        {
            // A DATE column (a date logical type in the file) reads back as midnight DateTimes.
            var t when t == typeof(DateTime) && field is DateTimeDataField { DateTimeFormat: DateTimeFormat.Date } => await ReadDatesAsync(group, field, n),
            var t when t == typeof(DateTime) => await ReadAsync<DateTime>(group, field, n),
            var t when t == typeof(DateOnly) => await ReadAsync<DateOnly>(group, field, n),
            var t when t == typeof(float) => await ReadAsync<float>(group, field, n),
            var t when t == typeof(double) => await ReadAsync<double>(group, field, n),
            var t when t == typeof(short) => await ReadAsync<short>(group, field, n),
            var t when t == typeof(int) => await ReadAsync<int>(group, field, n),
            var t when t == typeof(long) => await ReadAsync<long>(group, field, n),
            var t when t == typeof(bool) => await ReadAsync<bool>(group, field, n),
            var t => throw new NotSupportedException(t.Name),
        };
    }

    static async Task<string?[]> ReadDatesAsync(ParquetRowGroupReader group, DataField field, int n)
    {
        var values = new DateTime?[n];
        await group.ReadAsync<DateTime>(field, values.AsMemory());
        return [.. values.Select(v => v is { } x ? Text(DateOnly.FromDateTime(x)) : null)];
    }

    static async Task<string?[]> ReadAsync<T>(ParquetRowGroupReader group, DataField field, int n) where T : struct
    {
        var values = new T?[n];
        await group.ReadAsync<T>(field, values.AsMemory());
        return [.. values.Select(v => v is { } x ? Text(x) : null)];
    }

    static string Text(object value) => value switch
    {
        DateTime t => t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        string s => s,
        System.Array a => System.Text.Json.JsonSerializer.Serialize(a.Cast<object?>().Select(v => v?.ToString())),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };
}

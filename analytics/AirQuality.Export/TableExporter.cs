using System.Data;
using AirQuality.Aggregation.Daily;
using Npgsql;

namespace AirQuality.Export;

/// <summary>
/// Streams one table or view for a period from PostgreSQL into an Arrow or Parquet file, a batch at a time, with the
/// units in each field's metadata and, in the file's, what was exported and which air-quality standards judged it.
/// </summary>
public sealed class TableExporter(NpgsqlDataSource dataSource)
{
    /// <summary>Writes the export to <paramref name="output"/>; returns the rows written. <paramref name="progress"/> hears the rows so far after each batch.</summary>
    public async Task<long> ExportAsync(ExportRequest request, Stream output, Action<long>? progress, CancellationToken cancellationToken)
    {
        request.Validate();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["airq.table"] = request.Table.Name,
            ["airq.from"] = request.From.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["airq.to"] = request.To.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["airq.time_zone"] = request.Zone.Id,
            ["airq.timestamps"] = "UTC",
        };
        if (request.District is not null)
        {
            metadata["airq.district"] = request.District;
        }

#pragma warning disable CA2100 // The SQL is one of ExportTable's constants (its constructor is private); the period and district are parameters.
        await using var command = new NpgsqlCommand(request.Table.Sql, connection);
#pragma warning restore CA2100
        if (request.Table.PeriodIsTimestamp)
        {
            command.Parameters.AddWithValue("from", LocalDays.StartOf(request.From, request.Zone).UtcDateTime);
            command.Parameters.AddWithValue("to", LocalDays.StartOf(request.To.AddDays(1), request.Zone).UtcDateTime);
        }
        else
        {
            command.Parameters.AddWithValue("from", request.From);
            command.Parameters.AddWithValue("to", request.To.AddDays(1));
        }

        command.Parameters.Add(new NpgsqlParameter<string?>("district", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = request.District });
        // The server holds the result; the reader streams it row by row, so memory stays at one batch.
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        var columns = Enumerable.Range(0, reader.FieldCount)
            .Select(i => new ExportColumn(reader.GetName(i), ExportColumn.KindOf(reader.GetDataTypeName(i)), ExportColumn.UnitOf(reader.GetName(i))))
            .ToList();
        if (columns.Any(c => c.Name == "standard_version"))
        {
            metadata["airq.standard_version"] = "per row, in the column standard_version (docs/aggregation.md)";
        }

        await using IExportWriter writer = request.Format == ExportFormat.Arrow
            ? new ArrowExportWriter(output, columns, metadata)
            : new ParquetExportWriter(output, columns, metadata);
        var batch = new ColumnBatch(columns, request.BatchRows);
        var rows = 0L;
        while (await reader.ReadAsync(cancellationToken))
        {
            batch.Add(reader);
            if (batch.IsFull)
            {
                rows += await FlushAsync(writer, batch, cancellationToken);
                progress?.Invoke(rows);
            }
        }

        if (batch.Count > 0)
        {
            rows += await FlushAsync(writer, batch, cancellationToken);
            progress?.Invoke(rows);
        }

        await writer.CompleteAsync(cancellationToken);
        return rows;
    }

    static async Task<int> FlushAsync(IExportWriter writer, ColumnBatch batch, CancellationToken cancellationToken)
    {
        await writer.WriteAsync(batch, cancellationToken);
        var written = batch.Count;
        batch.Clear();
        return written;
    }
}

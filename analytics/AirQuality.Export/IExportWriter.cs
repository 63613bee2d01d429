namespace AirQuality.Export;

/// <summary>Writes an export's batches to one file, in order.</summary>
public interface IExportWriter : IAsyncDisposable
{
    Task WriteAsync(ColumnBatch batch, CancellationToken cancellationToken);

    /// <summary>Finishes the file (footer, metadata); a file not completed is not a valid file.</summary>
    Task CompleteAsync(CancellationToken cancellationToken);
}

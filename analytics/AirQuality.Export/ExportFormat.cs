namespace AirQuality.Export;

public enum ExportFormat
{
    /// <summary>Arrow IPC, file format (<c>.arrow</c>): pyarrow.ipc.open_file, polars.read_ipc, R arrow::read_ipc_file, DuckDB.</summary>
    Arrow,
    Parquet,
}

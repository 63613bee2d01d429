using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AirQuality.Export;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq export</c>: a table or view for a period as an Arrow IPC or Parquet file, for pandas, polars, R or DuckDB.</summary>
static class ExportCommand
{
    public static Command Create()
    {
        var table = new Argument<string>("table") { Description = $"What to export: {string.Join(", ", ExportTable.All.Select(t => t.Name))}." };
        table.AcceptOnlyFromAmong([.. ExportTable.All.Select(t => t.Name)]);
        var from = new Option<DateOnly>("--from") { Description = "First local day, yyyy-MM-dd.", Required = true };
        var to = new Option<DateOnly?>("--to") { Description = "Last local day (inclusive), yyyy-MM-dd. Default: --from." };
        var district = new Option<string?>("--district") { Description = "Only this district (its id); not for city_daily." };
        var format = new Option<string>("--format") { Description = "arrow (Arrow IPC file) or parquet.", DefaultValueFactory = _ => "parquet" };
        format.AcceptOnlyFromAmong("arrow", "parquet");
        var output = new Option<string?>("--out") { Description = "The file to write. Default: <table>_<from>_<to>.parquet (or .arrow) in the current folder." };
        var command = new Command("export", "Write a table or view for a period (optionally one district) as Parquet or an Arrow IPC file, streamed in batches, with units in the field metadata.")
        {
            table, from, to, district, format, output,
        };
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            var configuration = AirqConfiguration.Load();
            var first = parse.GetValue(from);
            var last = parse.GetValue(to) ?? first;
            var kind = parse.GetValue(format) == "arrow" ? ExportFormat.Arrow : ExportFormat.Parquet;
            var request = new ExportRequest(ExportTable.Find(parse.GetValue(table)!), first, last, parse.GetValue(district), kind, configuration.Zone);
            try
            {
                request.Validate();
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }

            var path = parse.GetValue(output) ?? string.Create(CultureInfo.InvariantCulture,
                $"{request.Table.Name}_{first:yyyy-MM-dd}_{last:yyyy-MM-dd}{(request.District is null ? "" : "_" + request.District)}.{(kind == ExportFormat.Arrow ? "arrow" : "parquet")}");
            // The request is checked before the database is touched.
            using var host = await AirqHost.BuildAsync(configuration, new Dictionary<string, string?>(), token);
            var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
            // Written beside the target and moved into place when complete, so a stopped export never leaves a truncated file under the name.
            var partial = path + ".partial";
            var watch = Stopwatch.StartNew();
            var lastReport = 0L;
            long rows;
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
            {
                rows = await new TableExporter(dataSource).ExportAsync(request, file, written =>
                {
                    if (written - lastReport >= 1_000_000)
                    {
                        lastReport = written;
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {written:N0} rows ({watch.Elapsed.TotalSeconds:0} s) ..."));
                    }
                }, token);
            }

            File.Move(partial, path, overwrite: true);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Wrote {rows:N0} rows of {request.Table.Name} ({first:yyyy-MM-dd} to {last:yyyy-MM-dd}{(request.District is null ? "" : ", " + request.District)}) to {path}: {new FileInfo(path).Length / 1024.0 / 1024.0:0.0} MB in {watch.Elapsed.TotalSeconds:0.0} s."));
            return 0;
        }, ct));
        return command;
    }
}

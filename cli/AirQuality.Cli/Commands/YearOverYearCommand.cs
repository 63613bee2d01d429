using System.CommandLine;
using System.Globalization;
using System.Text;
using AirQuality.Aggregation;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq yoy</c>: a period's mean against the same period last year, in words or as CSV.</summary>
static class YearOverYearCommand
{
    public static Command Create()
    {
        var district = new Option<string?>("--district") { Description = "District id or name (English or local); default: the city and every district." };
        var from = new Option<DateOnly?>("--from") { Description = "First local day, yyyy-MM-dd. Default: 1 January of --to's year (year to date)." };
        var to = new Option<DateOnly?>("--to") { Description = "Last local day (inclusive), yyyy-MM-dd. Default: the latest aggregated day." };
        var pollutant = new Option<string>("--pollutant") { Description = "pm25, pm10, no2, so2, co or o3 (daily maximum 8-hour mean).", DefaultValueFactory = _ => "pm25" };
        var format = new Option<string>("--format") { Description = "text (sentences) or csv.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "csv");
        var command = new Command("yoy", "Year over year: the mean over a range of days against the same days a year earlier, for the city and its districts.") { district, from, to, pollutant, format };
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), new Dictionary<string, string?>(), token);
            var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
            var code = Pollutants.Parse(parse.GetValue(pollutant)!);
            DateOnly last;
            if (parse.GetValue(to) is { } t)
            {
                last = t;
            }
            else
            {
                await using var connection = await dataSource.OpenConnectionAsync(token);
                last = await connection.ExecuteScalarAsync<DateOnly?>(new CommandDefinition("SELECT max(day) FROM city_daily", cancellationToken: token))
                    ?? throw new UsageException("Nothing is aggregated yet: ingest some readings and run ./airq aggregate, or give --to.");
            }

            var first = parse.GetValue(from) ?? new DateOnly(last.Year, 1, 1);
            var rows = await YearOverYear.QueryAsync(dataSource, code, first, last, token);
            var wanted = rows.Where(r => r.Level != "sensor").ToList();
            if (parse.GetValue(district) is { } name)
            {
                await using var connection = await dataSource.OpenConnectionAsync(token);
                var localNames = (await connection.QueryAsync<(string Id, string? Local)>(new CommandDefinition("SELECT district_id, name_local FROM districts", cancellationToken: token)))
                    .ToDictionary(d => d.Id, d => d.Local);
                wanted = [.. rows.Where(r => r.Level == "district" && (Same(r.AreaId, name) || Same(r.AreaName, name) || Same(localNames.GetValueOrDefault(r.AreaId), name)))];
                if (wanted.Count == 0)
                {
                    throw new UsageException($"No district '{name}'. Districts: {string.Join(", ", rows.Where(r => r.Level == "district").Select(r => r.AreaName))}.");
                }
            }

            if (parse.GetValue(format) == "csv")
            {
                Console.Write(ToCsv(wanted));
                return 0;
            }

            foreach (var row in wanted)
            {
                Console.WriteLine(row.Describe());
            }

            if (wanted.Select(r => r.StandardsNote).FirstOrDefault(n => n is not null) is { } note)
            {
                Console.WriteLine(note);
            }

            return 0;
        }, ct));
        return command;
    }

    static bool Same(string? a, string b) => string.Equals(a?.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    public static string ToCsv(IEnumerable<YearOverYear> rows)
    {
        var c = CultureInfo.InvariantCulture;
        var csv = new StringBuilder("level,area_id,area_name,pollutant,from,to,mean,valid_days,exceedance_days,from_last_year,to_last_year,mean_last_year,valid_days_last_year,exceedance_days_last_year,change,change_pct,comparable,standards,standards_last_year\n");
        foreach (var r in rows)
        {
            csv.AppendJoin(',',
                r.Level, Field(r.AreaId), Field(r.AreaName), r.Pollutant.Code(), r.From.ToString("yyyy-MM-dd", c), r.To.ToString("yyyy-MM-dd", c),
                Number(r.MeanThis), r.ValidDaysThis, r.ExceedanceDaysThis?.ToString(c) ?? "",
                r.From.AddYears(-1).ToString("yyyy-MM-dd", c), r.To.AddYears(-1).ToString("yyyy-MM-dd", c),
                Number(r.MeanLast), r.ValidDaysLast, r.ExceedanceDaysLast?.ToString(c) ?? "",
                Number(r.Change), Number(r.ChangePct), r.Comparable ? "true" : "false",
                Field(string.Join(' ', r.StandardsThis)), Field(string.Join(' ', r.StandardsLast)));
            csv.Append('\n');
        }

        return csv.ToString();

        string Number(double? value) => value is { } v ? v.ToString("0.###", c) : "";
    }

    // RFC 4180: quote a field with a comma, quote or line break, doubling its quotes; a leading =, +, - or @ is
    // prefixed with ' so a spreadsheet does not run it as a formula.
    static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }
}

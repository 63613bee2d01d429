using System.Globalization;
using System.Text;

namespace AirQuality.Storage.Registry;

/// <summary>
/// Reads and writes the registry as five CSV files: <c>districts.csv</c>, <c>townships.csv</c>, <c>sensors.csv</c>,
/// <c>sources.csv</c> and <c>teams.csv</c> (lists inside a field separated by <c>;</c>).
/// </summary>
public static class RegistryCsv
{
    static readonly string[] DistrictColumns = ["district_id", "name", "name_local", "latitude", "longitude"];
    static readonly string[] TownshipColumns = ["township_id", "district_id", "name", "name_local"];
    static readonly string[] SensorColumns = ["sensor_id", "name", "district_id", "township_id", "latitude", "longitude", "kind", "reporting_interval_s"];
    static readonly string[] SourceColumns =
    [
        "source_id", "name", "category", "district_id", "township_id", "address", "latitude", "longitude", "stack_height_m", "has_telemetry",
        "permitted_particulate_mgm3", "permitted_so2_mgm3", "permitted_nox_mgm3", "estimated_pm25_emission_g_s",
    ];

    /// <summary>Optional in <c>sources.csv</c>: a registry written before it existed loads with every source's hours unknown.</summary>
    const string OperatingHoursColumn = "operating_hours";
    static readonly string[] TeamColumns = ["team_id", "name", "district_ids", "recipient_emails"];

    /// <summary>Loads and checks every file in <paramref name="directory"/>; throws <see cref="RegistryValidationException"/> listing every problem.</summary>
    public static CityRegistry Load(string directory)
    {
        var errors = new List<RegistryError>();
        var files = new[]
        {
            CsvFile.Read(Path.Combine(directory, "districts.csv"), DistrictColumns, errors),
            CsvFile.Read(Path.Combine(directory, "townships.csv"), TownshipColumns, errors),
            CsvFile.Read(Path.Combine(directory, "sensors.csv"), SensorColumns, errors),
            CsvFile.Read(Path.Combine(directory, "sources.csv"), SourceColumns, errors),
            CsvFile.Read(Path.Combine(directory, "teams.csv"), TeamColumns, errors),
        };
        if (errors.Count > 0)
        {
            throw new RegistryValidationException(errors);
        }

        var f = new FieldReader(errors);
        var districts = Unique(files[0]!, "district_id", f, r => new District(
            f.Id(r, "district_id"), f.Text(r, "name"), f.Optional(r, "name_local"), f.Number(r, "latitude", -90, 90), f.Number(r, "longitude", -180, 180)));
        var districtIds = districts.Select(d => d.DistrictId).ToHashSet(StringComparer.Ordinal);

        var townships = Unique(files[1]!, "township_id", f, r => new Township(
            f.Id(r, "township_id"), f.Reference(r, "district_id", districtIds, "districts.csv"), f.Text(r, "name"), f.Optional(r, "name_local")));
        var townshipDistrict = townships.ToDictionary(t => t.TownshipId, t => t.DistrictId, StringComparer.Ordinal);

        var sensors = Unique(files[2]!, "sensor_id", f, r =>
        {
            var s = new Sensor(
                f.Id(r, "sensor_id"), f.Text(r, "name"), f.Reference(r, "district_id", districtIds, "districts.csv"),
                f.Reference(r, "township_id", townshipDistrict.Keys, "townships.csv"), f.Number(r, "latitude", -90, 90), f.Number(r, "longitude", -180, 180),
                f.Code(r, "kind", RegistryCodes.SensorKinds), (int)f.Number(r, "reporting_interval_s", 10, 86400));
            f.TownshipInDistrict(r, s.TownshipId, s.DistrictId, townshipDistrict);
            return s;
        });

        var sources = Unique(files[3]!, "source_id", f, r =>
        {
            var s = new PollutionSource(
                f.Id(r, "source_id"), f.Text(r, "name"), f.Code(r, "category", RegistryCodes.SourceCategories),
                f.Reference(r, "district_id", districtIds, "districts.csv"), f.Reference(r, "township_id", townshipDistrict.Keys, "townships.csv"),
                f.Text(r, "address"), f.Number(r, "latitude", -90, 90), f.Number(r, "longitude", -180, 180),
                f.OptionalNumber(r, "stack_height_m", 0, 400), f.Boolean(r, "has_telemetry"),
                f.OptionalNumber(r, "permitted_particulate_mgm3", 0.001, 10000), f.OptionalNumber(r, "permitted_so2_mgm3", 0.001, 10000),
                f.OptionalNumber(r, "permitted_nox_mgm3", 0.001, 10000), f.Number(r, "estimated_pm25_emission_g_s", 0, 100000),
                f.OptionalHours(r, OperatingHoursColumn));
            f.TownshipInDistrict(r, s.TownshipId, s.DistrictId, townshipDistrict);
            return s;
        });

        var teams = Unique(files[4]!, "team_id", f, r => new EnforcementTeam(
            f.Id(r, "team_id"), f.Text(r, "name"),
            f.List(r, "district_ids").Select(d => districtIds.Contains(d) ? d : f.Fail(r, "district_ids", $"unknown district '{d}' (not in districts.csv)", d)).ToList(),
            f.List(r, "recipient_emails").Select(e => RecipientAddress.Problem(e) is { } problem ? f.Fail(r, "recipient_emails", problem, e) : e).ToList()));

        if (errors.Count > 0)
        {
            throw new RegistryValidationException(errors);
        }

        return new CityRegistry(districts, townships, sensors, sources, teams);
    }

    /// <summary>Writes <paramref name="registry"/> as the five CSV files into <paramref name="directory"/>.</summary>
    public static void Write(string directory, CityRegistry registry)
    {
        Directory.CreateDirectory(directory);
        WriteFile(Path.Combine(directory, "districts.csv"), DistrictColumns,
            registry.Districts.Select(d => new object?[] { d.DistrictId, d.Name, d.NameLocal, d.Latitude, d.Longitude }));
        WriteFile(Path.Combine(directory, "townships.csv"), TownshipColumns,
            registry.Townships.Select(t => new object?[] { t.TownshipId, t.DistrictId, t.Name, t.NameLocal }));
        WriteFile(Path.Combine(directory, "sensors.csv"), SensorColumns,
            registry.Sensors.Select(s => new object?[] { s.SensorId, s.Name, s.DistrictId, s.TownshipId, s.Latitude, s.Longitude, s.Kind, s.ReportingIntervalS }));
        WriteFile(Path.Combine(directory, "sources.csv"), [.. SourceColumns, OperatingHoursColumn],
            registry.Sources.Select(s => new object?[]
            {
                s.SourceId, s.Name, s.Category, s.DistrictId, s.TownshipId, s.Address, s.Latitude, s.Longitude, s.StackHeightM, s.HasTelemetry ? "true" : "false",
                s.PermittedParticulateMgm3, s.PermittedSo2Mgm3, s.PermittedNoxMgm3, s.EstimatedPm25EmissionGS, s.OperatingHours?.ToString(),
            }));
        WriteFile(Path.Combine(directory, "teams.csv"), TeamColumns,
            registry.Teams.Select(t => new object?[] { t.TeamId, t.Name, string.Join(';', t.DistrictIds), string.Join(';', t.RecipientEmails) }));
    }

    static List<T> Unique<T>(CsvFile file, string idColumn, FieldReader f, Func<CsvRow, T> parse)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var items = new List<T>();
        foreach (var row in file.Rows)
        {
            var id = row[idColumn].Trim();
            if (seen.TryGetValue(id, out var firstLine))
            {
                f.Fail(row, idColumn, $"duplicate id '{id}' (first on line {firstLine})", id);
                continue;
            }

            seen[id] = row.Line;
            items.Add(parse(row));
        }

        return items;
    }

    static void WriteFile(string path, IReadOnlyList<string> header, IEnumerable<object?[]> rows)
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', header).Append('\n');
        foreach (var row in rows)
        {
            sb.AppendJoin(',', row.Select(Format)).Append('\n');
        }

        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
    }

    static string Format(object? value)
    {
        var text = value switch
        {
            null => "",
            double d => d.ToString("0.######", CultureInfo.InvariantCulture),
            IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}

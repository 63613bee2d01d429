using System.Globalization;

namespace AirQuality.Storage.Registry;

/// <summary>Reads typed fields from CSV rows, recording an error (file, line, field, what was expected) instead of throwing, so one run reports every problem.</summary>
sealed class FieldReader(ICollection<RegistryError> errors)
{
    public T Fail<T>(CsvRow row, string field, string message, T placeholder)
    {
        errors.Add(new RegistryError(row.File.Name, row.Line, field, message));
        return placeholder;
    }

    public string Id(CsvRow row, string field)
    {
        var value = row[field].Trim();
        return value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? value
            : Fail(row, field, $"'{value}' is not a valid id (1 to 64 characters: letters, digits, '-', '_' or '.')", value);
    }

    public string Text(CsvRow row, string field)
    {
        var value = row[field].Trim();
        return value.Length is > 0 and <= 200 ? value : Fail(row, field, "must be 1 to 200 characters", value);
    }

    public string? Optional(CsvRow row, string field)
    {
        var value = row[field].Trim();
        return value.Length == 0 ? null : value.Length <= 200 ? value : Fail<string?>(row, field, "must be at most 200 characters", value);
    }

    public double Number(CsvRow row, string field, double min, double max) =>
        OptionalNumber(row, field, min, max) ?? Fail(row, field, $"is empty; expected a number from {min} to {max}", 0d);

    public double? OptionalNumber(CsvRow row, string field, double min, double max)
    {
        var text = row[field].Trim();
        if (text.Length == 0)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            return Fail<double?>(row, field, $"'{text}' is not a number; expected a number from {min} to {max}", 0);
        }

        return value >= min && value <= max ? value : Fail<double?>(row, field, $"{text} is out of range; expected {min} to {max}", value);
    }

    public bool Boolean(CsvRow row, string field) => row[field].Trim() switch
    {
        "true" => true,
        "false" => false,
        var other => Fail(row, field, $"'{other}' is not true or false", false),
    };

    public string Code(CsvRow row, string field, IReadOnlyList<string> allowed)
    {
        var value = row[field].Trim();
        return allowed.Contains(value) ? value : Fail(row, field, $"'{value}' is not one of {string.Join(", ", allowed)}", value);
    }

    public string Reference(CsvRow row, string field, IEnumerable<string> known, string where)
    {
        var value = row[field].Trim();
        return known.Contains(value) ? value : Fail(row, field, $"unknown id '{value}' (not in {where})", value);
    }

    public void TownshipInDistrict(CsvRow row, string townshipId, string districtId, IReadOnlyDictionary<string, string> townshipDistrict)
    {
        if (townshipDistrict.TryGetValue(townshipId, out var actual) && actual != districtId)
        {
            Fail(row, "township_id", $"township '{townshipId}' belongs to district '{actual}', not '{districtId}'", townshipId);
        }
    }

    public IReadOnlyList<string> List(CsvRow row, string field)
    {
        var items = row[field].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length > 0 ? items : Fail(row, field, "is empty; expected one or more values separated by ';'", items);
    }
}

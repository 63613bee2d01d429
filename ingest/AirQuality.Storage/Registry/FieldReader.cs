using System.Globalization;

namespace AirQuality.Storage.Registry;

/// <summary>Reads typed fields from CSV rows, recording an error (file, line, field, what was expected) instead of throwing, so one run reports every problem.</summary>
/// <remarks>
/// Every field is first checked for control characters: registry text ends up in the e-mailed reports, where a line
/// break in a team or district name would start a line of its own ("Bcc: attacker@example.com").
/// </remarks>
sealed class FieldReader(ICollection<RegistryError> errors)
{
    public T Fail<T>(CsvRow row, string field, string message, T placeholder)
    {
        errors.Add(new RegistryError(row.File.Name, row.Line, field, message));
        return placeholder;
    }

    public string Id(CsvRow row, string field)
    {
        if (Value(row, field) is not { } value)
        {
            return "";
        }

        return value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? value
            : Fail(row, field, $"'{value}' is not a valid id (1 to 64 characters: letters, digits, '-', '_' or '.')", value);
    }

    public string Text(CsvRow row, string field)
    {
        if (Value(row, field) is not { } value)
        {
            return "";
        }

        return value.Length is > 0 and <= 200 ? value : Fail(row, field, "must be 1 to 200 characters", value);
    }

    public string? Optional(CsvRow row, string field)
    {
        if (Value(row, field) is not { } value)
        {
            return null;
        }

        return value.Length == 0 ? null : value.Length <= 200 ? value : Fail<string?>(row, field, "must be at most 200 characters", value);
    }

    public double Number(CsvRow row, string field, double min, double max)
    {
        if (Value(row, field) is not { } text)
        {
            return 0;
        }

        return text.Length == 0 ? Fail(row, field, $"is empty; expected a number from {min} to {max}", 0d) : Parse(row, field, text, min, max);
    }

    public double? OptionalNumber(CsvRow row, string field, double min, double max) =>
        Value(row, field) is { Length: > 0 } text ? Parse(row, field, text, min, max) : null;

    /// <summary>Operating hours (<see cref="OperatingHours.Parse"/>) from an optional column; null when empty or the column is absent.</summary>
    public OperatingHours? OptionalHours(CsvRow row, string field)
    {
        if (!row.File.HasColumn(field) || Value(row, field) is not { Length: > 0 } text)
        {
            return null;
        }

        return OperatingHours.Parse(text, out var error) is { } hours ? hours : Fail<OperatingHours?>(row, field, error!, null);
    }

    public bool Boolean(CsvRow row, string field) => Value(row, field) switch
    {
        null => false,
        "true" => true,
        "false" => false,
        var other => Fail(row, field, $"'{other}' is not true or false", false),
    };

    public string Code(CsvRow row, string field, IReadOnlyList<string> allowed)
    {
        if (Value(row, field) is not { } value)
        {
            return "";
        }

        return allowed.Contains(value) ? value : Fail(row, field, $"'{value}' is not one of {string.Join(", ", allowed)}", value);
    }

    public string Reference(CsvRow row, string field, IEnumerable<string> known, string where)
    {
        if (Value(row, field) is not { } value)
        {
            return "";
        }

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
        if (Value(row, field) is not { } value)
        {
            return [];
        }

        var items = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length > 0 ? items : Fail(row, field, "is empty; expected one or more values separated by ';'", items);
    }

    double Parse(CsvRow row, string field, string text, double min, double max)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            return Fail(row, field, $"'{text}' is not a number; expected a number from {min} to {max}", 0d);
        }

        return value >= min && value <= max ? value : Fail(row, field, $"{text} is out of range; expected {min} to {max}", value);
    }

    /// <summary>The field, trimmed; null when it holds a control character, which is recorded as an error.</summary>
    string? Value(CsvRow row, string field)
    {
        var raw = row[field];
        for (var i = 0; i < raw.Length; i++)
        {
            if (IsControl(raw[i]))
            {
                // The line is where the record starts; a quoted field may carry on over further lines.
                return Fail<string?>(row, field, $"contains the control character U+{(int)raw[i]:X4} at character {i + 1}; text fields may not hold line breaks, "
                    + "tabs or other control characters (remove it; a quoted field that spans lines holds a line break)", null);
            }
        }

        return raw.Trim();
    }

    /// <summary>C0 and C1 controls (tab, CR and LF among them), DEL, and the Unicode line and paragraph separators, at which some readers break lines too.</summary>
    static bool IsControl(char c) => char.IsControl(c) || char.GetUnicodeCategory(c) is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}

using System.Text;

namespace AirQuality.Reports.Internal;

/// <summary>RFC 4180 CSV: fields with a comma, quote or line break are quoted; text that a spreadsheet would run as a formula is defused.</summary>
sealed class CsvBuilder(params string[] header)
{
    readonly StringBuilder _csv = new StringBuilder().AppendJoin(',', header).Append("\r\n");

    /// <summary>A row: strings are text (quoted as needed, a leading = + - @ prefixed with '), everything else is written invariantly.</summary>
    public CsvBuilder Row(params object?[] fields)
    {
        _csv.AppendJoin(',', fields.Select(Field)).Append("\r\n");
        return this;
    }

    /// <summary>The file as UTF-8 with a byte order mark, which spreadsheet programs need to read Chinese names correctly.</summary>
    public byte[] ToUtf8() => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(_csv.ToString())];

    static string Field(object? value)
    {
        var text = value switch
        {
            null => "",
            string s => s.Length > 0 && s[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + s : s,
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}

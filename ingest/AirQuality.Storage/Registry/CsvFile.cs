using System.Text;

namespace AirQuality.Storage.Registry;

/// <summary>One data line of a CSV file, with its 1-based line number, read by column name.</summary>
public sealed class CsvRow(CsvFile file, int line, string[] values)
{
    public CsvFile File { get; } = file;

    /// <summary>1-based line number in the file (the header is line 1).</summary>
    public int Line { get; } = line;

    public string this[string column] => values[File.ColumnIndex(column)];
}

/// <summary>
/// A small RFC 4180 reader (quoted fields, doubled quotes, CRLF or LF) for the registry files, which keeps
/// line numbers so every error can name file, line and field.
/// </summary>
public sealed class CsvFile
{
    readonly Dictionary<string, int> _columns;

    CsvFile(string name, IReadOnlyList<string> header, List<CsvRow> rows)
    {
        Name = name;
        _columns = header.Select((h, i) => (h, i)).ToDictionary(p => p.h, p => p.i, StringComparer.Ordinal);
        Rows = rows;
    }

    public string Name { get; }

    public IReadOnlyList<CsvRow> Rows { get; }

    public int ColumnIndex(string column) => _columns[column];

    public bool HasColumn(string column) => _columns.ContainsKey(column);

    /// <summary>Reads <paramref name="path"/>; adds an error and returns null when the file is missing, malformed or lacks a required column.</summary>
    public static CsvFile? Read(string path, IReadOnlyList<string> requiredColumns, ICollection<RegistryError> errors)
    {
        var name = Path.GetFileName(path);
        if (!System.IO.File.Exists(path))
        {
            errors.Add(new RegistryError(name, 0, null, $"file not found at {path}"));
            return null;
        }

        var records = Parse(System.IO.File.ReadAllText(path, Encoding.UTF8), name, errors);
        if (records.Count == 0)
        {
            errors.Add(new RegistryError(name, 1, null, "the file is empty; expected a header line"));
            return null;
        }

        var header = records[0].Values.Select(h => h.Trim()).ToArray();
        var missing = requiredColumns.Where(c => !header.Contains(c, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            errors.Add(new RegistryError(name, 1, string.Join(",", missing), $"missing column(s) {string.Join(", ", missing)}; expected {string.Join(",", requiredColumns)}"));
            return null;
        }

        var rows = new List<CsvRow>();
        var file = new CsvFile(name, header, rows);
        foreach (var (line, values) in records.Skip(1))
        {
            if (values.Length == 1 && values[0].Length == 0)
            {
                continue; // a blank line
            }

            if (values.Length != header.Length)
            {
                errors.Add(new RegistryError(name, line, null, $"has {values.Length} fields; the header has {header.Length}"));
                continue;
            }

            rows.Add(new CsvRow(file, line, values));
        }

        return file;
    }

    static List<(int Line, string[] Values)> Parse(string text, string name, ICollection<RegistryError> errors)
    {
        var records = new List<(int, string[])>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var inQuotes = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    inQuotes = false;
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                inQuotes = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                fields.Add(field.ToString());
                field.Clear();
                records.Add((recordLine, fields.ToArray()));
                fields.Clear();
                line++;
                recordLine = line;
            }
            else
            {
                field.Append(c);
            }
        }

        if (inQuotes)
        {
            errors.Add(new RegistryError(name, recordLine, null, "a quoted field is not closed"));
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add((recordLine, fields.ToArray()));
        }

        return records;
    }
}

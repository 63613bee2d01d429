using System.Diagnostics;
using System.Text.RegularExpressions;
using AirQuality.Aggregation;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.IntegrationTests;

/// <summary>
/// Audits of the repository itself: SQL is built from constants only (values travel as parameters), and no
/// committed file holds a password.
/// </summary>
public sealed partial class SecurityAuditTests
{
    /// <summary>
    /// Every expression that may be interpolated into SQL text, and why it is safe. Anything else fails the audit:
    /// a value belongs in a parameter; a new identifier must be reviewed and added here.
    /// </summary>
    static readonly Dictionary<string, string> ApprovedSqlHoles = new(StringComparer.Ordinal)
    {
        ["table"] = "a table name from the class's constants (TimeSeriesWriter: sensor_readings/source_telemetry; DailyStore.Table: three constants)",
        ["staging"] = "\"staging_\" + one of those constants",
        ["columns"] = "a constant column list",
        ["Columns"] = "ReadingCopyEncoder.Columns: a constant column list",
        ["TelemetryColumns"] = "TimeSeriesWriter.TelemetryColumns: a constant column list",
        ["key"] = "a constant key column list",
        ["DatabaseName"] = "the constant airq",
        ["name"] = "a database name generated from the process id (benchmarks)",
        ["SumColumns"] = "HourlyStore: column names derived from the Pollutant enum",
        ["HourlyStore.SumColumns"] = "column names derived from the Pollutant enum",
        ["HourSql"] = "a constant SQL expression",
        ["string.Join(\", \", Pollutants.All.Select(p => p.Column()))"] = "column names derived from the Pollutant enum",
        ["string.Join(\", \", columns.Select(c => c.Name))"] = "DailyStore: constant column names",
        ["string.Join(\", \", Pollutants.All.Select((_, i) => $\"${3 + 2 * i}::float8[], ${4 + 2 * i}::int4[]\"))"] = "parameter placeholders $3, $4, ...",
        ["string.Join(\", \", Pollutants.All.Select(p => $\"{p.Code()}_sum = h.{p.Code()}_sum + excluded.{p.Code()}_sum, {p.Code()}_readings = h.{p.Code()}_readings + excluded.{p.Code()}_readings\"))"] =
            "HourlyStore: column names derived from the Pollutant enum",
        ["string.Join(\", \", Pollutants.All.Select(p => $\"avg({p.Column()}) AS {p.Code()}_mean, count({p.Column()}) AS {p.Code()}_readings\"))"] =
            "AggregateBenchmark: column names derived from the Pollutant enum",
        ["3 + 2 * i"] = "a parameter number",
        ["4 + 2 * i"] = "a parameter number",
    };

    /// <summary>Fake secrets that tests use on purpose (to check they are refused or never printed), and placeholders.</summary>
    static readonly HashSet<string> KnownFakes = new(StringComparer.Ordinal) { "", "x", "...", "check", "hunter2hunter2", "from-the-environment", "key-secret", "p", "s3cret" };

    [Fact]
    public void Sql_text_interpolates_only_reviewed_identifiers_never_values()
    {
        var problems = new List<string>();
        var sqlStrings = 0;
        foreach (var file in SourceFiles())
        {
            var text = File.ReadAllText(file);
            foreach (var literal in InterpolatedStrings(text))
            {
                if (!SqlStart().IsMatch(literal.Text))
                {
                    continue;
                }

                sqlStrings++;
                var line = text[..literal.Start].Count(c => c == '\n') + 1;
                problems.AddRange(literal.Holes
                    .Where(h => !ApprovedSqlHoles.ContainsKey(h))
                    .Select(h => $"{Path.GetRelativePath(TestRegistry.RepositoryRoot, file)}:{line}: {{{h}}} in SQL text; pass it as a parameter (or review it and add it to ApprovedSqlHoles)"));
            }

            foreach (Match m in ConcatenatedSql().Matches(text))
            {
                var line = text[..m.Index].Count(c => c == '\n') + 1;
                problems.Add($"{Path.GetRelativePath(TestRegistry.RepositoryRoot, file)}:{line}: SQL text concatenated with '{m.Groups[1].Value}'");
            }
        }

        Assert.True(sqlStrings >= 10, $"Only {sqlStrings} interpolated SQL strings found: the scanner has stopped seeing them.");
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void The_audit_catches_a_value_interpolated_into_sql()
    {
        const string Bad = """"
            var sql = $"SELECT * FROM sensors WHERE sensor_id = '{sensorId}'";
            var raw = $$"""
                DELETE FROM anomalies WHERE day = '{{day}}'
                """;
            """";
        var holes = InterpolatedStrings(Bad).Where(l => SqlStart().IsMatch(l.Text)).SelectMany(l => l.Holes).ToList();
        Assert.Equal(["sensorId", "day"], holes);
    }

    [Fact]
    public void No_committed_file_holds_a_password()
    {
        var found = new List<string>();
        foreach (var path in CommittedFiles())
        {
            var full = Path.Combine(TestRegistry.RepositoryRoot, path);
            if (!File.Exists(full) || new FileInfo(full).Length > 2_000_000)
            {
                continue;
            }

            var text = File.ReadAllText(full);
            if (text.Contains('\0', StringComparison.Ordinal))
            {
                continue; // binary
            }

            var values = ConnectionStringPassword().Matches(text).Select(m => m.Groups[1].Value);
            if (path.EndsWith(".json", StringComparison.Ordinal) || path.EndsWith(".yml", StringComparison.Ordinal) || path.EndsWith(".yaml", StringComparison.Ordinal)
                || path.EndsWith(".env", StringComparison.Ordinal) || path.EndsWith("Dockerfile", StringComparison.Ordinal))
            {
                values = values.Concat(SettingPassword().Matches(text).Select(m => m.Groups[1].Value));
            }

            found.AddRange(values.Where(v => !KnownFakes.Contains(v) && !v.StartsWith('$') && !v.StartsWith('<')).Select(v => $"{path}: a password '{v[..Math.Min(2, v.Length)]}...'"));
            if (PrivateKey().IsMatch(text))
            {
                found.Add($"{path}: a private key");
            }
        }

        Assert.True(found.Count == 0, string.Join('\n', found));
    }

    [Fact]
    public void The_password_scan_sees_a_connection_string_password_and_a_yaml_one()
    {
        Assert.Equal("s3cret", ConnectionStringPassword().Match("AIRQ_DB=Host=db;Username=airq;Password=s3cret;Database=airq").Groups[1].Value);
        Assert.Equal("s3cret", SettingPassword().Match("      POSTGRES_PASSWORD: \"s3cret\"").Groups[1].Value);
        Assert.Equal("${POSTGRES_PASSWORD:?set", SettingPassword().Match("      POSTGRES_PASSWORD: \"${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}\"").Groups[1].Value);
    }

    static readonly string[] SourceFolders = ["ingest", "analytics", "cli"];

    static IEnumerable<string> SourceFiles() =>
        SourceFolders
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(TestRegistry.RepositoryRoot, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    static string[] CommittedFiles()
    {
        var psi = new ProcessStartInfo("git", ["-C", TestRegistry.RepositoryRoot, "ls-files", "-z"]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var git = Process.Start(psi)!;
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.Equal(0, git.ExitCode);
        var files = output.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("docker-compose.yml", files);
        return files;
    }

    /// <summary>An interpolated string literal: where it starts, its text with the holes left out, and the holes' expressions.</summary>
    sealed record Interpolated(int Start, string Text, IReadOnlyList<string> Holes);

    /// <summary>Finds <c>$"..."</c>, <c>$@"..."</c> and raw <c>$"""..."""</c> / <c>$$"""..."""</c> literals, nested ones inside holes included.</summary>
    static List<Interpolated> InterpolatedStrings(string source)
    {
        var found = new List<Interpolated>();
        for (var i = 0; i < source.Length; i++)
        {
            if (source[i] == '/' && i + 1 < source.Length && source[i + 1] == '/')
            {
                i = source.IndexOf('\n', i) is var nl and >= 0 ? nl : source.Length;
                continue;
            }

            if (source[i] == '$' && (i == 0 || source[i - 1] != '$'))
            {
                var end = ReadInterpolated(source, i, found);
                if (end > i)
                {
                    i = end;
                }
            }
        }

        return found;
    }

    /// <summary>Reads an interpolated literal starting at <paramref name="at"/> (a '$'); returns the index of its last character, or <paramref name="at"/> when it is none.</summary>
    static int ReadInterpolated(string s, int at, List<Interpolated> found)
    {
        var dollars = 0;
        while (at + dollars < s.Length && s[at + dollars] == '$')
        {
            dollars++;
        }

        var p = at + dollars;
        var verbatim = p < s.Length && s[p] == '@';
        if (verbatim)
        {
            p++;
        }

        if (p >= s.Length || s[p] != '"')
        {
            return at;
        }

        var quotes = 0;
        while (p + quotes < s.Length && s[p + quotes] == '"')
        {
            quotes++;
        }

        var raw = quotes >= 3;
        if (!raw)
        {
            quotes = 1;
        }

        p += quotes;
        var open = new string('{', dollars);
        var text = new System.Text.StringBuilder();
        var holes = new List<string>();
        while (p < s.Length)
        {
            if (raw ? string.CompareOrdinal(s, p, new string('"', quotes), 0, quotes) == 0 : s[p] == '"' && !(verbatim && p + 1 < s.Length && s[p + 1] == '"'))
            {
                found.Add(new Interpolated(at, text.ToString(), holes));
                return p + quotes - 1;
            }

            if (!raw && !verbatim && s[p] == '\\')
            {
                text.Append(s, p, 2);
                p += 2;
                continue;
            }

            if (!raw && s[p] == '{' && p + 1 < s.Length && s[p + 1] == '{')
            {
                text.Append('{');
                p += 2;
                continue;
            }

            if (string.CompareOrdinal(s, p, open, 0, dollars) == 0 && (p + dollars >= s.Length || s[p + dollars] != '{' || !raw))
            {
                var start = p + dollars;
                var end = HoleEnd(s, start, found);
                holes.Add(s[start..end].Trim());
                text.Append(' ');
                p = end + dollars;
                continue;
            }

            text.Append(s[p]);
            p++;
        }

        return at;
    }

    /// <summary>The index of the '}' that closes a hole starting at <paramref name="start"/>, skipping nested strings and braces.</summary>
    static int HoleEnd(string s, int start, List<Interpolated> found)
    {
        var depth = 0;
        for (var p = start; p < s.Length; p++)
        {
            switch (s[p])
            {
                case '$':
                    var end = ReadInterpolated(s, p, found);
                    p = Math.Max(p, end);
                    break;
                case '"':
                    p++;
                    while (p < s.Length && s[p] != '"')
                    {
                        p += s[p] == '\\' ? 2 : 1;
                    }

                    break;
                case '{':
                    depth++;
                    break;
                case '}' when depth == 0:
                    return p;
                case '}':
                    depth--;
                    break;
            }
        }

        return s.Length;
    }

    [GeneratedRegex(@"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|COPY|TRUNCATE|ALTER|GRANT|REVOKE|WITH)\b")]
    private static partial Regex SqlStart();

    [GeneratedRegex(@"""\s*(?:SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|COPY|TRUNCATE|ALTER|GRANT|REVOKE)\b[^""\n]*""\s*\+\s*([A-Za-z_][A-Za-z0-9_.]*)")]
    private static partial Regex ConcatenatedSql();

    [GeneratedRegex(@"Password=([^;""'\s`()]*)")]
    private static partial Regex ConnectionStringPassword();

    [GeneratedRegex(@"(?i)(?:password|passwd|secret)[""']?\s*[:=]\s*[""']?([^""'\s,}]+)")]
    private static partial Regex SettingPassword();

    [GeneratedRegex("-----BEGIN [A-Z ]*PRIVATE KEY-----")]
    private static partial Regex PrivateKey();
}

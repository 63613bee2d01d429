using AirQuality.Simulation;
using AirQuality.Storage.Registry;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.Storage.Tests.Registry;

public sealed partial class RegistryCsvTests
{
    [Fact]
    public void The_shipped_registry_is_a_city_of_the_required_size()
    {
        var registry = TestRegistry.Shipped();
        Assert.True(registry.Districts.Count >= 9, $"{registry.Districts.Count} districts");
        Assert.True(registry.Sensors.Count >= 500, $"{registry.Sensors.Count} sensors");
        Assert.True(registry.Sources.Count >= 200, $"{registry.Sources.Count} sources");
        Assert.All(registry.Districts, d => Assert.Contains(registry.Teams, t => t.DistrictIds.Contains(d.DistrictId)));
        Assert.All(registry.Districts, d => Assert.Contains(registry.Townships, t => t.DistrictId == d.DistrictId));
        Assert.Contains(registry.Sensors, s => s.Kind == RegistryCodes.NationalStation);
        Assert.Contains(registry.Sensors, s => s.Kind == RegistryCodes.MicroSensor);
    }

    [Fact]
    public void The_shipped_registry_is_what_the_generator_writes_for_seed_7()
    {
        var dir = Directory.CreateTempSubdirectory("airq-generated-").FullName;
        RegistryCsv.Write(dir, RegistryGenerator.Generate(7));
        foreach (var file in Directory.GetFiles(TestRegistry.ShippedDirectory, "*.csv"))
        {
            Assert.Equal(File.ReadAllText(file), File.ReadAllText(Path.Combine(dir, Path.GetFileName(file))));
        }
    }

    [Theory]
    [InlineData("sensors.csv", "S0001,", "S0001,", "yuzhong,", "atlantis,", "district_id", "unknown id 'atlantis'")]
    [InlineData("sensors.csv", "S0002,", "S0002,", "S0002,", "S0001,", "sensor_id", "duplicate id 'S0001'")]
    [InlineData("sources.csv", "P001,", "P001,", "29.53129,", "95.5,", "latitude", "out of range")]
    [InlineData("teams.csv", "team-yuzhong,", "team-yuzhong,", "yuzhong.enforcement@airq.example.org", "not-an-address", "recipient_emails", "not an e-mail address")]
    public void A_bad_field_is_reported_with_file_line_and_field(string file, string lineStart, string _, string from, string to, string field, string message)
    {
        var dir = TestRegistry.CopyToTemp();
        var path = Path.Combine(dir, file);
        var lines = File.ReadAllLines(path);
        var index = Array.FindIndex(lines, l => l.StartsWith(lineStart, StringComparison.Ordinal));
        lines[index] = ReplaceFirst(lines[index], from, to);
        File.WriteAllLines(path, lines);

        // One bad value may break more than one rule (an unknown district also disowns the township); the first names it.
        var error = Assert.Throws<RegistryValidationException>(() => RegistryCsv.Load(dir)).Errors[0];
        Assert.Equal(file, error.File);
        Assert.Equal(index + 1, error.Line);
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x@airq.example.org,attacker@example.com", "one address per entry")]
    [InlineData("Duty officer <duty@airq.example.org>", "without a display name")]
    [InlineData("duty@@airq.example.org", "exactly one '@'")]
    [InlineData("duty.@airq.example.org", "local part")]
    [InlineData("\"duty.officer\"@airq.example.org", "local part")]
    [InlineData("duty@airq..example.org", "domain")]
    [InlineData("duty@[127.0.0.1]", "domain")]
    [InlineData("duty@-airq.example.org", "domain")]
    public void A_recipient_that_is_not_one_plain_address_is_refused_with_file_line_and_field(string entry, string message)
    {
        var dir = TestRegistry.CopyToTemp();
        var path = Path.Combine(dir, "teams.csv");
        var lines = File.ReadAllLines(path);
        var index = Array.FindIndex(lines, l => l.StartsWith("team-jiangbei,", StringComparison.Ordinal));
        // The whole list quoted, as a CSV writer would, so commas and quotes reach the field.
        lines[index] = ReplaceFirst(lines[index], "jiangbei.enforcement@airq.example.org;duty.jiangbei@airq.example.org",
            "\"" + ("jiangbei.enforcement@airq.example.org;" + entry).Replace("\"", "\"\"", StringComparison.Ordinal) + "\"");
        File.WriteAllLines(path, lines);

        var error = Assert.Single(Assert.Throws<RegistryValidationException>(() => RegistryCsv.Load(dir)).Errors);
        Assert.Equal(("teams.csv", index + 1, "recipient_emails"), (error.File, error.Line, error.Field));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recipients_with_non_ascii_local_parts_or_domains_and_rare_ascii_characters_are_accepted()
    {
        var dir = TestRegistry.CopyToTemp();
        var path = Path.Combine(dir, "teams.csv");
        var text = File.ReadAllText(path)
            .Replace("duty.jiangbei@airq.example.org", "执法一队@example.org;o'brien+night_shift@airq.example.org", StringComparison.Ordinal)
            .Replace("duty.yuzhong@airq.example.org", "duty@渝中区.example.org", StringComparison.Ordinal);
        File.WriteAllText(path, text);

        var teams = RegistryCsv.Load(dir).Teams;
        Assert.Equal(["jiangbei.enforcement@airq.example.org", "执法一队@example.org", "o'brien+night_shift@airq.example.org"],
            teams.Single(t => t.TeamId == "team-jiangbei").RecipientEmails);
        Assert.Equal("duty@渝中区.example.org", teams.Single(t => t.TeamId == "team-yuzhong").RecipientEmails[1]);
    }

    [Theory]
    [InlineData("teams.csv", "team-yuzhong,", "Yuzhong Environmental Enforcement Team", false, "name", "\r\n")]
    [InlineData("districts.csv", "yuzhong,", "Yuzhong", false, "name", "\n")]
    [InlineData("districts.csv", "jiangbei,", "江北区", false, "name_local", "\r")]
    [InlineData("townships.csv", "yuzhong-daping,", "Daping", false, "name", "\t")]
    [InlineData("sensors.csv", "S0001,", "S0001,", false, "sensor_id", "\u0085")]
    [InlineData("sources.csv", "P001,", "Daping Boiler House 1", false, "name", "\u007f")]
    [InlineData("sources.csv", "P002,", "104 Jianshe Road", true, "address", "\u2028")]
    public void A_control_character_in_a_text_field_is_refused_with_file_line_and_field(string file, string lineStart, string from, bool quoted, string field, string control)
    {
        var dir = TestRegistry.CopyToTemp();
        var path = Path.Combine(dir, file);
        var lines = File.ReadAllLines(path);
        var index = Array.FindIndex(lines, l => l.StartsWith(lineStart, StringComparison.Ordinal));
        // Quoted, a line break passes the CSV reader into the field, as it would in an attacker's file.
        var value = from.TrimEnd(',') + control + "Bcc: attacker@example.com";
        lines[index] = ReplaceFirst(lines[index], from.TrimEnd(','), quoted ? value : $"\"{value}\"");
        File.WriteAllLines(path, lines);

        var error = Assert.Single(Assert.Throws<RegistryValidationException>(() => RegistryCsv.Load(dir)).Errors);
        Assert.Equal((file, index + 1, field), (error.File, error.Line, error.Field));
        Assert.Contains("control character", error.Message, StringComparison.Ordinal);
        Assert.Contains($"U+{(int)control[0]:X4}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_column_is_reported_and_names_it()
    {
        var dir = TestRegistry.CopyToTemp();
        var path = Path.Combine(dir, "districts.csv");
        var lines = File.ReadAllLines(path).Select(l => string.Join(',', l.Split(',').Take(4))).ToArray();
        File.WriteAllLines(path, lines);

        var error = Assert.Single(Assert.Throws<RegistryValidationException>(() => RegistryCsv.Load(dir)).Errors);
        Assert.Equal("districts.csv:1: field 'longitude': missing column(s) longitude; expected district_id,name,name_local,latitude,longitude", error.ToString());
    }

    [Fact]
    public void Quoted_fields_may_hold_commas_and_quotes()
    {
        var registry = TestRegistry.Shipped();
        var dir = Directory.CreateTempSubdirectory("airq-quoted-").FullName;
        var renamed = registry with { Districts = [registry.Districts[0] with { Name = "Yu \"Centre\", Old Town" }, .. registry.Districts.Skip(1)] };
        RegistryCsv.Write(dir, renamed);
        Assert.Equal("Yu \"Centre\", Old Town", RegistryCsv.Load(dir).Districts[0].Name);
    }

    static string ReplaceFirst(string text, string from, string to)
    {
        var at = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{from}' not in '{text}'");
        return text[..at] + to + text[(at + from.Length)..];
    }
}

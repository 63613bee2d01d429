using AirQuality.Ingest.Simulation;
using AirQuality.Storage.Registry;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.Ingest.Tests.Registry;

public sealed class RegistryCsvTests
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

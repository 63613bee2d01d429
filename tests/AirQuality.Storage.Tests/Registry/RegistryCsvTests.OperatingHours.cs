using AirQuality.Storage.Registry;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.Storage.Tests.Registry;

/// <summary>The optional <c>operating_hours</c> column of <c>sources.csv</c>.</summary>
public sealed partial class RegistryCsvTests
{
    /// <summary>A copy of the shipped registry with source <paramref name="sourceId"/>'s operating hours (the last field) set to <paramref name="hours"/>; the line's number.</summary>
    static (string Directory, int Line) WithHours(string sourceId, string hours)
    {
        var dir = TestRegistry.CopyToTemp();
        var path = Path.Combine(dir, "sources.csv");
        var lines = File.ReadAllLines(path);
        Assert.EndsWith(",operating_hours", lines[0], StringComparison.Ordinal);
        var index = Array.FindIndex(lines, l => l.StartsWith(sourceId + ",", StringComparison.Ordinal));
        lines[index] = lines[index][..(lines[index].LastIndexOf(',') + 1)] + hours;
        File.WriteAllLines(path, lines);
        return (dir, index + 1);
    }

    [Theory]
    [InlineData("07:00-19:00", 7, 19, false, true)]
    [InlineData("22:00-06:00", 22, 6, true, false)]
    [InlineData("00:00-24:00", 0, 24, true, true)]
    public void Operating_hours_are_read_as_local_whole_hours(string text, int start, int end, bool atThree, bool atNoon)
    {
        var (dir, _) = WithHours("P003", text);
        var hours = RegistryCsv.Load(dir).Sources.Single(s => s.SourceId == "P003").OperatingHours;

        Assert.Equal(new OperatingHours(start, end), hours);
        Assert.Equal(text, hours.ToString());
        Assert.Equal((atThree, atNoon), (hours!.Value.Contains(3.5), hours.Value.Contains(12)));
    }

    [Fact]
    public void Blank_operating_hours_or_a_file_without_the_column_mean_not_known()
    {
        var (dir, _) = WithHours("P003", "");
        Assert.Null(RegistryCsv.Load(dir).Sources.Single(s => s.SourceId == "P003").OperatingHours);

        // A registry written before the column existed still loads, every source's hours unknown.
        var path = Path.Combine(dir, "sources.csv");
        File.WriteAllLines(path, File.ReadAllLines(path).Select(l => l[..l.LastIndexOf(',')]));
        Assert.All(RegistryCsv.Load(dir).Sources, s => Assert.Null(s.OperatingHours));
        Assert.Contains(TestRegistry.Shipped().Sources, s => s.OperatingHours is not null);
    }

    [Theory]
    [InlineData("7-19", "expected local whole hours HH:00-HH:00")]
    [InlineData("07:30-19:00", "expected local whole hours HH:00-HH:00")]
    [InlineData("07:00-25:00", "expected local whole hours HH:00-HH:00")]
    [InlineData("dawn-dusk", "leave the field empty when they are not known")]
    [InlineData("08:00-08:00", "write 00:00-24:00 for around the clock")]
    [InlineData("24:00-06:00", "start from 00:00 to 23:00")]
    [InlineData("18:00-00:00", "write 24:00 for midnight")]
    public void Malformed_operating_hours_are_refused_with_file_line_field_and_what_to_write(string text, string message)
    {
        var (dir, line) = WithHours("P003", text);

        var error = Assert.Single(Assert.Throws<RegistryValidationException>(() => RegistryCsv.Load(dir)).Errors);
        Assert.Equal(("sources.csv", line, "operating_hours"), (error.File, error.Line, error.Field));
        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}

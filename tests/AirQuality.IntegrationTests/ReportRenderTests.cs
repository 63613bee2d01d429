using System.Net;
using System.Text.RegularExpressions;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.IntegrationTests;

/// <summary><c>airq report render</c> as a separate process: the HTML file with its map beside it, shown by relative path.</summary>
[Collection(DatabaseTests.Name)]
public sealed class ReportRenderTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Render_writes_the_map_as_a_png_beside_the_html_and_the_html_shows_it_by_relative_path()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var registry = TestRegistry.CopyToTemp();
        var output = Path.Combine(Path.GetTempPath(), $"airq-render-{Guid.NewGuid():N}");
        var environment = new Dictionary<string, string> { ["AIRQ_DB"] = postgres.ConnectionString(db) };
        try
        {
            var (imported, importOutput) = AirqProcess.Run(environment, "registry", "import", registry);
            Assert.True(imported == 0, importOutput);

            // A day with no readings: every sensor grey on the map and no episode, so the map is the one picture.
            var html = Path.Combine(output, "jiangbei.html");
            var (code, text) = AirqProcess.Run(environment, "report", "render", "--date", "2026-06-30", "--team", "team-jiangbei", "--out", html);

            Assert.True(code == 0, text);
            var map = Path.Combine(output, "jiangbei.files", "map.png");
            Assert.Contains($"and 1 image(s) in {Path.Combine(output, "jiangbei.files")}.", text, StringComparison.Ordinal);
            Assert.Equal([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], (await File.ReadAllBytesAsync(map))[..8]);
            var img = Assert.Single(Regex.Matches(await File.ReadAllTextAsync(html), "<img [^>]*src=\"([^\"]+)\"[^>]*alt=\"([^\"]+)\""));
            Assert.Equal(map, new Uri(new Uri(html), WebUtility.HtmlDecode(img.Groups[1].Value)).LocalPath);
            Assert.StartsWith("Map of the team's ", WebUtility.HtmlDecode(img.Groups[2].Value), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(registry, recursive: true);
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }
}

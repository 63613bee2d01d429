using System.Net;
using System.Text.RegularExpressions;
using AirQuality.Aggregation;
using AirQuality.Reports;
using AirQuality.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AirQuality.Reports.Tests;

/// <summary>A report saved to disk (<c>airq report render</c>, <c>make demo</c>) with its map and episode charts beside it as PNG files.</summary>
public sealed partial class ReportFileWriterTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [GeneratedRegex("<img [^>]*src=\"([^\"]+)\"[^>]*alt=\"([^\"]+)\"")]
    private static partial Regex ImgTag();

    static async Task<WrittenReport> WriteAsync(Npgsql.NpgsqlDataSource db, string htmlPath)
    {
        var queries = new ReportQueries(db, new AggregationOptions().Zone);
        var team = (await queries.TeamsAsync(CancellationToken.None)).Single(t => t.TeamId == "team-d1");
        return await new ReportFileWriter(queries, new ReportFigureQueries(db)).WriteAsync(team, ReportCity.Day, htmlPath, null, CancellationToken.None);
    }

    static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"airq-report-files-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    [Fact]
    public async Task The_map_and_charts_are_written_as_pngs_beside_the_html_and_every_img_resolves_to_one_of_them_with_the_mails_alt_text()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db);
        var folder = NewFolder();
        try
        {
            // Left by an earlier render of a day with more episodes: not shown any more, so not kept.
            Directory.CreateDirectory(Path.Combine(folder, "team-d1.files"));
            await File.WriteAllBytesAsync(Path.Combine(folder, "team-d1.files", "episode-9.png"), PngSignature);

            var written = await WriteAsync(db, Path.Combine(folder, "team-d1.html"));

            Assert.Equal(Path.Combine(folder, "team-d1.html"), written.HtmlPath);
            Assert.True(File.Exists(written.TextPath));
            // The map and a chart per top episode (at most three), and nothing else.
            Assert.Contains(Path.Combine(folder, "team-d1.files", "map.png"), written.Images);
            Assert.Contains(Path.Combine(folder, "team-d1.files", "episode-1.png"), written.Images);
            Assert.InRange(written.Images.Count, 2, 1 + ReportFigureQueries.ChartedEpisodes);
            Assert.False(File.Exists(Path.Combine(folder, "team-d1.files", "episode-9.png")));
            Assert.Equal(written.Images.Order(StringComparer.Ordinal), Directory.GetFiles(Path.Combine(folder, "team-d1.files")).Order(StringComparer.Ordinal));
            foreach (var png in written.Images)
            {
                var bytes = await File.ReadAllBytesAsync(png);
                Assert.Equal(PngSignature, bytes[..8]);
                Assert.True(bytes.Length > 5_000, $"{png}: {bytes.Length} bytes");
            }

            // Every picture, with the alt text the e-mail gives it (which the text part repeats), at a path relative to the HTML file.
            var html = await File.ReadAllTextAsync(written.HtmlPath);
            var text = await File.ReadAllTextAsync(written.TextPath);
            var imgs = ImgTag().Matches(html);
            Assert.Equal(written.Images.Count, imgs.Count);
            Assert.Equal(written.Images.Order(StringComparer.Ordinal),
                imgs.Select(m => new Uri(new Uri(written.HtmlPath), WebUtility.HtmlDecode(m.Groups[1].Value)).LocalPath).Order(StringComparer.Ordinal));
            var queries = new ReportQueries(db, new AggregationOptions().Zone);
            var report = await queries.LoadAsync((await queries.TeamsAsync(CancellationToken.None)).Single(t => t.TeamId == "team-d1"), ReportCity.Day, CancellationToken.None);
            var mailImages = ReportRenderer.Render(report, null, await new ReportFigureQueries(db).LoadAsync(report, CancellationToken.None)).Images;
            foreach (Match img in imgs)
            {
                var file = Path.GetFileName(new Uri(new Uri(written.HtmlPath), WebUtility.HtmlDecode(img.Groups[1].Value)).LocalPath);
                var alt = WebUtility.HtmlDecode(img.Groups[2].Value);
                Assert.Equal(Assert.Single(mailImages, i => i.FileName == file).AltText, alt);
                Assert.Contains(alt, text, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("cid:", html, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [ChromiumFact]
    public async Task A_browser_opening_the_saved_html_shows_every_picture()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db);
        var folder = NewFolder();
        try
        {
            // A space and a "#" in the file's name, which the relative addresses must escape to survive.
            var written = await WriteAsync(db, Path.Combine(folder, "team d1 #2.html"));
            await using var chromium = await HeadlessChromium.StartAsync(1280, 900, scale: 1);
            await chromium.NavigateAsync(new Uri(written.HtmlPath));

            // Loaded and decoded: a missing or broken file leaves naturalWidth 0.
            Assert.True(written.Images.Count >= 2, $"a map and at least one chart, not {written.Images.Count} image(s)");
            var loaded = (await chromium.EvaluateAsync("JSON.stringify(Array.from(document.images).map(i => [i.complete, i.naturalWidth]))"))!.ToString();
            Assert.Equal(
                System.Text.Json.JsonSerializer.Serialize(written.Images.Select(_ => new object[] { true, 560 })),
                loaded);
            var height = (int)(await chromium.EvaluateAsync("document.documentElement.scrollHeight"))!;
            await chromium.ResizeAsync(1280, height, scale: 1);
            var screenshot = Path.Combine(AppContext.BaseDirectory, "report-file-desktop-full.png");
            await File.WriteAllBytesAsync(screenshot, await chromium.ScreenshotAsync());
            output.WriteLine($"Screenshot: {screenshot}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

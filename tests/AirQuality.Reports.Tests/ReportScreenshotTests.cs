using AirQuality.Aggregation;
using AirQuality.Reports;
using AirQuality.Tests.Support;
using Dapper;
using Xunit.Abstractions;
using Xunit;

namespace AirQuality.Reports.Tests;

/// <summary>What a reader sees: the rendered report opened in headless Chromium at a phone's width, measured in the browser, and photographed.</summary>
public sealed class ReportScreenshotTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    const int PhoneWidth = 390;
    const int PhoneHeight = 844;
    const int DesktopWidth = 1280;
    const int DesktopHeight = 900;

    /// <summary>.airq/test-results/report-screenshots in the repository the tests were built from, where make test keeps its results.</summary>
    static string ScreenshotFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AirQuality.sln")))
        {
            dir = dir.Parent;
        }

        var folder = Path.Combine(dir?.FullName ?? Path.GetTempPath(), ".airq", "test-results", "report-screenshots");
        Directory.CreateDirectory(folder);
        return folder;
    }

    static async Task<string> RenderToFileAsync(Npgsql.NpgsqlDataSource db, string name, DateOnly? day = null)
    {
        var queries = new ReportQueries(db, new AggregationOptions().Zone);
        var team = (await queries.TeamsAsync(CancellationToken.None)).Single(t => t.TeamId == "team-d1");
        var path = Path.Combine(Path.GetTempPath(), $"airq-report-{name}-{Guid.NewGuid():N}.html");
        await File.WriteAllTextAsync(path, ReportRenderer.Render(await queries.LoadAsync(team, day ?? ReportCity.Day, CancellationToken.None)).Html);
        return path;
    }

    /// <summary>Writes a full-page screenshot at the browser's current width to the screenshot folder.</summary>
    static async Task<string> PhotographAsync(HeadlessChromium chromium, int width, string file)
    {
        var height = (int)(await chromium.EvaluateAsync("document.documentElement.scrollHeight"))!;
        await chromium.ResizeAsync(width, height, scale: 1);
        var path = Path.Combine(ScreenshotFolder(), file);
        await File.WriteAllBytesAsync(path, await chromium.ScreenshotAsync());
        return path;
    }

    [ChromiumFact]
    public async Task Also_near_is_collapsed_until_opened_and_the_report_is_photographed_on_a_desktop_and_on_a_monday()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ReportCity.CreateAsync(db);
        var html = await RenderToFileAsync(db, "desktop");
        await using var chromium = await HeadlessChromium.StartAsync(DesktopWidth, DesktopHeight, scale: 1);

        await chromium.NavigateAsync(new Uri(html));

        const string alsoNear = "Line 27 Tianxingqiao station construction site";
        var visible = $"(() => {{ const e = Array.from(document.querySelectorAll('details div')).find(d => d.textContent.startsWith('{alsoNear}')); return !!e && e.checkVisibility({{ contentVisibilityAuto: true }}) && e.getClientRects().length > 0; }})()";
        Assert.False((bool)(await chromium.EvaluateAsync("document.querySelector('details').open"))!);
        Assert.False((bool)(await chromium.EvaluateAsync(visible))!, "the 'also near' list is open before anyone opens it");
        Assert.True((double)(await chromium.EvaluateAsync("document.querySelector('table table').getBoundingClientRect().width"))! <= 600.5);
        output.WriteLine($"Screenshot: {await PhotographAsync(chromium, DesktopWidth, "report-desktop-full.png")}");
        await chromium.EvaluateAsync("document.querySelector('details summary').click()");
        // The toggle is applied in a task of its own; on a busy machine the first look can come before it.
        var opened = false;
        for (var i = 0; i < 40 && !(opened = (bool)(await chromium.EvaluateAsync(visible))!); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(opened, "the 'also near' list does not open");
        output.WriteLine($"Screenshot: {await PhotographAsync(chromium, DesktopWidth, "report-desktop-also-near-open.png")}");
        File.Delete(html);

        // Sunday's report (sent on Monday) carries the weekly permit-review section.
        await using (var connection = await db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                UPDATE anomalies SET day = '2026-06-28' WHERE anomaly_id = ANY(@ids);
                INSERT INTO episode_contributors (anomaly_id, day, source_id, plume_share, plume_ugm3, episode_hours)
                VALUES (@plume, '2026-06-28', 'P1', 0.8, 150, 3), (@evening, '2026-06-28', 'P1', 0.7, 90, 2), (@night, '2026-06-28', 'P2', 0.6, 40, 2);
                """, new { ids = new[] { rows.PlumeId, rows.EveningId, rows.NightId }, plume = rows.PlumeId, evening = rows.EveningId, night = rows.NightId });
        }

        var monday = await RenderToFileAsync(db, "monday", new DateOnly(2026, 6, 28));
        await chromium.ResizeAsync(PhoneWidth, PhoneHeight, scale: 1);
        await chromium.NavigateAsync(new Uri(monday));
        var text = (string)(await chromium.EvaluateAsync("document.body.innerText"))!;
        Assert.Contains("Persistent contributors this week (permit review)", text, StringComparison.Ordinal);
        Assert.True((int)(await chromium.EvaluateAsync("document.documentElement.scrollWidth"))! <= PhoneWidth);
        output.WriteLine($"Screenshot: {await PhotographAsync(chromium, PhoneWidth, "report-monday-phone-full.png")}");
        File.Delete(monday);
    }

    [ChromiumFact]
    public async Task The_report_fits_a_phone_screen_and_is_photographed_there()
    {
        await using var db = await postgres.NewDatabaseAsync();
        // A name with no place to break, which a careless layout would let widen the page.
        await ReportCity.CreateAsync(db, sensorName: "Shapingba_bus_depot_rooftop_micro_sensor_number_one_on_the_east_wing_of_the_maintenance_hall");
        var html = await RenderToFileAsync(db, "phone");
        await using var chromium = await HeadlessChromium.StartAsync(PhoneWidth, PhoneHeight, scale: 2);

        await chromium.NavigateAsync(new Uri(html));

        var scrollWidth = (int)(await chromium.EvaluateAsync("document.documentElement.scrollWidth"))!;
        var widest = (double)(await chromium.EvaluateAsync("Math.max(...Array.from(document.querySelectorAll('body *'), e => e.getBoundingClientRect().right))"))!;
        var viewport = (int)(await chromium.EvaluateAsync("window.innerWidth"))!;
        var height = (int)(await chromium.EvaluateAsync("document.documentElement.scrollHeight"))!;
        Assert.Equal(PhoneWidth, viewport);
        Assert.True(scrollWidth <= PhoneWidth, $"The page is {scrollWidth} px wide on a {PhoneWidth} px phone.");
        Assert.True(widest <= PhoneWidth + 0.5, $"An element reaches {widest} px on a {PhoneWidth} px phone.");
        // The CJK names are drawn with a CJK font, not as empty boxes: their width is that of real glyphs.
        var cjk = (double)(await chromium.EvaluateAsync(
            "(() => { const s = document.createElement('span'); s.textContent = '沙坪坝区'; document.body.appendChild(s); const w = s.getBoundingClientRect().width; s.remove(); return w; })()"))!;
        Assert.InRange(cjk, 30, 120);

        var folder = ScreenshotFolder();
        foreach (var old in Directory.GetFiles(folder, "report-phone-*.png"))
        {
            File.Delete(old);
        }

        // The whole page at the phone's width, and the same in screen-sized pages, as a reader scrolls through it.
        var shots = new List<string>();
        await chromium.ResizeAsync(PhoneWidth, height, scale: 2);
        shots.Add(Path.Combine(folder, "report-phone-full.png"));
        await File.WriteAllBytesAsync(shots[^1], await chromium.ScreenshotAsync());
        for (var (top, page) = (0, 1); top < height; top += PhoneHeight, page++)
        {
            shots.Add(Path.Combine(folder, $"report-phone-page-{page}.png"));
            await File.WriteAllBytesAsync(shots[^1], await chromium.ScreenshotAsync(top, PhoneWidth, Math.Min(PhoneHeight, height - top)));
        }

        foreach (var png in shots)
        {
            var bytes = await File.ReadAllBytesAsync(png);
            Assert.True(bytes.Length > 10_000, $"{png} has only {bytes.Length} bytes.");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
            output.WriteLine($"Screenshot: {png}");
        }

        File.Delete(html);
    }

    [ChromiumFact]
    public async Task Markup_in_names_is_text_in_the_browser_with_no_element_or_script_of_its_own()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db, sensorName: "<script>document.title='owned'</script>", townshipName: "<img src=x onerror=\"document.title='owned'\">",
            sourceName: "<b onmouseover=alert(1)>Steel</b>");
        var html = await RenderToFileAsync(db, "markup");
        await using var chromium = await HeadlessChromium.StartAsync(PhoneWidth, PhoneHeight, scale: 1);

        await chromium.NavigateAsync(new Uri(html));

        Assert.Equal(0, (int)(await chromium.EvaluateAsync("document.querySelectorAll('script, img, b, [onerror], [onmouseover]').length"))!);
        Assert.NotEqual("owned", (string?)await chromium.EvaluateAsync("document.title"));
        var text = (string)(await chromium.EvaluateAsync("document.body.innerText"))!;
        Assert.Contains("<script>document.title='owned'</script>", text, StringComparison.Ordinal);
        Assert.Contains("<img src=x onerror=\"document.title='owned'\">", text, StringComparison.Ordinal);
        Assert.Contains("<b onmouseover=alert(1)>Steel</b>", text, StringComparison.Ordinal);
        File.Delete(html);
    }
}

using AirQuality.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AirQuality.EnforcementConsole.Tests;

/// <summary>The today page in headless Chromium: signed in through the form, on a phone, measured and photographed.</summary>
public sealed class TodayPageScreenshotTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    const int PhoneWidth = 390;
    const int PhoneHeight = 844;

    [ChromiumFact]
    public async Task A_team_member_signs_in_in_a_browser_and_the_today_page_fits_a_phone_with_its_map()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ConsoleCity.CreateAsync(db);
        await using var console = await RunningConsole.StartAsync(postgres, db);
        await using var chromium = await HeadlessChromium.StartAsync(PhoneWidth, PhoneHeight, scale: 2);

        // The real form, posted by the browser with its anti-forgery token and cookie.
        await chromium.NavigateAsync(new Uri(console.Address, "/signin"));
        await chromium.EvaluateAsync($"document.getElementById('name').value = 'yu.member'; document.getElementById('password').value = '{ConsoleCity.Password}'; document.querySelector('form').submit(); true");
        for (var i = 0; i < 100 && (string)(await chromium.EvaluateAsync("location.pathname"))! != "/teams/team-yuzhong/today"; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal("/teams/team-yuzhong/today", (string)(await chromium.EvaluateAsync("location.pathname"))!);
        await chromium.NavigateAsync(new Uri(console.Address, "/teams/team-yuzhong/today")); // a settled load, stylesheet included
        // The sign-in's own load event may be the one NavigateAsync saw; wait until this page's document is complete.
        for (var i = 0; i < 100 && !await DocumentCompleteAsync(chromium); i++)
        {
            await Task.Delay(50);
        }

        var text = (string)(await chromium.EvaluateAsync("document.body.innerText"))!;
        Assert.Contains(rows.YuzhongSource1, text, StringComparison.Ordinal);
        Assert.DoesNotContain(rows.JiangbeiSource, text, StringComparison.Ordinal);
        // The stylesheet applied (CSP allows 'self'): the header has its background.
        Assert.Equal("rgb(11, 61, 92)", (string)(await chromium.EvaluateAsync("getComputedStyle(document.querySelector('header')).backgroundColor"))!);
        Assert.True((int)(await chromium.EvaluateAsync("document.documentElement.scrollWidth"))! <= PhoneWidth, "the page is wider than the phone");
        var mapWidth = (double)(await chromium.EvaluateAsync("document.querySelector('svg.map').getBoundingClientRect().width"))!;
        Assert.InRange(mapWidth, 300, PhoneWidth);
        Assert.Equal(2, (int)(await chromium.EvaluateAsync("document.querySelectorAll('svg.map g.flagged').length"))!);

        var height = (int)(await chromium.EvaluateAsync("document.documentElement.scrollHeight"))!;
        await chromium.ResizeAsync(PhoneWidth, height, scale: 2);
        var folder = Path.Combine(TestRegistry.RepositoryRoot, ".airq", "test-results", "console-screenshots");
        Directory.CreateDirectory(folder);
        var png = Path.Combine(folder, "console-today-phone.png");
        var bytes = await chromium.ScreenshotAsync();
        await File.WriteAllBytesAsync(png, bytes);
        Assert.True(bytes.Length > 10_000, $"{png} has only {bytes.Length} bytes.");
        output.WriteLine($"Screenshot: {png}");
    }

    static async Task<bool> DocumentCompleteAsync(HeadlessChromium chromium)
    {
        try
        {
            return (bool)(await chromium.EvaluateAsync("document.readyState === 'complete' && document.body !== null && location.pathname === '/teams/team-yuzhong/today'"))!;
        }
        catch (InvalidOperationException)
        {
            return false; // evaluated while the page was being replaced
        }
    }
}

using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.EnforcementConsole.Tests;

/// <summary>
/// A fact that drives Debian's Chromium through playwright-core from Node.js; skipped, saying what is missing, where
/// Chromium, Node.js or <c>tests/browser/node_modules</c> (installed by <c>make setup</c>) is absent. Never passes without running.
/// </summary>
public sealed class PlaywrightFactAttribute : FactAttribute
{
    public PlaywrightFactAttribute()
    {
        if (HeadlessChromium.Executable is null)
        {
            Skip = "Chromium is not installed (make setup installs the Debian package chromium), so the console was not taken through its workflow in a browser.";
        }
        else if (BrowserScript.Node is null)
        {
            Skip = "Node.js is not on PATH (make setup installs the Debian package nodejs), so the browser script could not run.";
        }
        else if (!Directory.Exists(BrowserScript.PlaywrightModule))
        {
            Skip = $"{BrowserScript.PlaywrightModule} is missing: run make setup (npm ci in tests/browser), so the browser script could not run.";
        }
    }
}

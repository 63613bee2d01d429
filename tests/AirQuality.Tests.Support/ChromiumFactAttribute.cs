using Xunit;

namespace AirQuality.Tests.Support;

/// <summary>A fact that needs headless Chromium; skipped, saying so, where it is not installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.Executable is null)
        {
            Skip = "Chromium is not installed (make setup installs the Debian package chromium), so the report was not checked at phone width.";
        }
    }
}

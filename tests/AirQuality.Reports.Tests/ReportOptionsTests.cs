using AirQuality.Reports;
using Xunit;

namespace AirQuality.Reports.Tests;

public sealed class ReportOptionsTests
{
    [Fact]
    public void The_defaults_send_at_half_past_seven_in_shanghai_over_starttls()
    {
        var options = new ReportOptions();
        Assert.Equal((new TimeOnly(7, 30), "Asia/Shanghai", true, 4, TimeSpan.FromSeconds(30)), (options.SendAt, options.TimeZone, options.StartTls, options.MaxAttempts, options.RetryDelay));
    }

    [Fact]
    public void A_value_out_of_range_is_refused_with_a_sentence_naming_the_setting()
    {
        Assert.Equal("Reports:SmtpPort (or AIRQ_SMTP_PORT) must be between 1 and 65,535; 587 is the usual port for STARTTLS submission. (Parameter 'smtpPort')\nActual value was 0.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new ReportOptions(smtpPort: 0)).Message);
        Assert.StartsWith("Reports:MaxRetryDelay must be at least Reports:RetryDelay",
            Assert.Throws<ArgumentOutOfRangeException>(() => new ReportOptions(retryDelay: TimeSpan.FromMinutes(5), maxRetryDelay: TimeSpan.FromMinutes(1))).Message, StringComparison.Ordinal);
        Assert.StartsWith("Reports:From 'AirQuality <x@y>' is not an e-mail address",
            Assert.Throws<ArgumentOutOfRangeException>(() => new ReportOptions(from: "AirQuality <x@y>")).Message, StringComparison.Ordinal);
        Assert.StartsWith("Set both AIRQ_SMTP_USER and AIRQ_SMTP_PASSWORD",
            Assert.Throws<ArgumentOutOfRangeException>(() => ReportOptions.SmtpCredentials("airq", null)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Console_BaseUrl_must_be_an_absolute_http_address_and_gets_its_trailing_slash()
    {
        Assert.Null(new ReportOptions().ConsoleBaseUrl);
        Assert.Null(new ReportOptions().WithConsoleBaseUrl("").ConsoleBaseUrl);
        Assert.Equal("https://airq.example.org/console/", new ReportOptions().WithConsoleBaseUrl("https://airq.example.org/console").ConsoleBaseUrl!.AbsoluteUri);
        foreach (var bad in new[] { "airq.example.org", "ftp://airq.example.org/", "/console", "https://airq.example.org/?x=1" })
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ReportOptions().WithConsoleBaseUrl(bad));
            Assert.Contains($"Console:BaseUrl '{bad}' is not an absolute http or https address", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Credentials_without_starttls_are_refused_for_a_server_on_another_machine()
    {
        var credentials = ReportOptions.SmtpCredentials("airq", "secret");
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SmtpMailSender(new ReportOptions(smtpHost: "smtp.example.org", startTls: false), credentials));
        Assert.Contains("in clear text", error.Message, StringComparison.Ordinal);
        _ = new SmtpMailSender(new ReportOptions(smtpHost: "127.0.0.1", startTls: false), credentials);
    }
}

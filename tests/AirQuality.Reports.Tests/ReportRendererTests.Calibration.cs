using System.Net;
using AirQuality.Tests.Support;
using Dapper;
using Xunit;

namespace AirQuality.Reports.Tests;

public sealed partial class ReportRendererTests
{
    [Fact]
    public async Task Data_health_says_how_the_teams_micro_sensors_are_calibrated()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db);
        var (before, _) = await RenderAsync(db);
        Assert.Equal("Micro sensors: none of 3 calibrated yet; PM2.5 figures are as the sensors read them.", before.Health.Calibration!.Describe());

        // S1 fitted against a station near it, S2 given the city-wide model (two versions: the latest counts), S5 none; S3 is another team's.
        await using (var connection = await db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                INSERT INTO sensor_calibrations (sensor_id, version, valid_from, method, scope, kappa, window_from, window_to, n_hours, rmse_ugm3,
                                                 cv_rmse_ugm3, cv_rmse_linear_ugm3, cv_rmse_hygroscopic_ugm3, raw_rmse_ugm3, stations, humidity_source)
                SELECT id, version, '2026-06-01', 'hygroscopic', scope, 0.05, '2026-06-01', '2026-06-29', 500, 3, 3.2, 3.5, 3.2, 6, ARRAY['S3'], 'sensor'
                FROM (VALUES ('S1', 1, 'sensor'), ('S2', 1, 'sensor'), ('S2', 2, 'network'), ('S3', 1, 'sensor')) AS v(id, version, scope)
                """);
        }

        var (report, rendered) = await RenderAsync(db);
        var calibration = report.Health.Calibration!;
        Assert.Equal((3, 1, 1), (calibration.MicroSensors, calibration.Own, calibration.Network));
        const string Line = "Micro sensors: 1 of 3 calibrated against a national station near them, 1 with the city-wide model, 1 not calibrated.";
        Assert.Equal(Line, calibration.Describe());
        Assert.Contains(Line, rendered.Text, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(Line), rendered.Html, StringComparison.Ordinal);
    }
}

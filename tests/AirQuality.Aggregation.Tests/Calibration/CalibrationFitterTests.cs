using AirQuality.Aggregation.Calibration;
using Xunit;

namespace AirQuality.Aggregation.Tests.Calibration;

public sealed class CalibrationFitterTests
{
    /// <summary>Hours over <paramref name="days"/> days with a wandering true concentration and humidity from 35% to 98%.</summary>
    static List<(double Truth, double Rh, int Day)> Hours(int days, int seed)
    {
        var random = new Random(seed);
        var truth = 35.0;
        var hours = new List<(double, double, int)>();
        for (var h = 0; h < days * 24; h++)
        {
            truth = Math.Clamp(truth + 4 * (random.NextDouble() - 0.5), 5, 150);
            var rh = Math.Clamp(70 + 22 * Math.Cos(h * Math.PI / 12) + 8 * (random.NextDouble() - 0.5), 35, 98);
            hours.Add((truth, rh, 20_000 + h / 24));
        }

        return hours;
    }

    /// <summary>Least squares of <c>Reference</c> on [<c>Raw</c>, <c>Rh</c>, 1] by Cramer's rule on centred sums: a computation independent of the fitter's elimination.</summary>
    static (double A, double B, double C) ClosedForm(IReadOnlyList<CalibrationSample> s)
    {
        double mx = s.Average(p => p.Raw), mr = s.Average(p => p.Rh), my = s.Average(p => p.Reference);
        double sxx = 0, srr = 0, sxr = 0, sxy = 0, sry = 0;
        foreach (var p in s)
        {
            double x = p.Raw - mx, r = p.Rh - mr, y = p.Reference - my;
            sxx += x * x;
            srr += r * r;
            sxr += x * r;
            sxy += x * y;
            sry += r * y;
        }

        var det = sxx * srr - sxr * sxr;
        var a = (sxy * srr - sry * sxr) / det;
        var b = (sry * sxx - sxy * sxr) / det;
        return (a, b, my - a * mx - b * mr);
    }

    [Fact]
    public void The_linear_fit_recovers_known_coefficients_and_agrees_with_closed_form_least_squares_on_noisy_data()
    {
        var random = new Random(3);
        // The reference is a·raw + b·RH + c exactly: a sensor reading high by RH.
        var exact = Hours(6, 1).Select(h => new CalibrationSample((h.Truth - (-0.12 * h.Rh) - 3.5) / 0.82, h.Rh, h.Truth, h.Day)).ToList();
        var model = CalibrationFitter.FitLinear(exact);
        Assert.Equal(0.82, model.A, 1e-9);
        Assert.Equal(-0.12, model.B, 1e-9);
        Assert.Equal(3.5, model.C, 1e-7);

        // Noise on the sensor's side (its own air and its own noise): the fit is the sensor regressed on the reference and RH, inverted.
        var noisy = exact.Select(s => s with { Raw = s.Raw + 3 * (random.NextDouble() - 0.5) }).ToList();
        var (alpha, beta, gamma) = ClosedForm(noisy.Select(s => new CalibrationSample(s.Reference, s.Rh, s.Raw, s.Day)).ToList());
        var fitted = CalibrationFitter.FitLinear(noisy);
        Assert.Equal(1 / alpha, fitted.A, 1e-9);
        Assert.Equal(-beta / alpha, fitted.B, 1e-9);
        Assert.Equal(-gamma / alpha, fitted.C, 1e-7);
        Assert.Equal(0.82, fitted.A, 0.02);
    }

    [Fact]
    public void The_hygroscopic_fit_recovers_a_known_kappa_and_finds_the_least_squares_minimum_on_noisy_data()
    {
        var exact = Hours(5, 2).Select(h => new CalibrationSample(h.Truth * (1 + 0.07 * CalibrationModel.Growth(h.Rh)), h.Rh, h.Truth, h.Day)).ToList();
        Assert.Equal(0.07, CalibrationFitter.FitHygroscopic(exact).Kappa, 1e-6);

        var random = new Random(4);
        var noisy = exact.Select(s => s with { Reference = s.Reference * (1 + 0.1 * (random.NextDouble() - 0.5)) }).ToList();
        var kappa = CalibrationFitter.FitHygroscopic(noisy).Kappa;
        // Independently: a fine scan of the squared error; the fitted κ is at least as good as its best point.
        static double Sse(IReadOnlyList<CalibrationSample> s, double k) => s.Sum(p => Math.Pow(p.Reference - p.Raw / (1 + k * CalibrationModel.Growth(p.Rh)), 2));
        var scanned = Enumerable.Range(0, 20_001).Select(i => i * 0.5 / 20_000).MinBy(k => Sse(noisy, k));
        Assert.Equal(scanned, kappa, 1e-4);
        Assert.True(Sse(noisy, kappa) <= Sse(noisy, scanned) + 1e-9);
    }

    [Fact]
    public void Cross_validation_over_days_picks_the_model_that_made_the_data()
    {
        var random = new Random(5);
        var hours = Hours(10, 5);
        double Noise() => 1 + 0.03 * (random.NextDouble() - 0.5);
        var linear = hours.Select(h => new CalibrationSample((h.Truth + 0.3 * (h.Rh - 60) - 4) / 0.9 * Noise(), h.Rh, h.Truth, h.Day)).ToList();
        var hygroscopic = hours.Select(h => new CalibrationSample(h.Truth * (1 + 0.09 * CalibrationModel.Growth(h.Rh)) * Noise(), h.Rh, h.Truth, h.Day)).ToList();

        var l = CalibrationFitter.Fit(linear, 7)!;
        var g = CalibrationFitter.Fit(hygroscopic, 7)!;
        Assert.Equal(CalibrationMethod.LinearRh, l.Model.Method);
        Assert.True(l.CvRmseLinear < l.CvRmseHygroscopic);
        Assert.Equal(CalibrationMethod.Hygroscopic, g.Model.Method);
        Assert.True(g.CvRmseHygroscopic < g.CvRmseLinear);
        Assert.Equal(0.09, g.Model.Kappa, 0.005);
        Assert.True(g.Rmse < g.RawRmse / 4, $"corrected RMSE {g.Rmse} against raw {g.RawRmse}");
        Assert.Equal(hours.Count, g.Hours);
        Assert.InRange(g.R2, 0.95, 1);
    }

    [Fact]
    public void Hours_of_a_single_day_are_not_enough_to_cross_validate()
    {
        var oneDay = Hours(1, 6).Select(h => new CalibrationSample(h.Truth, h.Rh, h.Truth, h.Day)).ToList();
        Assert.Null(CalibrationFitter.Fit(oneDay, 7));
    }

    [Fact]
    public void Constant_humidity_leaves_the_humidity_term_out_instead_of_failing()
    {
        var flat = Hours(3, 7).Select(h => new CalibrationSample(h.Truth * 1.25 + 2, 80, h.Truth, h.Day)).ToList();
        var model = CalibrationFitter.FitLinear(flat);
        Assert.Equal(0, model.B);
        Assert.Equal(0.8, model.A, 1e-9);
        Assert.Equal(-1.6, model.C, 1e-7);
    }
}

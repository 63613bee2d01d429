namespace AirQuality.Aggregation.Calibration;

/// <summary>
/// Fits both correction models to paired hours by least squares and chooses between them by cross-validation over
/// whole days (hours of one day are correlated, so a random split would flatter the more flexible model).
/// </summary>
public static class CalibrationFitter
{
    /// <summary>The hygroscopic κ is searched in [0, this]; the simulator's and published optical sensors' growth stays well below.</summary>
    public const double MaxKappa = 5;

    /// <summary>
    /// Fits both models to <paramref name="samples"/>, estimates each one's error on days it was not fitted on
    /// (folds of days, day index mod <paramref name="folds"/>), and returns the one with the lower cross-validated
    /// RMSE, refitted on every sample. Null when the samples cover fewer than two days.
    /// </summary>
    public static CalibrationFit? Fit(IReadOnlyList<CalibrationSample> samples, int folds)
    {
        var days = samples.Select(s => s.Day).Distinct().Order().ToList();
        if (days.Count < 2)
        {
            return null;
        }

        var k = Math.Min(folds, days.Count);
        var foldOfDay = days.Select((d, i) => (d, i % k)).ToDictionary(x => x.d, x => x.Item2);
        var cvLinear = CrossValidatedRmse(samples, foldOfDay, k, FitLinear);
        var cvHygroscopic = CrossValidatedRmse(samples, foldOfDay, k, FitHygroscopic);
        var (method, cv) = cvLinear <= cvHygroscopic ? (CalibrationMethod.LinearRh, cvLinear) : (CalibrationMethod.Hygroscopic, cvHygroscopic);
        var model = method == CalibrationMethod.LinearRh ? FitLinear(samples) : FitHygroscopic(samples);
        var mean = samples.Average(s => s.Reference);
        double sse = 0, sst = 0, rawSse = 0;
        foreach (var s in samples)
        {
            sse += Square(s.Reference - model.Apply(s.Raw, s.Rh));
            sst += Square(s.Reference - mean);
            rawSse += Square(s.Reference - s.Raw);
        }

        return new CalibrationFit(model, samples.Count, sst > 0 ? 1 - sse / sst : double.NaN, Math.Sqrt(sse / samples.Count), cv, cvLinear, cvHygroscopic,
            Math.Sqrt(rawSse / samples.Count));
    }

    /// <summary>
    /// The sensor's response to the reference by ordinary least squares, raw = α·reference + β·RH + γ, inverted into
    /// corrected = a·raw + b·RH + c (a = 1/α, b = −β/α, c = −γ/α); without RH (β = 0) when RH does not vary.
    /// </summary>
    /// <remarks>
    /// Why not the reference regressed on raw directly: a station even 500 m away does not breathe the sensor's air
    /// (local plumes, noise), and that difference sits on the raw side of such a regression, where it pulls the
    /// slope towards 0 and flattens the sensor's own peaks (regression dilution). Measured on simulated cities with
    /// known truth, the direct fit made the micro sensors' hourly RMSE 15% to 120% worse; regressing the sensor on the
    /// reference, as the EPA evaluates sensors, leaves the difference on the side least squares tolerates
    /// (docs/calibration.md).
    /// </remarks>
    public static CalibrationModel FitLinear(IReadOnlyList<CalibrationSample> samples)
    {
        // Normal equations XᵀX β = Xᵀy for X = [reference, rh, 1], y = raw.
        var m = new double[3, 4];
        foreach (var s in samples)
        {
            ReadOnlySpan<double> x = [s.Reference, s.Rh, 1];
            for (var i = 0; i < 3; i++)
            {
                for (var j = 0; j < 3; j++)
                {
                    m[i, j] += x[i] * x[j];
                }

                m[i, 3] += x[i] * s.Raw;
            }
        }

        var (alpha, beta, gamma) = Solve(m) is { } full
            ? (full[0], full[1], full[2])
            : Solve(new double[2, 3] { { m[0, 0], m[0, 2], m[0, 3] }, { m[2, 0], m[2, 2], m[2, 3] } }) is { } reduced
                ? (reduced[0], 0.0, reduced[1])
                : (double.NaN, 0.0, 0.0);
        // A sensor that does not follow the reference at all cannot be inverted; the mean of the reference is the best it gets.
        return alpha > 1e-3
            ? new CalibrationModel(CalibrationMethod.LinearRh, A: 1 / alpha, B: -beta / alpha, C: -gamma / alpha)
            : new CalibrationModel(CalibrationMethod.LinearRh, A: 0, B: 0, C: samples.Average(s => s.Reference));
    }

    /// <summary>κ minimising the squared error of raw / (1 + κ·RH/(100 − RH)) against the reference, over [0, <see cref="MaxKappa"/>].</summary>
    public static CalibrationModel FitHygroscopic(IReadOnlyList<CalibrationSample> samples)
    {
        var growth = samples.Select(s => CalibrationModel.Growth(s.Rh)).ToArray();
        double Sse(double kappa)
        {
            double sum = 0;
            for (var i = 0; i < samples.Count; i++)
            {
                sum += Square(samples[i].Reference - samples[i].Raw / (1 + kappa * growth[i]));
            }

            return sum;
        }

        // A coarse scan (finer near 0, where real κ lie) brackets the minimum; golden-section search refines it.
        const int Steps = 60;
        double At(int i) => MaxKappa * Square((double)i / Steps);
        var best = Enumerable.Range(0, Steps + 1).MinBy(i => Sse(At(i)));
        double lo = At(Math.Max(0, best - 1)), hi = At(Math.Min(Steps, best + 1));
        var ratio = (Math.Sqrt(5) - 1) / 2;
        double x1 = hi - ratio * (hi - lo), x2 = lo + ratio * (hi - lo);
        double f1 = Sse(x1), f2 = Sse(x2);
        for (var i = 0; i < 60 && hi - lo > 1e-9; i++)
        {
            if (f1 <= f2)
            {
                (hi, x2, f2) = (x2, x1, f1);
                x1 = hi - ratio * (hi - lo);
                f1 = Sse(x1);
            }
            else
            {
                (lo, x1, f1) = (x1, x2, f2);
                x2 = lo + ratio * (hi - lo);
                f2 = Sse(x2);
            }
        }

        var kappa = (lo + hi) / 2;
        var atEdge = Sse(At(best));
        return new CalibrationModel(CalibrationMethod.Hygroscopic, Kappa: Sse(kappa) <= atEdge ? kappa : At(best));
    }

    static double CrossValidatedRmse(IReadOnlyList<CalibrationSample> samples, Dictionary<int, int> foldOfDay, int folds,
        Func<IReadOnlyList<CalibrationSample>, CalibrationModel> fit)
    {
        double sse = 0;
        for (var f = 0; f < folds; f++)
        {
            var training = samples.Where(s => foldOfDay[s.Day] != f).ToList();
            var model = fit(training);
            foreach (var s in samples)
            {
                if (foldOfDay[s.Day] == f)
                {
                    sse += Square(s.Reference - model.Apply(s.Raw, s.Rh));
                }
            }
        }

        return Math.Sqrt(sse / samples.Count);
    }

    /// <summary>Gaussian elimination with partial pivoting on a copy of an n×(n+1) augmented matrix; null when singular.</summary>
    static double[]? Solve(double[,] augmented)
    {
        var m = (double[,])augmented.Clone();
        var n = m.GetLength(0);
        var scale = 0.0;
        for (var i = 0; i < n; i++)
        {
            scale = Math.Max(scale, Math.Abs(m[i, i]));
        }

        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++)
            {
                if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col]))
                {
                    pivot = r;
                }
            }

            if (Math.Abs(m[pivot, col]) <= 1e-10 * Math.Max(scale, 1))
            {
                return null;
            }

            for (var c = 0; c <= n; c++)
            {
                (m[col, c], m[pivot, c]) = (m[pivot, c], m[col, c]);
            }

            for (var r = 0; r < n; r++)
            {
                if (r != col)
                {
                    var factor = m[r, col] / m[col, col];
                    for (var c = col; c <= n; c++)
                    {
                        m[r, c] -= factor * m[col, c];
                    }
                }
            }
        }

        var x = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = m[i, n] / m[i, i];
        }

        return x;
    }

    static double Square(double x) => x * x;
}

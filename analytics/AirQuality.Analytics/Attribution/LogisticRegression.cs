namespace AirQuality.Analytics.Attribution;

/// <summary>
/// An L2-regularised logistic regression on standardised features (z = (x − mean) / scale), fitted by Newton's method
/// (iteratively reweighted least squares): small, deterministic, and its log-odds split exactly into per-feature
/// contributions. The intercept is not penalised. Serialised as part of <see cref="ModelFile"/>.
/// </summary>
public sealed record LogisticRegression(IReadOnlyList<string> Features, double[] Means, double[] Scales, double[] Weights, double Intercept)
{
    public static LogisticRegression Fit(IReadOnlyList<string> features, IReadOnlyList<double[]> rows, IReadOnlyList<bool> labels, double l2)
    {
        if (rows.Count != labels.Count || rows.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), rows.Count, "Training needs at least one row and a label for each.");
        }

        var p = features.Count;
        var means = new double[p];
        var scales = new double[p];
        for (var k = 0; k < p; k++)
        {
            means[k] = rows.Average(r => r[k]);
            var variance = rows.Average(r => (r[k] - means[k]) * (r[k] - means[k]));
            scales[k] = variance > 1e-12 ? Math.Sqrt(variance) : 1;
        }

        // Newton steps on β = (intercept, weights); the intercept is not penalised.
        var beta = new double[p + 1];
        var z = new double[p + 1];
        z[0] = 1;
        for (var iteration = 0; iteration < 50; iteration++)
        {
            var gradient = new double[p + 1];
            var hessian = new double[p + 1, p + 1];
            for (var i = 0; i < rows.Count; i++)
            {
                for (var k = 0; k < p; k++)
                {
                    z[k + 1] = (rows[i][k] - means[k]) / scales[k];
                }

                var mu = Sigmoid(Dot(beta, z));
                var residual = (labels[i] ? 1 : 0) - mu;
                var w = Math.Max(mu * (1 - mu), 1e-9);
                for (var a = 0; a <= p; a++)
                {
                    gradient[a] += residual * z[a];
                    for (var b = 0; b <= a; b++)
                    {
                        hessian[a, b] += w * z[a] * z[b];
                    }
                }
            }

            for (var a = 1; a <= p; a++)
            {
                gradient[a] -= l2 * beta[a];
                hessian[a, a] += l2;
            }

            for (var a = 0; a <= p; a++)
            {
                for (var b = a + 1; b <= p; b++)
                {
                    hessian[a, b] = hessian[b, a];
                }
            }

            var step = Solve(hessian, gradient);
            var change = 0.0;
            for (var a = 0; a <= p; a++)
            {
                beta[a] += step[a];
                change = Math.Max(change, Math.Abs(step[a]));
            }

            if (change < 1e-8)
            {
                break;
            }
        }

        return new LogisticRegression([.. features], means, scales, beta[1..], beta[0]);
    }

    public double Probability(ReadOnlySpan<double> x) => Sigmoid(LogOdds(x));

    public double LogOdds(ReadOnlySpan<double> x)
    {
        var sum = Intercept;
        for (var k = 0; k < Weights.Length; k++)
        {
            sum += Weights[k] * (x[k] - Means[k]) / Scales[k];
        }

        return sum;
    }

    /// <summary>Each feature's push on the log-odds against the training mean, largest first; with the intercept they sum to <see cref="LogOdds"/>.</summary>
    public IReadOnlyList<(string Feature, double LogOdds)> Contributions(ReadOnlySpan<double> x)
    {
        var result = new (string, double)[Features.Count];
        for (var k = 0; k < result.Length; k++)
        {
            result[k] = (Features[k], Weights[k] * (x[k] - Means[k]) / Scales[k]);
        }

        return [.. result.OrderByDescending(c => c.Item2)];
    }

    static double Sigmoid(double t) => t >= 0 ? 1 / (1 + Math.Exp(-t)) : Math.Exp(t) / (1 + Math.Exp(t));

    static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>Solves the symmetric positive definite system by Gaussian elimination with partial pivoting.</summary>
    static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (var c = 0; c < n; c++)
        {
            var pivot = c;
            for (var r = c + 1; r < n; r++)
            {
                if (Math.Abs(m[r, c]) > Math.Abs(m[pivot, c]))
                {
                    pivot = r;
                }
            }

            for (var k = 0; k < n; k++)
            {
                (m[c, k], m[pivot, k]) = (m[pivot, k], m[c, k]);
            }

            (x[c], x[pivot]) = (x[pivot], x[c]);
            for (var r = c + 1; r < n; r++)
            {
                var f = m[r, c] / m[c, c];
                for (var k = c; k < n; k++)
                {
                    m[r, k] -= f * m[c, k];
                }

                x[r] -= f * x[c];
            }
        }

        for (var r = n - 1; r >= 0; r--)
        {
            for (var k = r + 1; k < n; k++)
            {
                x[r] -= m[r, k] * x[k];
            }

            x[r] /= m[r, r];
        }

        return x;
    }
}

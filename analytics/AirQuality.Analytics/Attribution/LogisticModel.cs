using System.Text.Json;

namespace AirQuality.Analytics.Attribution;

/// <summary>
/// L2-regularised logistic regression on standardised features, fitted by Newton's method (iteratively reweighted
/// least squares): small, deterministic, and its log-odds split exactly into per-feature contributions for the explanation.
/// </summary>
/// <remarks>Lifecycle as in ML.NET: <see cref="Fit"/>, evaluate (see <c>ModelEvaluation</c>), <see cref="Save"/>, <see cref="Load"/>.</remarks>
public sealed class LogisticModel : IAttributionModel
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    LogisticModel(ModelFile file) => File = file;

    public ModelFile File { get; }

    public string Version => File.Version;

    public IReadOnlyList<string> Features => File.Features;

    public double AbstainBelow => File.AbstainBelow;

    /// <summary>Fits on rows of features with 0/1 labels. The abstention threshold and metadata are set with <see cref="With"/>.</summary>
    public static LogisticModel Fit(IReadOnlyList<string> features, IReadOnlyList<double[]> rows, IReadOnlyList<bool> labels, double l2, string version, string trainingData, int episodes)
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

        return new LogisticModel(new ModelFile(ModelFile.CurrentFormat, version, "logistic_regression_l2", DateTimeOffset.UtcNow, trainingData, episodes, rows.Count,
            labels.Count(x => x), l2, [.. features], means, scales, beta[1..], beta[0], 0.5, new Dictionary<string, double>()));
    }

    /// <summary>The same model with another abstention threshold and training metrics recorded.</summary>
    public LogisticModel With(double abstainBelow, IReadOnlyDictionary<string, double> metrics) =>
        new(File with { AbstainBelow = abstainBelow, TrainingMetrics = metrics });

    public double Probability(ReadOnlySpan<double> features) => Sigmoid(LogOdds(features));

    public IReadOnlyList<(string Feature, double LogOdds)> Contributions(ReadOnlySpan<double> features)
    {
        var result = new (string, double)[File.Features.Count];
        for (var k = 0; k < result.Length; k++)
        {
            result[k] = (File.Features[k], File.Weights[k] * (features[k] - File.Means[k]) / File.Scales[k]);
        }

        return [.. result.OrderByDescending(c => c.Item2)];
    }

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        System.IO.File.WriteAllText(temporary, JsonSerializer.Serialize(File, Json) + "\n");
        System.IO.File.Move(temporary, path, overwrite: true);
    }

    public static LogisticModel Load(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new InvalidOperationException($"No attribution model at {path}: train one with ./airq model train (or set Attribution:ModelPath).");
        }

        var file = JsonSerializer.Deserialize<ModelFile>(System.IO.File.ReadAllText(path))
            ?? throw new InvalidOperationException($"{path} is empty.");
        if (file.Format != ModelFile.CurrentFormat)
        {
            throw new InvalidOperationException($"{path} is a \"{file.Format}\" model; this version reads \"{ModelFile.CurrentFormat}\". Retrain with ./airq model train.");
        }

        if (!file.Features.SequenceEqual(CandidateFeatures.Names) || file.Weights.Length != file.Features.Count)
        {
            throw new InvalidOperationException($"{path} was trained on other features ({string.Join(", ", file.Features)}). Retrain with ./airq model train.");
        }

        return new LogisticModel(file);
    }

    double LogOdds(ReadOnlySpan<double> x)
    {
        var sum = File.Intercept;
        for (var k = 0; k < File.Weights.Length; k++)
        {
            sum += File.Weights[k] * (x[k] - File.Means[k]) / File.Scales[k];
        }

        return sum;
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

namespace AirQuality.Attribution.Training;

/// <summary>
/// Isotonic calibration (pool adjacent violators) of out-of-fold probabilities, itself cross-fitted by fold: each
/// fold's probabilities are mapped by a step function fitted on the other folds only, so it can be compared with the
/// Platt calibration on days neither saw. A measurement for training's report, not (yet) what the model ships.
/// </summary>
public static class IsotonicCheck
{
    /// <summary>Each row's probability recalibrated by an isotonic fit on the rows of the other folds.</summary>
    public static double[] CrossFitted(IReadOnlyList<double> probabilities, IReadOnlyList<bool> labels, IReadOnlyList<int> folds)
    {
        var result = new double[probabilities.Count];
        foreach (var fold in folds.Distinct())
        {
            var train = Enumerable.Range(0, probabilities.Count).Where(i => folds[i] != fold).ToArray();
            var map = Fit([.. train.Select(i => probabilities[i])], [.. train.Select(i => labels[i])]);
            for (var i = 0; i < probabilities.Count; i++)
            {
                if (folds[i] == fold)
                {
                    result[i] = map(probabilities[i]);
                }
            }
        }

        return result;
    }

    /// <summary>
    /// The non-decreasing step function of the probability closest to the labels (least squares), by pooling adjacent
    /// violators; kept within [0.0005, 0.9995] so that no probability is certain; a value between two steps takes the lower.
    /// </summary>
    public static Func<double, double> Fit(IReadOnlyList<double> probabilities, IReadOnlyList<bool> labels)
    {
        if (probabilities.Count == 0)
        {
            return p => p;
        }

        var order = Enumerable.Range(0, probabilities.Count).OrderBy(i => probabilities[i]).ToArray();
        var blocks = new List<(double From, double Sum, int Count)>();
        foreach (var i in order)
        {
            blocks.Add((probabilities[i], labels[i] ? 1 : 0, 1));
            while (blocks.Count > 1 && blocks[^2].Sum / blocks[^2].Count >= blocks[^1].Sum / blocks[^1].Count)
            {
                var (last, before) = (blocks[^1], blocks[^2]);
                blocks.RemoveRange(blocks.Count - 2, 2);
                blocks.Add((before.From, before.Sum + last.Sum, before.Count + last.Count));
            }
        }

        var from = blocks.Select(b => b.From).ToArray();
        var value = blocks.Select(b => Math.Clamp(b.Sum / b.Count, 0.0005, 0.9995)).ToArray();
        return p =>
        {
            var at = Array.BinarySearch(from, p);
            return value[Math.Max(0, at >= 0 ? at : ~at - 1)];
        };
    }
}

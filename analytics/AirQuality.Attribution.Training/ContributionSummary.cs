namespace AirQuality.Attribution.Training;

/// <summary>
/// Which features pushed the sources listed to inspect up, on average, split by whether the source had an incident
/// then: a feature that pushes the wrong inspections far more on one kind of world than on another is where the model
/// leans on physics it was trained on.
/// </summary>
/// <remarks>
/// Over every flag at or above the inspection threshold (a source may count once per episode it was flagged for), the
/// mean of each feature's contribution to the candidate classifier's raw score (log-odds before calibration), a
/// feature that was not measured under its own "(missing)" name; features that never contributed count 0.
/// </remarks>
public sealed record ContributionSummary(int Right, int Wrong, IReadOnlyList<(string Feature, double MeanRight, double MeanWrong)> Features)
{
    public static ContributionSummary Compute(IAttributionModel model, IReadOnlyList<LabelledEpisode> episodes, int maxFlags)
    {
        var method = ModelEvaluation.Methods(model, maxFlags)[0];
        var (right, wrong) = (new Dictionary<string, double>(), new Dictionary<string, double>());
        var (rightCount, wrongCount) = (0, 0);
        foreach (var e in episodes)
        {
            var scores = method.Scores(e);
            foreach (var i in ModelEvaluation.Pick(method, e, maxFlags).Where(i => scores[i] >= model.InspectAtOrAbove))
            {
                var sums = e.IncidentThen[i] ? right : wrong;
                _ = e.IncidentThen[i] ? rightCount++ : wrongCount++;
                foreach (var (feature, contribution) in model.Contributions(e.Candidates[i].Features))
                {
                    sums[feature] = sums.GetValueOrDefault(feature) + contribution;
                }
            }
        }

        double Mean(Dictionary<string, double> sums, string feature, int count) => count == 0 ? double.NaN : sums.GetValueOrDefault(feature) / count;
        return new ContributionSummary(rightCount, wrongCount, [.. right.Keys.Union(wrong.Keys)
            .Select(f => (f, Mean(right, f, rightCount), Mean(wrong, f, wrongCount)))
            .OrderByDescending(f => double.IsNaN(f.Item3) ? double.NegativeInfinity : f.Item3)]);
    }
}

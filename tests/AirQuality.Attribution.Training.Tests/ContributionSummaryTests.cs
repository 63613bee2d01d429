using AirQuality.Attribution.Training;
using Xunit;

namespace AirQuality.Attribution.Training.Tests;

public sealed class ContributionSummaryTests
{
    [Fact]
    public void Only_flags_listed_to_inspect_count_and_wrong_ones_are_averaged_apart_from_right_ones()
    {
        // The fake model's probability is the first feature and each feature contributes its own value.
        var model = new FakeModel(inspectAtOrAbove: 0.5);
        LabelledEpisode[] episodes =
        [
            Episode((0.9, 1.0, true)), // listed, had an incident: right
            Episode((0.8, 3.0, false)), // listed without an incident: wrong
            Episode((0.6, 1.0, false)), // wrong as well
            Episode((0.3, 9.0, false)), // flagged but below the inspection threshold: not counted
        ];

        var summary = ContributionSummary.Compute(model, episodes, maxFlags: 3);

        Assert.Equal((1, 2), (summary.Right, summary.Wrong));
        var second = summary.Features.Single(f => f.Feature == "b");
        Assert.Equal(2.0, second.MeanWrong, 9);
        Assert.Equal(1.0, second.MeanRight, 9);
        Assert.Equal("b", summary.Features[0].Feature); // largest push on the wrong ones first (b 2.0 against a 0.7)
    }

    static LabelledEpisode Episode((double P, double B, bool IncidentThen) c) =>
        new("w", new AttributionEpisode(0, new DateOnly(2025, 3, 4), [0], 1, 2, 0, 1), LabelledEpisode.Incident, "",
            [new Candidate(0, [c.P, c.B], new CandidateFacts(1, 0, 1, 1, null, null, null, null, 0, 0, 0, 0, 1, 0.5, 0, 1, false, false, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN))],
            [c.IncidentThen], [c.IncidentThen], [0]);

    sealed class FakeModel(double inspectAtOrAbove) : IAttributionModel
    {
        public string Version => "fake";
        public IReadOnlyList<string> Features => ["a", "b"];
        public double AbstainBelow => 0;
        public double InspectAtOrAbove => inspectAtOrAbove;
        public double Probability(ReadOnlySpan<double> features) => features[0];
        public double RegisteredSourceProbability(IReadOnlyList<Candidate> candidates, IReadOnlyList<double> probabilities, int maxFlags) => 1;
        public IReadOnlyList<(string Feature, double LogOdds)> Contributions(ReadOnlySpan<double> features) => [("a", features[0]), ("b", features[1])];
    }
}

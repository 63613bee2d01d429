using AirQuality.Attribution.Training;
using AirQuality.Simulation.Truth;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.Attribution.Training.Tests;

public sealed class RecallBreakdownTests
{
    static readonly DateOnly Day = new(2025, 3, 4);

    [Fact]
    public void Each_incident_is_counted_at_the_step_that_lost_it()
    {
        var registry = TestRegistry.Shipped();
        string Id(int source) => registry.Sources[source].SourceId;
        // Sources 0-3 each had a found incident: 0's episode is abstained on, 1 is right but second where one flag is
        // kept, 2 is flagged below the inspection threshold, 3 is listed. Source 4's incident was missed by the detector,
        // yet 4 is listed that day from an episode it did not raise; source 5's incident raised no sensor enough to count.
        LabelledEpisode[] episodes =
        [
            Episode(registered: 0.1, (0, 0.9, true)),
            Episode(registered: 0.9, (6, 0.8, false), (1, 0.3, true)),
            Episode(registered: 0.9, (2, 0.3, true)),
            Episode(registered: 0.9, (3, 0.7, true)),
            Episode(registered: 0.9, (4, 0.7, false)),
        ];
        ScoredIncident[] incidents =
        [
            Incident(Id(0), 40, found: true), Incident(Id(1), 40, found: true), Incident(Id(2), 40, found: true),
            Incident(Id(3), 40, found: true), Incident(Id(4), 40, found: false), Incident(Id(5), 5, found: true),
        ];
        var method = new ModelEvaluation.Method("model", e => [.. e.Candidates.Select(c => c.Features[0])], (e, _) => e.TruePlume[0], AbstainBelow: 0.5);

        var breakdown = RecallBreakdown.Compute(method, episodes, incidents, registry, maxFlags: 1, inspectAtOrAbove: 0.5);

        Assert.Equal(new RecallBreakdown(Targets: 5, Found: 4, Flagged: 3, RightAmongFlags: 2, ToInspect: 1, Listed: 2, ListedNotFound: 1), breakdown);
        // The last step is the end-to-end recall's numerator.
        Assert.Equal(breakdown.Listed, InspectionEvaluation.Score(method, episodes, incidents, registry, 1, 1, 0.5).Recall.Hits);
    }

    /// <summary>An episode whose candidates are (source, probability, right); the episode's registered-source probability rides in TruePlume[0].</summary>
    static LabelledEpisode Episode(double registered, params (int Source, double P, bool Right)[] candidates) =>
        new("w", new AttributionEpisode(0, Day, [0], 10, 12, 0, 11), candidates.Any(c => c.Right) ? LabelledEpisode.Incident : LabelledEpisode.Everyday, "",
            [.. candidates.Select(c => new Candidate(c.Source, [c.P], Facts()))], [.. candidates.Select(c => c.Right)], [.. candidates.Select(c => c.Right)],
            [registered]);

    static ScoredIncident Incident(string sourceId, double raise, bool found)
    {
        var start = new DateTimeOffset(2025, 3, 4, 2, 0, 0, TimeSpan.Zero);
        return new ScoredIncident("w", new Incident(sourceId, AirQuality.Simulation.Truth.Incident.RegisteredSource, 0, 0, start, start.AddHours(3), 1, false), Day, Day, raise, found);
    }

    static CandidateFacts Facts() => new(1, 0, 1, 1, null, null, null, null, 0, 0, 0, 0, 1, 0.5, 0, 1, false, false, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
}

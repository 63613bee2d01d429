using AirQuality.Attribution;
using Xunit;

namespace AirQuality.Attribution.Tests;

public sealed class CandidateFeatureValuesTests
{
    [Fact]
    public void Each_named_field_lands_at_the_position_of_its_name()
    {
        var x = new CandidateFeatureValues { WindAlignment = 0.5, TelemetryZ = 3, So2FootprintCorrelation = -0.25 }.ToVector();

        Assert.Equal(CandidateFeatures.Names.Count, x.Length);
        Assert.Equal(0.5, x[CandidateFeatures.Index("wind_alignment")]);
        Assert.Equal(3, x[CandidateFeatures.Index("telemetry_z")]);
        Assert.Equal(-0.25, x[CandidateFeatures.Index("so2_footprint_correlation")]);
        Assert.Equal(3, x.Count(v => !double.IsNaN(v)));
    }

    [Fact]
    public void A_feature_nobody_set_is_missing_not_zero()
    {
        Assert.All(new CandidateFeatureValues().ToVector(), v => Assert.True(double.IsNaN(v)));
    }

    [Fact]
    public void Names_are_unique_and_an_unknown_name_is_refused()
    {
        Assert.Equal(CandidateFeatures.Names.Count, CandidateFeatures.Names.Distinct(StringComparer.Ordinal).Count());
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CandidateFeatures.Index("no_such_feature"));
        Assert.Contains("no_such_feature", error.Message, StringComparison.Ordinal);
    }
}

using AirQuality.Attribution;
using Xunit;

namespace AirQuality.Attribution.Tests;

public sealed class FlagSelectionTests
{
    static readonly double[] Probabilities = [0.10, 0.60, 0.01, 0.30, 0.05];

    [Fact]
    public void Below_the_threshold_on_a_registered_source_being_behind_it_nothing_is_flagged()
    {
        Assert.Empty(FlagSelection.Pick(Probabilities, registeredSourceProbability: 0.39, abstainBelow: 0.4, maxFlags: 3));
        Assert.Empty(FlagSelection.Pick([], 1, 0.4, 3));
    }

    [Fact]
    public void Above_it_the_likeliest_are_flagged_in_order_up_to_the_maximum()
    {
        Assert.Equal([1, 3, 0], FlagSelection.Pick(Probabilities, 0.4, 0.4, 3));
        Assert.Equal([1], FlagSelection.Pick(Probabilities, 0.9, 0.4, 1));
    }

    [Fact]
    public void A_following_flag_needs_the_minimum_probability_but_the_first_does_not()
    {
        Assert.Equal([1, 0], FlagSelection.Pick([0.025, 0.03, 0.015], 0.9, 0.4, 3));
        Assert.Equal([0], FlagSelection.Pick([0.015, 0.01], 0.9, 0.4, 3));
    }
}

using AirQuality.Attribution.Training;
using Xunit;

namespace AirQuality.Attribution.Training.Tests;

public sealed class ThresholdRulesTests
{
    static readonly ThresholdPoint[] Grid =
    [
        new(0.3, 0.2, Yield: 0.72, Recall: 0.45, Standard: 0.85, Other: 0.55, OtherRecall: 0.40),
        new(0.5, 0.4, Yield: 0.74, Recall: 0.40, Standard: 0.82, Other: 0.64, OtherRecall: 0.35),
        new(0.6, 0.5, Yield: 0.80, Recall: 0.40, Standard: 0.86, Other: 0.70, OtherRecall: 0.33),
        new(0.1, 0.1, Yield: 0.60, Recall: 0.50, Standard: 0.68, Other: 0.50, OtherRecall: 0.45),
    ];

    static Func<ThresholdPoint, bool> Rule(string name) => ThresholdRules.Compared.Single(r => r.Rule == name).Holds;

    [Fact]
    public void The_pooled_rule_takes_the_best_recall_even_where_the_other_physics_yield_falls_short()
    {
        Assert.Equal(Grid[0], ThresholdRules.Best(Grid, Rule("pooled >= 0.7")));
        Assert.Equal(Grid[3], ThresholdRules.Best(Grid, Rule("pooled >= 0.6")));
    }

    [Fact]
    public void A_rule_on_both_physics_passes_over_a_pair_whose_other_physics_yield_is_short_and_ties_go_to_the_lower_thresholds()
    {
        // Grid[0] has the better recall but an other-physics yield of 0.55; Grid[1] and Grid[2] tie on recall.
        Assert.Equal(Grid[1], ThresholdRules.Best(Grid, Rule("pooled >= 0.7, other physics >= 0.6")));
        Assert.Equal(Grid[1], ThresholdRules.Best(Grid, Rule("standard >= 0.7, other physics >= 0.6")));
    }

    [Fact]
    public void No_pair_is_chosen_when_none_holds() =>
        Assert.Null(ThresholdRules.Best(Grid, g => g.Other >= 0.9));
}

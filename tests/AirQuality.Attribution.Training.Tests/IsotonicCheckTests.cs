using AirQuality.Attribution.Training;
using Xunit;

namespace AirQuality.Attribution.Training.Tests;

public sealed class IsotonicCheckTests
{
    [Fact]
    public void Over_confident_probabilities_are_pulled_to_what_happened_and_the_map_never_falls()
    {
        // Stated 0.9 where one in two was right, 0.1 where none was: as kind (c)'s candidates were too sure.
        var random = new Random(2);
        var p = Enumerable.Range(0, 4000).Select(i => i % 2 == 0 ? 0.9 : 0.1).ToArray();
        var y = p.Select(x => x > 0.5 ? random.NextDouble() < 0.5 : random.NextDouble() < 0.02).ToArray();

        var map = IsotonicCheck.Fit(p, y);

        Assert.InRange(map(0.9), 0.45, 0.55);
        Assert.InRange(map(0.1), 0.005, 0.035);
        var grid = Enumerable.Range(0, 101).Select(i => map(i / 100.0)).ToArray();
        Assert.All(grid.Zip(grid.Skip(1)), pair => Assert.True(pair.Second >= pair.First));
    }

    [Fact]
    public void Each_fold_is_mapped_by_a_fit_on_the_other_folds_only()
    {
        // Fold 0 says 0.9 and is always right, fold 1 says 0.9 and is never right: fitted on the other fold, each is told the opposite.
        var p = Enumerable.Repeat(0.9, 200).ToArray();
        var folds = Enumerable.Range(0, 200).Select(i => i % 2).ToArray();
        var y = folds.Select(f => f == 0).ToArray();

        var crossFitted = IsotonicCheck.CrossFitted(p, y, folds);

        Assert.All(crossFitted.Where((_, i) => folds[i] == 0), v => Assert.True(v < 0.01));
        Assert.All(crossFitted.Where((_, i) => folds[i] == 1), v => Assert.True(v > 0.99));
    }
}

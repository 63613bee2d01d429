using AirQuality.Dispersion;
using Xunit;

namespace AirQuality.Dispersion.Tests;

public sealed class GaussianPlumeTests
{
    [Fact]
    public void Only_air_downwind_of_a_source_receives_its_plume_and_less_of_it_off_the_centreline_and_further_away()
    {
        double At(double x, double y) => GaussianPlume.GroundConcentration(2, x, y, 0, 0, 2, StabilityClass.D, 50);

        Assert.Equal(0, At(-500, 0));
        Assert.True(At(500, 0) > At(500, 200));
        Assert.True(At(500, 0) > At(2000, 0));
        Assert.True(At(2000, 0) > 0);
    }

    [Fact]
    public void Stable_air_keeps_a_ground_source_concentrated_and_a_tall_stack_aloft()
    {
        double Ground(StabilityClass s) => GaussianPlume.GroundConcentration(2, 1000, 0, 0, 0, 2, s, 50);
        double Stack(StabilityClass s) => GaussianPlume.GroundConcentration(20, 800, 0, 100, 50, 2, s, 5);

        Assert.True(Ground(StabilityClass.F) > Ground(StabilityClass.D));
        Assert.True(Ground(StabilityClass.D) > Ground(StabilityClass.A));
        Assert.True(Stack(StabilityClass.A) > Stack(StabilityClass.F), "convection brings a tall stack's plume down near the stack");
    }

    [Theory]
    [InlineData(1.0, 12.5, 0.1, StabilityClass.A)]  // strong midday sun, light wind
    [InlineData(1.0, 2.0, 0.1, StabilityClass.F)]   // clear night, light wind
    [InlineData(1.0, 2.0, 0.9, StabilityClass.E)]   // overcast night
    [InlineData(7.0, 12.5, 0.9, StabilityClass.D)]  // windy and overcast
    public void Stability_follows_pasquill_turner(double wind, double hour, double cloud, StabilityClass expected) =>
        Assert.Equal(expected, Stability.Classify(wind, hour, cloud));
}

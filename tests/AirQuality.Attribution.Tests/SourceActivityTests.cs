using AirQuality.Attribution;
using AirQuality.Storage.Registry;
using Xunit;

namespace AirQuality.Attribution.Tests;

/// <summary>A week of hourly telemetry of a dust site that works 09:00-21:00 local, not the 07:00-19:00 of the simulator's standard city.</summary>
public sealed class SourceActivityTests
{
    const int Days = 7;
    static readonly double[] LocalHour = [.. Enumerable.Range(0, Days * 24).Select(h => (double)(h % 24))];

    static PollutionSource Site(bool telemetry, OperatingHours? hours = null) =>
        new("SITE", "Site", "construction", "D1", "T1", "1 Site Road", 29.5, 106.5, null, telemetry, null, null, null, 1.2, hours);

    static double[] Telemetry(Func<int, double> level)
    {
        var random = new Random(4);
        return [.. Enumerable.Range(0, Days * 24).Select(h => level(h % 24) * (0.9 + 0.2 * random.NextDouble()))];
    }

    static readonly int[] IdleHours = [0, 3, 7, 8, 21, 23];

    static double NineToNine(int hourOfDay) => hourOfDay is >= 9 and < 21 ? 0.5 : 0.05;

    [Fact]
    public void A_site_without_registered_hours_has_them_learnt_from_its_telemetry_by_hour_of_day()
    {
        var activity = SourceActivity.Of(Site(telemetry: true), Telemetry(NineToNine), LocalHour);

        Assert.Equal(HoursKnownFrom.Telemetry, activity.From);
        Assert.All(Enumerable.Range(9, 12), h => Assert.InRange(activity.At(h + 0.5), 0.85, 1));
        Assert.All(IdleHours, h => Assert.InRange(activity.At(h), 0.05, 0.15));
        Assert.InRange(activity.WorkingLevel, 0.45, 0.55);
    }

    [Fact]
    public void Registered_hours_come_first_and_the_working_level_is_read_inside_them()
    {
        var activity = SourceActivity.Of(Site(telemetry: true, new OperatingHours(9, 21)), Telemetry(NineToNine), LocalHour);

        Assert.Equal(HoursKnownFrom.Registry, activity.From);
        Assert.Equal(1, activity.At(9));
        Assert.Equal(SourceActivity.IdleShare, activity.At(21));
        Assert.InRange(activity.WorkingLevel, 0.45, 0.55);
    }

    [Fact]
    public void Without_registered_hours_or_enough_telemetry_every_hour_is_possible_and_the_hours_are_unknown()
    {
        var none = SourceActivity.Of(Site(telemetry: false), Enumerable.Repeat(double.NaN, Days * 24).ToArray(), LocalHour);
        Assert.Equal(HoursKnownFrom.Unknown, none.From);
        Assert.All(Enumerable.Range(0, 24), h => Assert.Equal(1, none.At(h)));

        // Telemetry on only two days: too little to tell each hour's usual level.
        var sparse = Telemetry(NineToNine);
        Array.Fill(sparse, double.NaN, 0, (Days - 2) * 24);
        Assert.Equal(HoursKnownFrom.Unknown, SourceActivity.Of(Site(telemetry: true), sparse, LocalHour).From);
    }
}

using AirQuality.Storage.Registry;

namespace AirQuality.Attribution;

/// <summary>
/// How active one source usually is at each local hour of day, and its telemetry's level while working: from the
/// registry's operating hours, else from its own telemetry by hour of day, else unknown (every hour possible).
/// </summary>
/// <remarks>
/// No working hours of one simulator are assumed: a site with neither registered hours nor telemetry may work at any
/// hour, and <see cref="From"/> says so, so that the features built on its hours are missing rather than a guess.
/// </remarks>
public sealed class SourceActivity
{
    /// <summary>A site outside its registered hours is taken to idle at this share of its usual emission (machines left running, wind over bare ground).</summary>
    public const double IdleShare = 0.1;

    /// <summary>Telemetry values needed at an hour of day to learn its level there (about one a day over the baseline days).</summary>
    public const int MinValuesPerHour = 3;

    /// <summary>Hours of day that may lack those values; with more gaps the telemetry does not tell the hours.</summary>
    const int MaxHoursWithout = 4;

    readonly OperatingHours? _hours;
    readonly double[]? _byHourOfDay;

    SourceActivity(HoursKnownFrom from, OperatingHours? hours, double[]? byHourOfDay, double workingLevel)
    {
        From = from;
        _hours = hours;
        _byHourOfDay = byHourOfDay;
        WorkingLevel = workingLevel;
    }

    public HoursKnownFrom From { get; }

    /// <summary>The telemetry's usual particulate while the source works (mg/m³, or the unit it reports in); NaN without telemetry.</summary>
    public double WorkingLevel { get; }

    /// <summary>Activity at local hour of day <paramref name="localHour"/> (0–24), 0 to 1; 1 when the hours are unknown.</summary>
    public double At(double localHour) => From switch
    {
        HoursKnownFrom.Registry => _hours!.Value.Contains(localHour) ? 1 : IdleShare,
        HoursKnownFrom.Telemetry => _byHourOfDay![(int)Math.Floor(localHour) % 24],
        _ => 1,
    };

    /// <summary>
    /// The activity of <paramref name="source"/>, from its registered hours if any, else from its
    /// <paramref name="particulate"/> (one value per panel hour, NaN where it reported nothing) against
    /// <paramref name="localHour"/> (each panel hour's local hour of day): the median at each hour of day over the
    /// median at the busiest hour.
    /// </summary>
    public static SourceActivity Of(PollutionSource source, ReadOnlySpan<double> particulate, IReadOnlyList<double> localHour)
    {
        var byHour = Enumerable.Range(0, 24).Select(_ => new List<double>()).ToArray();
        var all = new List<double>();
        for (var h = 0; h < particulate.Length; h++)
        {
            if (!double.IsNaN(particulate[h]))
            {
                byHour[(int)Math.Floor(localHour[h]) % 24].Add(particulate[h]);
                all.Add(particulate[h]);
            }
        }

        if (source.OperatingHours is { } hours)
        {
            var inside = byHour.Where((_, hod) => hours.Contains(hod)).SelectMany(v => v).ToList();
            return new SourceActivity(HoursKnownFrom.Registry, hours, null, Median(inside.Count > 0 ? inside : all));
        }

        var medians = byHour.Select(v => v.Count >= MinValuesPerHour ? Median(v) : double.NaN).ToArray();
        var busiest = medians.Where(m => !double.IsNaN(m)).DefaultIfEmpty(double.NaN).Max();
        if (medians.Count(double.IsNaN) > MaxHoursWithout || !(busiest > 0))
        {
            return new SourceActivity(HoursKnownFrom.Unknown, null, null, Median(all));
        }

        // An hour of day without enough values is taken as possible (1): a gap in telemetry is not a night off.
        var profile = medians.Select(m => double.IsNaN(m) ? 1 : Math.Clamp(m / busiest, 0, 1)).ToArray();
        return new SourceActivity(HoursKnownFrom.Telemetry, null, profile, busiest);
    }

    static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        values.Sort();
        return values[values.Count / 2];
    }
}

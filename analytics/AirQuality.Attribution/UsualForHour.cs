namespace AirQuality.Attribution;

/// <summary>
/// What a series usually reads at an hour of the day: the median of the same hour on the other days loaded, the
/// episode's own window left out. Learnt from the data rather than assumed, so a site that works other hours, a
/// stack with a daily load cycle or a sensor a site raises every working day each get their own usual.
/// </summary>
/// <remarks>Panel hours as in <see cref="CityHours"/>; the days are whole multiples of 24 hours apart (the city's zone keeps no daylight saving).</remarks>
public static class UsualForHour
{
    /// <summary>Fewer same-hour values than this and there is no usual to judge by (missing).</summary>
    public const int MinDays = 3;

    /// <summary>
    /// The median of <paramref name="series"/>[offset + hour ± 24 k] over the other days, leaving out hours in
    /// [<paramref name="skipFrom"/>, <paramref name="skipTo"/>) and missing values; NaN with fewer than <see cref="MinDays"/>.
    /// When <paramref name="windFromDeg"/> is given, only hours whose wind came from within 45° of that hour's are used,
    /// if there are enough of them (a sensor's usual depends on which sources the wind brings it).
    /// </summary>
    public static double Median(double[] series, int offset, int hours, int hour, int skipFrom, int skipTo, double[]? windFromDeg = null)
    {
        var all = new List<double>();
        var sameWind = new List<double>();
        var wind = windFromDeg is null ? double.NaN : windFromDeg[hour];
        for (var h = hour % 24; h < hours; h += 24)
        {
            var v = series[offset + h];
            if (h == hour || (h >= skipFrom && h < skipTo) || double.IsNaN(v))
            {
                continue;
            }

            all.Add(v);
            if (!double.IsNaN(wind) && !double.IsNaN(windFromDeg![h]) && Math.Cos((windFromDeg[h] - wind) * Math.PI / 180) >= Math.Cos(Math.PI / 4))
            {
                sameWind.Add(v);
            }
        }

        var pick = sameWind.Count >= MinDays ? sameWind : all;
        if (pick.Count < MinDays)
        {
            return double.NaN;
        }

        pick.Sort();
        return pick.Count % 2 == 1 ? pick[pick.Count / 2] : (pick[pick.Count / 2 - 1] + pick[pick.Count / 2]) / 2;
    }
}

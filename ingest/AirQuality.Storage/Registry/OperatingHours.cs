using System.Globalization;

namespace AirQuality.Storage.Registry;

/// <summary>
/// The local hours in which a source works, from the registry: from <see cref="StartHour"/> (inclusive) to
/// <see cref="EndHour"/> (exclusive), whole hours of local time (the <c>TimeZone</c> setting); an end at or before the
/// start runs past midnight (22:00–06:00), and 00:00–24:00 is around the clock.
/// </summary>
/// <remarks>Written <c>HH:00-HH:00</c> in <c>sources.csv</c>; whole hours because attribution works on hourly means.</remarks>
public readonly record struct OperatingHours
{
    public OperatingHours(int startHour, int endHour)
    {
        if (startHour is < 0 or > 23)
        {
            throw new ArgumentOutOfRangeException(nameof(startHour), startHour, "The start hour must be from 0 to 23.");
        }

        if (endHour is < 1 or > 24 || endHour == startHour)
        {
            throw new ArgumentOutOfRangeException(nameof(endHour), endHour, "The end hour must be from 1 to 24 and differ from the start (00:00-24:00 is around the clock).");
        }

        StartHour = startHour;
        EndHour = endHour;
    }

    /// <summary>Around the clock: 00:00–24:00.</summary>
    public static readonly OperatingHours AroundTheClock = new(0, 24);

    /// <summary>First local hour worked, 0–23.</summary>
    public int StartHour { get; }

    /// <summary>The local hour work stops, 1–24 (exclusive).</summary>
    public int EndHour { get; }

    /// <summary>Whether local hour of day <paramref name="localHour"/> (0 to 24, fractions allowed) falls in these hours.</summary>
    public bool Contains(double localHour)
    {
        var h = ((localHour % 24) + 24) % 24;
        return StartHour < EndHour ? h >= StartHour && h < EndHour : h >= StartHour || h < EndHour;
    }

    /// <summary>Reads <c>HH:00-HH:00</c>; null with the problem in <paramref name="error"/> when the text is not that.</summary>
    public static OperatingHours? Parse(string text, out string? error)
    {
        error = null;
        var parts = text.Split('-');
        if (parts.Length == 2 && Hour(parts[0]) is { } start && Hour(parts[1]) is { } end)
        {
            if (start > 23)
            {
                error = $"'{text}' starts at 24:00; a day's hours start from 00:00 to 23:00";
            }
            else if (end == 0 || end == start)
            {
                error = end == start
                    ? $"'{text}' starts and ends at the same hour; write 00:00-24:00 for around the clock"
                    : $"'{text}' ends at 00:00; write 24:00 for midnight at the end of the day";
            }
            else
            {
                return new OperatingHours(start, end);
            }

            return null;
        }

        error = $"'{text}' is not operating hours; expected local whole hours HH:00-HH:00 (07:00-19:00; 22:00-06:00 past midnight; "
            + "00:00-24:00 around the clock), or leave the field empty when they are not known";
        return null;

        static int? Hour(string part) =>
            part.Length == 5 && part[2] == ':' && part[3..] == "00" && int.TryParse(part[..2], NumberStyles.None, CultureInfo.InvariantCulture, out var h) && h <= 24
                ? h
                : null;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{StartHour:00}:00-{EndHour:00}:00");
}

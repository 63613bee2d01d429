using System.Globalization;
using AirQuality.Aggregation;

namespace AirQuality.Reports.Internal;

/// <summary>How figures, times and lists read in both the HTML and the plain-text report.</summary>
static class ReportFormat
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Ugm3(double? value) => value is { } v ? string.Create(C, $"{v:0.0} µg/m³") : "no data";

    public static string Number(double value, string format = "0.0") => value.ToString(format, C);

    public static string Day(DateOnly day) => day.ToString("dddd d MMMM yyyy", C);

    public static string ShortDay(DateOnly day) => day.ToString("ddd d MMM", C);

    /// <summary>Local time of a UTC instant as HH:mm; the midnight that ends <paramref name="day"/> reads 24:00.</summary>
    public static string LocalTime(DateTime utc, DateOnly day, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
        return local.TimeOfDay == TimeSpan.Zero && DateOnly.FromDateTime(local) > day ? "24:00" : local.ToString("HH:mm", C);
    }

    /// <summary>"10:00–13:00 (3 h)".</summary>
    public static string Span(DateTime start, DateTime end, DateOnly day, TimeZoneInfo zone) =>
        $"{LocalTime(start, day, zone)}–{LocalTime(end, day, zone)} ({Hours(end - start)})";

    /// <summary>
    /// A flagged episode as a source's entry names it: "#1 10:00–13:00 (3 h)" by its rank in the same report, or, for
    /// an episode in another team's districts, "10:00–13:00 (3 h) in Yubei 渝北区".
    /// </summary>
    public static string Episode(ReportSourceFlag flag, DateOnly day, TimeZoneInfo zone) => flag.AnomalyRank > 0
        ? $"#{flag.AnomalyRank.ToString(C)} {Span(flag.EpisodeStart, flag.EpisodeEnd, day, zone)}"
        : $"{Span(flag.EpisodeStart, flag.EpisodeEnd, day, zone)} in {string.Join(", ", flag.EpisodeDistricts)}";

    /// <summary>
    /// How an officer records what the inspection of <paramref name="source"/> found, in words and with the flag ids to
    /// quote (one per episode): an officer reads this on a phone and has no shell, so the mail names no command.
    /// </summary>
    /// <summary>
    /// With the console's address: "After the inspection, record what you found on the flag's page in the enforcement
    /// console: URL", one per episode when there are several; the parts are text and (label, link) pairs so the HTML can
    /// make anchors of them. Without it, <see cref="RecordFinding(ReportSource, DateOnly, TimeZoneInfo)"/> in one text part.
    /// </summary>
    public static IReadOnlyList<(string Text, Uri? Link)> RecordFinding(ReportSource source, DateOnly day, TimeZoneInfo zone, Func<long, Uri?> link)
    {
        if (link(source.Flags[0].FlagId) is null)
        {
            return [(RecordFinding(source, day, zone), null)];
        }

        if (source.Flags is [var only])
        {
            return [("After the inspection, record what you found on the flag's page in the enforcement console (sign-in needed): ", null), (link(only.FlagId)!.AbsoluteUri, link(only.FlagId)), (".", null)];
        }

        var parts = new List<(string, Uri?)> { ("After the inspection, record what you found for each episode on its flag's page in the enforcement console (sign-in needed): ", null) };
        foreach (var (f, i) in source.Flags.Select((f, i) => (f, i)))
        {
            parts.Add(($"{(i > 0 ? "; " : "")}{(f.AnomalyRank > 0 ? $"#{f.AnomalyRank.ToString(C)}" : LocalTime(f.EpisodeStart, day, zone))}: ", null));
            parts.Add((link(f.FlagId)!.AbsoluteUri, link(f.FlagId)));
        }

        parts.Add((".", null));
        return parts;
    }

    public static string RecordFinding(ReportSource source, DateOnly day, TimeZoneInfo zone) => source.Flags is [var only]
        ? $"After the inspection, record what you found (confirmed or not) with your district lead or in the enforcement console, quoting flag {only.FlagId.ToString(C)}."
        : "After the inspection, record what you found for each episode (confirmed or not) with your district lead or in the enforcement console, quoting its flag: "
            + string.Join("; ", source.Flags.Select(f => $"{(f.AnomalyRank > 0 ? $"#{f.AnomalyRank.ToString(C)}" : LocalTime(f.EpisodeStart, day, zone))}: flag {f.FlagId.ToString(C)}")) + ".";

    /// <summary>A district's headline before the aggregation has computed its day: what is missing, and why.</summary>
    public const string NotAggregated = "No daily figures for this day yet: the aggregation has not run for it, so there is no daily mean.";

    /// <summary>"4 episodes, 11 h (week before: 2 episodes, 5 h; up)"; "(week before: none; new)" when it dominated nothing then.</summary>
    public static string Dominated(PersistentContributor c)
    {
        var trend = c.PreviousEpisodes == 0 ? "new" : c.EpisodeHours > c.PreviousEpisodeHours ? "up" : c.EpisodeHours < c.PreviousEpisodeHours ? "down" : "same";
        return $"{Count(c.Episodes, "episode", "episodes")}, {c.EpisodeHours.ToString(C)} h (week before: " +
            (c.PreviousEpisodes == 0 ? "none" : $"{Count(c.PreviousEpisodes, "episode", "episodes")}, {c.PreviousEpisodeHours.ToString(C)} h") + $"; {trend})";
    }

    public static string Hours(TimeSpan duration) => duration.TotalHours == Math.Floor(duration.TotalHours)
        ? string.Create(C, $"{duration.TotalHours:0} h")
        : string.Create(C, $"{duration.TotalHours:0.0} h");

    public static string Percent(double share) => string.Create(C, $"{share * 100:0}%");

    public static string Coordinates(double latitude, double longitude) => string.Create(C, $"{latitude:0.00000}, {longitude:0.00000}");

    /// <summary>The kinds of an anomaly in words: "hourly exceedance, spike".</summary>
    public static string Kinds(IEnumerable<string> kinds) => string.Join(", ", kinds.Select(k => k switch
    {
        "exceedance_hourly" => "hourly exceedance",
        "exceedance_daily" => "daily exceedance",
        "spike" => "spike",
        "above_neighbours" => "far above neighbours",
        "missing_data" => "missing data",
        "flatline" => "flat line",
        "drift" => "drifting from its neighbours",
        "offline" => "offline all day",
        _ => k,
    }));

    /// <summary>"steel", "industrial boiler", "storage yard".</summary>
    public static string Category(string category) => category.Replace('_', ' ');

    /// <summary>The period-to-date comparison in one sentence, with the absolute and percentage change when comparable.</summary>
    public static string PeriodToDate(YearOverYear? y)
    {
        if (y is null || y.MeanThis is not { } mean)
        {
            return y is null ? "Year to date: not available." : $"Year to date ({Period(y)}): no valid PM2.5 days.";
        }

        var text = string.Create(C, $"Year to date ({Period(y)}): {mean:0.0} µg/m³");
        if (y.Comparable && y.MeanLast is { } last && y.Change is { } change)
        {
            var pct = y.ChangePct is { } p ? string.Create(C, $", {Signed(p)}%") : "";
            return text + string.Create(C, $" against {last:0.0} µg/m³ in the same period last year: {Signed(change)} µg/m³{pct}.");
        }

        var needed = (int)Math.Ceiling(YearOverYear.MinValidShare * y.Days);
        var lastYear = y.MeanLast is { } l ? string.Create(C, $" ({l:0.0} µg/m³ last year)") : "";
        return text + string.Create(C, $"{lastYear}; change not computed: {y.ValidDaysThis} of {y.Days} days valid this year and {y.ValidDaysLast} last year, {needed} needed on each side.");
    }

    /// <summary>"12 this year (15 in the same period last year)".</summary>
    public static string ExceedanceDays(YearOverYear? y) => y?.ExceedanceDaysThis is { } days
        ? string.Create(C, $"{days} this year ({y.ExceedanceDaysLast ?? 0} in the same period last year)")
        : "not available";

    static string Period(YearOverYear y) => $"{y.From.ToString("d MMM", C)}–{y.To.ToString("d MMM yyyy", C)}";

    // U+2212 MINUS SIGN reads better than a hyphen in a figure.
    static string Signed(double value) => value > 0 ? string.Create(C, $"+{value:0.0}") : value < 0 ? string.Create(C, $"−{-value:0.0}") : "±0.0";

    /// <summary>"S0012 Jiefangbei micro 3 (peak)".</summary>
    public static string Sensor(NamedPlace sensor, string? peakSensorId) => sensor.Labelled + (sensor.Id == peakSensorId ? " (peak)" : "");

    public static string Pollutant(string code) => code switch
    {
        "pm25" => "PM2.5",
        "pm10" => "PM10",
        "o3" => "O3",
        _ => code.ToUpperInvariant(),
    };

    /// <summary>"1 source to inspect", "3 sources to inspect".</summary>
    public static string Count(int n, string one, string many) => $"{n.ToString(C)} {(n == 1 ? one : many)}";
}

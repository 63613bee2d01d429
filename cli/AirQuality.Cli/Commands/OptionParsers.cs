using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace AirQuality.Cli.Commands;

/// <summary>
/// Parsers for every typed option: dates only as yyyy-MM-dd (the library would read 01/11/2026 month first without a
/// word), numbers with the invariant culture, and each bad value refused with a sentence naming the option, the value
/// and what to write instead (the library's own message names .NET types such as System.Nullable`1[System.DateOnly]).
/// </summary>
static class OptionParsers
{
    delegate bool TryParse<T>(string text, out T value);

    /// <summary>Sets the parser of every option of <paramref name="command"/> and its subcommands whose type is listed here.</summary>
    public static void ApplyTo(Command command)
    {
        foreach (var option in command.Options)
        {
            Apply(option);
        }

        foreach (var subcommand in command.Subcommands)
        {
            ApplyTo(subcommand);
        }
    }

    static void Apply(Option option)
    {
        switch (option)
        {
            case Option<DateOnly> o:
                o.CustomParser = r => Parse<DateOnly>(r, o, TryDay, DayHint);
                break;
            case Option<DateOnly?> o:
                o.CustomParser = r => Parse<DateOnly?>(r, o, Nullable<DateOnly>(TryDay), DayHint);
                break;
            case Option<int> o:
                o.CustomParser = r => Parse<int>(r, o, (string s, out int v) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out v), WholeHint);
                break;
            case Option<long> o:
                o.CustomParser = r => Parse<long>(r, o, (string s, out long v) => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out v), WholeHint);
                break;
            case Option<double> o:
                o.CustomParser = r => Parse<double>(r, o, TryNumber, NumberHint);
                break;
            case Option<TimeSpan?> o:
                o.CustomParser = r => Parse<TimeSpan?>(r, o, Nullable<TimeSpan>((string s, out TimeSpan v) => TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out v)), DurationHint);
                break;
        }
    }

    const string DayHint = "is not a date written yyyy-MM-dd; write the year, then the month, then the day, for example 2026-11-01";
    const string WholeHint = "is not a whole number; write one in digits, for example 7";
    const string NumberHint = "is not a number; write one in digits with a point for decimals, for example 2 or 0.5";
    const string DurationHint = "is not a duration; write hh:mm:ss, for example 00:05:00 for five minutes (d.hh:mm:ss for days)";

    /// <summary>Exactly yyyy-MM-dd: no other order is guessed at.</summary>
    static bool TryDay(string text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    /// <summary>Finite numbers only; NaN and infinity are not a quantity of anything an option counts.</summary>
    static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    static TryParse<T?> Nullable<T>(TryParse<T> parse) where T : struct =>
        (string text, out T? value) =>
        {
            var ok = parse(text, out var v);
            value = ok ? v : null;
            return ok;
        };

    static T? Parse<T>(ArgumentResult result, Option<T> option, TryParse<T> parse, string hint)
    {
        if (result.Tokens.Count == 0)
        {
            return option.DefaultValueFactory is { } factory ? factory(result) : default;
        }

        var text = result.Tokens[0].Value;
        if (parse(text, out var value))
        {
            return value;
        }

        result.AddError($"{option.Name}: '{text}' {hint}.");
        return default;
    }
}

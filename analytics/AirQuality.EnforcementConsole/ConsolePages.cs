using AirQuality.Aggregation.Standards;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace AirQuality.EnforcementConsole;

/// <summary>
/// The console's HTML, rendered on the server: no script at all, so the Content-Security-Policy forbids every script.
/// Every form carries the anti-forgery token it is given.
/// </summary>
public static class ConsolePages
{
    /// <summary>The one stylesheet, served from <c>/console.css</c> (inline styles would need 'unsafe-inline'); the map legend's swatches take the map's colours.</summary>
    public static readonly string Stylesheet = Styles
        + string.Join(" ", AqiCategories.All.Select(c => $".sw-{c} {{ background: {DistrictMap.Colour(c)}; }}"))
        + string.Join(" ", DistrictMap.SourceColours.Select(c => $".sw-src-{c.Key} {{ background: {c.Value}; }}"))
        + $"\n.sw-none {{ background: {DistrictMap.NoValidDay}; }} .sw-flagged {{ background: #ffffff; border: 3px solid {DistrictMap.FlaggedColour}; }}"
        + $" .sw-episode {{ border-radius: 50%; border: 2px dashed {DistrictMap.EpisodeColour}; }}\n";

    const string Styles = """
        body { font-family: "Noto Sans", "Noto Sans CJK SC", sans-serif; margin: 0; color: #24292f; }
        header { background: #0b3d5c; color: #fff; padding: 8px 16px; display: flex; justify-content: space-between; align-items: center; flex-wrap: wrap; }
        header a { color: #fff; }
        header button { color: #0b3d5c; background: #fff; border: 0; margin-left: 8px; }
        main { padding: 12px 16px; max-width: 1100px; }
        .map { width: 100%; max-width: 800px; height: auto; }
        .chart { width: 100%; max-width: 640px; height: auto; display: block; }
        .episodes { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 0 24px; }
        .episodes h3 { margin-bottom: 4px; } .episodes p { margin-top: 0; }
        .sq { border-radius: 0; }
        .error { color: #cf222e; font-weight: bold; }
        .source { border: 1px solid #d0d7de; padding: 8px 12px; margin: 8px 0; }
        .legend span { display: inline-block; margin-right: 12px; }
        .swatch { display: inline-block; width: 12px; height: 12px; border: 1px solid #24292f; margin-right: 4px; }
        form.inline { display: inline; }
        label { display: block; margin: 8px 0 2px; }
        button { padding: 6px 14px; }
        .wide { overflow-x: auto; }
        .photo { max-width: 100%; height: auto; margin-top: 6px; }
        table { border-collapse: collapse; } td, th { border: 1px solid #d0d7de; padding: 3px 8px; text-align: right; } td:first-child, th:first-child { text-align: left; }
        """;

    public static string SignIn(string formFieldName, string token, string? error, string? name) => Layout("Sign in", null, null, $"""
        <h1>Sign in to the enforcement console</h1>
        {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{E(error)}</p>")}
        <form method="post" action="/signin">
          <input type="hidden" name="{E(formFieldName)}" value="{E(token)}">
          <label for="name">Name</label><input id="name" name="name" autocomplete="username" required value="{E(name ?? "")}">
          <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
          <p><button type="submit">Sign in</button></p>
        </form>
        """);

    public static string Teams(ConsoleUser user, string formFieldName, string token, IReadOnlyList<(string TeamId, string Name)> teams)
    {
        var items = new StringBuilder();
        foreach (var (teamId, name) in teams)
        {
            items.Append(CultureInfo.InvariantCulture, $"<li><a href=\"/teams/{Uri.EscapeDataString(teamId)}/today\">{E(name)}</a></li>");
        }

        return Layout("Teams", user, (formFieldName, token), $"<p><a href=\"/city\">The city page</a>: every district's status, overdue dispatches and response times.</p><h1>Teams</h1><ul>{items}</ul>");
    }

    public static string Today(ConsoleUser user, string formFieldName, string token, TodayView view, TimeZoneInfo zone, IReadOnlyList<OverdueDispatch>? overdue = null, IReadOnlyList<OpenDispatch>? open = null)
    {
        var body = new StringBuilder();
        var districts = string.Join(", ", view.Districts.Select(d => d.NameLocal is null ? d.Name : $"{d.Name} ({d.NameLocal})"));
        body.Append(CultureInfo.InvariantCulture, $"<h1>{E(view.TeamName)}</h1><p>Districts: {E(districts)}</p>");
        if (open is not null)
        {
            body.Append(WorkflowPages.Open(open));
        }

        if (overdue is not null)
        {
            body.Append(WorkflowPages.Overdue(overdue, showTeam: false));
        }

        if (view.Day is not { } day)
        {
            body.Append("<p>No day has been attributed in these districts yet (airq attribute --date D writes one).</p>");
        }
        else
        {
            body.Append(CultureInfo.InvariantCulture, $"<h2>Sources to inspect on {day:yyyy-MM-dd}</h2>");
            if (view.SourcesToInspect.Count == 0)
            {
                body.Append("<p>No source to inspect: no episode in these districts reached the model's inspection threshold.</p>");
            }

            foreach (var source in view.SourcesToInspect)
            {
                body.Append(CultureInfo.InvariantCulture, $"<section class=\"source\" id=\"source-{E(source.SourceId)}\"><h3>{E(source.SourceId)} {E(source.Name)}</h3>");
                body.Append(CultureInfo.InvariantCulture, $"<p>{E(source.Category.Replace('_', ' '))}, {E(source.Address)}</p><ul>");
                foreach (var flag in source.Flags)
                {
                    body.Append(CultureInfo.InvariantCulture, $"<li>Episode {flag.AnomalyId} (<a href=\"/flags/{flag.FlagId}\">flag {flag.FlagId}</a>): probability {flag.Probability:P0}. {E(flag.Explanation)}</li>");
                }

                body.Append("</ul></section>");
            }
        }

        body.Append(CultureInfo.InvariantCulture, $"<h2>Map{(view.Day is { } d ? $" for {d:yyyy-MM-dd}" : "")}</h2>");
        body.Append(DistrictMap.Render(view));
        body.Append("<p class=\"legend\">Sensors, daily PM2.5: ");
        foreach (var category in AqiCategories.All)
        {
            body.Append(CultureInfo.InvariantCulture, $"<span><i class=\"swatch sw-{category}\"></i>{category.Replace('_', ' ')}</span>");
        }

        body.Append("<span><i class=\"swatch sw-none\"></i>no valid day</span></p><p class=\"legend\">Sources (squares): ");
        foreach (var category in DistrictMap.SourceColours.Keys.Where(c => view.Sources.Any(s => s.Category == c)))
        {
            body.Append(CultureInfo.InvariantCulture, $"<span><i class=\"swatch sq sw-src-{category}\"></i>{category.Replace('_', ' ')}</span>");
        }

        body.Append("<span><i class=\"swatch sw-flagged\"></i>to inspect (ringed in red)</span><span><i class=\"swatch sw-episode\"></i>an episode's sensors</span></p>");
        if (view.Day is { } chartDay && view.Episodes.Count > 0)
        {
            // A grid: one column on a phone, two or three side by side on a desktop, so twenty episodes stay readable.
            body.Append("<h2>Episodes, hour by hour</h2><div class=\"episodes\">");
            foreach (var episode in view.Episodes)
            {
                var sources = episode.FlaggedSourceIds.Count == 0 ? "no source of these districts to inspect" : "to inspect: " + string.Join(", ", episode.FlaggedSourceIds);
                body.Append(CultureInfo.InvariantCulture, $"<section class=\"episode\" id=\"episode-{episode.AnomalyId}\"><h3>Episode {episode.AnomalyId}</h3><p>{episode.SensorIds.Count} sensor{(episode.SensorIds.Count == 1 ? "" : "s")}{(episode.PeakUgm3 is { } peak ? string.Create(CultureInfo.InvariantCulture, $", peak {peak:F0} µg/m³") : "")}; {E(sources)}. Usual level: each sensor's median at that hour over the days before.</p>");
                body.Append(EpisodeChart.Render(episode, chartDay, zone)).Append("</section>");
            }

            body.Append("</div>");
        }
        return Layout($"{view.TeamName}: today", user, (formFieldName, token), body.ToString());
    }

    public static string Message(string title, string text) => Layout(title, null, null, $"<h1>{E(title)}</h1><p>{E(text)}</p><p><a href=\"/\">Back</a></p>");

    internal static string Layout(string title, ConsoleUser? user, (string Field, string Token)? signOut, string body)
    {
        var account = user is null || signOut is not { } form ? "" : $"""
            <span>{E(user.Name)} ({E(user.Role.Replace('_', ' '))}{(user.TeamId is null ? "" : ", " + E(user.TeamId))})
            <form class="inline" method="post" action="/signout"><input type="hidden" name="{E(form.Field)}" value="{E(form.Token)}"><button type="submit">Sign out</button></form></span>
            """;
        return $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(title)} · AirQuality console</title><link rel="stylesheet" href="/console.css"></head>
            <body><header><a href="/">AirQuality enforcement console</a>{account}</header><main>{body}</main></body></html>
            """;
    }

    internal static string E(string text) => HtmlEncoder.Default.Encode(text);
}

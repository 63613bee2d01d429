using System.Globalization;
using System.Text;

namespace AirQuality.EnforcementConsole;

/// <summary>The city page's HTML: a table of every district, then the overdue dispatches.</summary>
static class CityPage
{
    public static string Render(ConsoleUser user, string field, string token, CityView view)
    {
        var b = new StringBuilder("<h1>City</h1>");
        b.Append(CultureInfo.InvariantCulture, $"<p>Air on {Day(view.AirDay)}; sources to inspect on {Day(view.FlagDay)}. Response times and confirmed share over flags from {view.Since:yyyy-MM-dd HH:mm} to {view.Until:yyyy-MM-dd HH:mm} UTC (30 days), in hours from the flag.</p>");
        b.Append("<div class=\"wide\"><table id=\"districts\"><thead><tr><th>District</th><th>PM2.5 µg/m³</th><th>AQI</th><th>To inspect</th><th>Open</th><th>Overdue</th><th>Dispatched</th>");
        b.Append("<th>To acknowledgement, median</th><th>90th pct.</th><th>To finding, median</th><th>90th pct.</th><th>Confirmed</th></tr></thead><tbody>");
        foreach (var d in view.Districts)
        {
            b.Append(CultureInfo.InvariantCulture, $"<tr id=\"district-{E(d.DistrictId)}\"><td><a href=\"#district-{E(d.DistrictId)}\">{E(d.Name)}</a></td>");
            b.Append(CultureInfo.InvariantCulture, $"<td>{Number(d.Pm25, "F0")}</td><td>{(d.Aqi is { } aqi ? $"{aqi} {E((d.AqiCategory ?? "").Replace('_', ' '))}" : "–")}</td>");
            b.Append(CultureInfo.InvariantCulture, $"<td>{d.SourcesToInspect}</td><td>{d.OpenDispatches}</td><td{(d.OverdueDispatches > 0 ? " class=\"error\"" : "")}>{d.OverdueDispatches}</td><td>{d.Dispatched}</td>");
            b.Append(CultureInfo.InvariantCulture, $"<td>{Number(d.AcknowledgeMedianHours, "F1")}</td><td>{Number(d.AcknowledgeP90Hours, "F1")}</td><td>{Number(d.FindingMedianHours, "F1")}</td><td>{Number(d.FindingP90Hours, "F1")}</td>");
            b.Append(CultureInfo.InvariantCulture, $"<td>{(d.ConfirmedShare is { } share ? $"{share:P0} of {d.Judged}" : "–")}</td></tr>");
        }

        b.Append("</tbody></table></div>");
        b.Append(WorkflowPages.Overdue(view.Overdue, showTeam: true));
        return ConsolePages.Layout("City", user, (field, token), b.ToString());
    }

    static string Day(DateOnly? day) => day is { } d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "no day yet";

    static string Number(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    static string E(string text) => ConsolePages.E(text);
}

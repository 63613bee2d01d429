using System.Globalization;
using System.Text;

namespace AirQuality.EnforcementConsole;

/// <summary>The flag page: the flag, its workflow so far, and the one form the user's role may send next.</summary>
static class WorkflowPages
{
    public static string Flag(ConsoleUser user, string field, string token, FlagView flag, DateTimeOffset overdueBefore)
    {
        var b = new StringBuilder();
        var hidden = $"<input type=\"hidden\" name=\"{E(field)}\" value=\"{E(token)}\">";
        b.Append(CultureInfo.InvariantCulture, $"<h1>Flag {flag.FlagId}: {E(flag.SourceId)} {E(flag.SourceName)}</h1>");
        b.Append(CultureInfo.InvariantCulture, $"<p>Episode {flag.AnomalyId} on {flag.Day:yyyy-MM-dd}, district {E(flag.DistrictId)}: probability {flag.Probability:P0}{(flag.ToInspect ? ", to inspect" : ", also near")}. {E(flag.Explanation)}</p>");
        b.Append(CultureInfo.InvariantCulture, $"<p><a href=\"/teams/{Uri.EscapeDataString(flag.TeamIds.FirstOrDefault(t => t == user.TeamId) ?? (flag.TeamIds.Count > 0 ? flag.TeamIds[0] : ""))}/today\">Back to the today page</a></p>");
        b.Append("<h2>Workflow</h2><ol class=\"steps\">");
        b.Append(CultureInfo.InvariantCulture, $"<li>Flagged {Time(flag.FlaggedAt)}</li>");
        if (flag.Dispatch is { } d)
        {
            b.Append(CultureInfo.InvariantCulture, $"<li id=\"dispatched\">Dispatched to {E(d.AssignedTo ?? "the whole team")} by {E(d.DispatchedBy)}, {Time(d.DispatchedAt)}</li>");
            if (d.AcknowledgedAt is { } ack)
            {
                b.Append(CultureInfo.InvariantCulture, $"<li id=\"acknowledged\">Acknowledged by {E(d.AcknowledgedBy!)}, {Time(ack)}</li>");
            }
            else if (d.DispatchedAt < overdueBefore)
            {
                b.Append("<li class=\"error\" id=\"overdue\">Overdue: not acknowledged in time</li>");
            }

            if (flag.Finding is { } f)
            {
                b.Append(CultureInfo.InvariantCulture, $"<li id=\"finding\">Finding: <strong>{E(Findings.Describe(f.Finding))}</strong>, recorded by {E(f.RecordedBy)}, {Time(f.RecordedAt)}{(f.Notes is null ? "" : $". Notes: {E(f.Notes)}")}");
                if (f.HasPhoto)
                {
                    b.Append(CultureInfo.InvariantCulture, $"<br><img class=\"photo\" src=\"/flags/{flag.FlagId}/photo\" alt=\"Photo taken at the inspection of {E(flag.SourceName)}\">");
                }

                b.Append("</li>");
            }

            if (d.ResolvedAt is { } resolved)
            {
                b.Append(CultureInfo.InvariantCulture, $"<li id=\"resolved\">Resolved by {E(d.ResolvedBy!)}, {Time(resolved)}</li>");
            }
        }

        b.Append("</ol>");

        var assignee = flag.Dispatch is { } a && a.TeamId == user.TeamId && (a.AssignedUserId is null || a.AssignedUserId == user.UserId)
            && user.Role is ConsoleRoles.TownshipOfficer or ConsoleRoles.DistrictMember;
        if (user.Role == ConsoleRoles.DistrictLead && flag.Dispatch is null)
        {
            b.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/flags/{flag.FlagId}/dispatch\">{hidden}<label for=\"officer\">Send to</label><select id=\"officer\" name=\"officer\"><option value=\"team\">the whole team</option>");
            foreach (var officer in flag.Officers)
            {
                b.Append(CultureInfo.InvariantCulture, $"<option value=\"{officer.UserId}\">{E(officer.Name)}</option>");
            }

            b.Append("</select><p><button type=\"submit\">Dispatch</button></p></form>");
        }
        else if (assignee && flag.Dispatch!.AcknowledgedAt is null)
        {
            b.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/flags/{flag.FlagId}/acknowledge\">{hidden}<p><button type=\"submit\">Acknowledge</button></p></form>");
        }
        else if (assignee && flag.Finding is null && flag.Dispatch!.ResolvedAt is null)
        {
            b.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/flags/{flag.FlagId}/finding\" enctype=\"multipart/form-data\">{hidden}<fieldset><legend>Finding</legend>");
            foreach (var finding in Findings.All)
            {
                b.Append(CultureInfo.InvariantCulture, $"<label><input type=\"radio\" name=\"finding\" value=\"{finding}\" required> {E(Findings.Describe(finding))}</label>");
            }

            b.Append("</fieldset><label for=\"notes\">Notes</label><textarea id=\"notes\" name=\"notes\" maxlength=\"2000\" rows=\"4\"></textarea>");
            b.Append("<label for=\"photo\">Photo (JPEG or PNG, optional)</label><input id=\"photo\" name=\"photo\" type=\"file\" accept=\"image/jpeg,image/png\">");
            b.Append("<p><button type=\"submit\">Record the finding</button></p></form>");
        }
        else if (user.Role == ConsoleRoles.DistrictLead && flag.Finding is not null && flag.Dispatch!.ResolvedAt is null)
        {
            b.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/flags/{flag.FlagId}/resolve\">{hidden}<p><button type=\"submit\">Resolve</button></p></form>");
        }

        // Before the finding, the lead who owns the dispatch may send the flag to someone else.
        if (user.Role == ConsoleRoles.DistrictLead && flag.Dispatch is { ResolvedAt: null } current && flag.Finding is null && current.TeamId == user.TeamId)
        {
            b.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/flags/{flag.FlagId}/redispatch\">{hidden}<label for=\"redispatch-officer\">Send to someone else</label><select id=\"redispatch-officer\" name=\"officer\">");
            if (current.AssignedUserId is not null)
            {
                b.Append("<option value=\"team\">the whole team</option>");
            }

            foreach (var officer in flag.Officers.Where(o => o.UserId != current.AssignedUserId))
            {
                b.Append(CultureInfo.InvariantCulture, $"<option value=\"{officer.UserId}\">{E(officer.Name)}</option>");
            }

            b.Append("</select><p><button type=\"submit\">Re-dispatch</button></p></form>");
        }

        return ConsolePages.Layout($"Flag {flag.FlagId}", user, (field, token), b.ToString());
    }

    /// <summary>The user's open dispatches, for the top of their team's today page.</summary>
    public static string Open(IReadOnlyList<OpenDispatch> open)
    {
        if (open.Count == 0)
        {
            return "<h2>Your open dispatches</h2><p id=\"my-dispatches\">None open.</p>";
        }

        var b = new StringBuilder("<h2>Your open dispatches</h2><ul id=\"my-dispatches\">");
        foreach (var o in open)
        {
            var flag = o.FlagId is { } id ? $"<a href=\"/flags/{id}\">flag {id}</a>" : "a flag replaced by a re-run of attribution";
            b.Append(CultureInfo.InvariantCulture, $"<li{(o.Overdue ? " class=\"error\"" : "")}>{flag}: {E(o.SourceId)} {E(o.SourceName)}, sent to {E(o.AssignedTo ?? "the whole team")} {Time(o.DispatchedAt)}; {E(o.State)}{(o.Overdue ? " (overdue)" : "")}</li>");
        }

        return b.Append("</ul>").ToString();
    }

    /// <summary>The overdue dispatches, for the district lead's today page and the city page.</summary>
    public static string Overdue(IReadOnlyList<OverdueDispatch> overdue, bool showTeam)
    {
        if (overdue.Count == 0)
        {
            return "<h2>Overdue dispatches</h2><p>None: every dispatch has been acknowledged in time.</p>";
        }

        var b = new StringBuilder("<h2>Overdue dispatches</h2><ul class=\"overdue\">");
        foreach (var o in overdue)
        {
            var flag = o.FlagId is { } id ? $"<a href=\"/flags/{id}\">flag {id}</a>" : "a flag replaced by a re-run of attribution";
            b.Append(CultureInfo.InvariantCulture, $"<li>{flag}: {E(o.SourceId)} {E(o.SourceName)}{(showTeam ? ", " + E(o.TeamId) : "")}, sent to {E(o.AssignedTo ?? "the whole team")} {Time(o.DispatchedAt)}, waiting {o.Waiting.TotalHours:F1} h</li>");
        }

        return b.Append("</ul>").ToString();
    }

    static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    static string E(string text) => ConsolePages.E(text);
}

using System.Globalization;
using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AirQuality.EnforcementConsole;

/// <summary>The console's URLs. Every URL that takes a team id answers 403 to a user of another team.</summary>
public static class ConsoleEndpoints
{
    public static WebApplication UseEnforcementConsole(this WebApplication app)
    {
        app.Use(ServerTiming.Apply);
        app.Use(SecurityHeaders.Apply);
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapGet("/health/live", () => Results.Text("live\n"));
        app.MapGet("/health/ready", ReadyAsync);
        app.MapGet("/console.css", () => Results.Text(ConsolePages.Stylesheet, "text/css; charset=utf-8"));
        app.MapGet("/signin", (HttpContext context, IAntiforgery antiforgery) => SignInPage(context, antiforgery, null, null, StatusCodes.Status200OK));
        app.MapPost("/signin", SignInAsync);
        app.MapPost("/signout", SignOutAsync);
        app.MapGet("/", HomeAsync).RequireAuthorization();
        app.MapGet("/teams/{teamId}/today", TodayAsync).RequireAuthorization();
        app.MapGet("/city", CityAsync).RequireAuthorization();
        app.MapWorkflow();
        return app;
    }

    static async Task<IResult> ReadyAsync(ConsoleDatabase database, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteScalarAsync<int?>(new CommandDefinition("SELECT 1 FROM console_users LIMIT 1", cancellationToken: cancellationToken));
            return Results.Text("ready\n");
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return Results.Text($"not ready: {e.Message}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    static IResult SignInPage(HttpContext context, IAntiforgery antiforgery, string? error, string? name, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return Results.Content(ConsolePages.SignIn(tokens.FormFieldName, tokens.RequestToken!, error, name), "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>Null when the form's anti-forgery token is valid; else the 400 answer.</summary>
    internal static async Task<IResult?> RefuseForgeryAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (await antiforgery.IsRequestValidAsync(context))
        {
            return null;
        }

        return Results.Content(ConsolePages.Message("Form expired", "The form was missing its anti-forgery token or it did not match: reload the page and send the form again."),
            "text/html; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
    }

    static async Task<IResult> SignInAsync(HttpContext context, IAntiforgery antiforgery, ConsoleUserStore users, TimeProvider time)
    {
        if (await RefuseForgeryAsync(context, antiforgery) is { } refused)
        {
            return refused;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var name = form["name"].ToString().Trim();
        var password = form["password"].ToString();
        if (name.Length == 0 || password.Length == 0 || name.Length > 63 || password.Length > 1024)
        {
            return SignInPage(context, antiforgery, "Give your name and your password.", name.Length > 63 ? null : name, StatusCodes.Status400BadRequest);
        }

        var result = await users.SignInAsync(name, password, context.RequestAborted);
        if (result.User is not { } user)
        {
            var error = result.LockedUntil is { } until
                ? string.Create(CultureInfo.InvariantCulture, $"Too many failed sign-ins: this account is locked for {Math.Ceiling((until - time.GetUtcNow()).TotalMinutes):F0} more minutes. Try again then, or ask your district lead to set a new password.")
                : "Wrong name or password.";
            return SignInPage(context, antiforgery, error, name, StatusCodes.Status401Unauthorized);
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.UserId.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.Name),
            new(ClaimTypes.Role, user.Role),
        };
        if (user.TeamId is not null)
        {
            claims.Add(new Claim(ConsoleServiceCollectionExtensions.TeamClaim, user.TeamId));
        }

        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme)));
        return Results.Redirect("/");
    }

    static async Task<IResult> SignOutAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (await RefuseForgeryAsync(context, antiforgery) is { } refused)
        {
            return refused;
        }

        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.Redirect("/signin");
    }

    static async Task<IResult> HomeAsync(HttpContext context, IAntiforgery antiforgery, TodayQueries queries)
    {
        var user = CurrentUser(context.User);
        if (!ConsoleRoles.IsCityWide(user.Role))
        {
            return Results.Redirect($"/teams/{Uri.EscapeDataString(user.TeamId!)}/today");
        }

        var tokens = antiforgery.GetAndStoreTokens(context);
        return Results.Content(ConsolePages.Teams(user, tokens.FormFieldName, tokens.RequestToken!, await queries.TeamsAsync(context.RequestAborted)), "text/html; charset=utf-8");
    }

    static async Task<IResult> TodayAsync(string teamId, HttpContext context, IAntiforgery antiforgery, TodayQueries queries, WorkflowStore workflow, ConsoleOptions options)
    {
        var user = CurrentUser(context.User);
        // Checked before the team is looked up, so another team's user learns nothing, not even whether the id exists.
        if (!user.MaySee(teamId))
        {
            return Results.Content(ConsolePages.Message("Not your team", "This page belongs to another team; you see only your own team's districts."),
                "text/html; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
        }

        if (await queries.LoadAsync(teamId, context.RequestAborted) is not { } view)
        {
            return Results.Content(ConsolePages.Message("No such team", $"There is no team '{teamId}'."), "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        }

        var tokens = antiforgery.GetAndStoreTokens(context);
        // Overdue dispatches are the lead's to chase (and the city's, on the city page).
        var overdue = user.Role is ConsoleRoles.DistrictLead or ConsoleRoles.CitySupervisor ? await workflow.OverdueAsync(teamId, context.RequestAborted) : null;
        // A team user's own open dispatches; city-wide users have none.
        var open = user.TeamId == teamId ? await workflow.OpenDispatchesAsync(user, context.RequestAborted) : null;
        return Results.Content(ConsolePages.Today(user, tokens.FormFieldName, tokens.RequestToken!, view, options.Zone, overdue, open), "text/html; charset=utf-8");
    }

    static async Task<IResult> CityAsync(HttpContext context, IAntiforgery antiforgery, CityQueries queries)
    {
        var user = CurrentUser(context.User);
        if (!ConsoleRoles.IsCityWide(user.Role))
        {
            return Results.Content(ConsolePages.Message("City supervisors and analysts only", "The city page shows every district; you see your own team's today page."),
                "text/html; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
        }

        var tokens = antiforgery.GetAndStoreTokens(context);
        return Results.Content(CityPage.Render(user, tokens.FormFieldName, tokens.RequestToken!, await queries.LoadAsync(context.RequestAborted)), "text/html; charset=utf-8");
    }

    internal static ConsoleUser CurrentUser(ClaimsPrincipal principal) => new(
        long.Parse(principal.FindFirstValue(ClaimTypes.NameIdentifier)!, CultureInfo.InvariantCulture),
        principal.FindFirstValue(ClaimTypes.Name)!,
        principal.FindFirstValue(ClaimTypes.Role)!,
        principal.FindFirstValue(ConsoleServiceCollectionExtensions.TeamClaim));
}

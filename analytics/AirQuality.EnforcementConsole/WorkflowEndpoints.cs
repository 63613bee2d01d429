using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AirQuality.EnforcementConsole;

/// <summary>
/// The workflow's URLs, all under <c>/flags/{flagId}</c>. A team user asking for a flag outside the team's districts
/// gets 403 whether or not the flag exists; each post needs the form's anti-forgery token and answers with a
/// redirect back to the flag's page, or the reason it was refused.
/// </summary>
static class WorkflowEndpoints
{
    public static void MapWorkflow(this WebApplication app)
    {
        app.MapGet("/flags/{flagId:long}", FlagPageAsync).RequireAuthorization();
        app.MapGet("/flags/{flagId:long}/photo", PhotoAsync).RequireAuthorization();
        app.MapPost("/flags/{flagId:long}/dispatch", (long flagId, HttpContext context, IAntiforgery antiforgery, WorkflowStore store) =>
            StepAsync(flagId, context, antiforgery, store, (user, flag, form) => store.DispatchAsync(user, flag, Officer(form), context.Connection.RemoteIpAddress, context.RequestAborted)));
        app.MapPost("/flags/{flagId:long}/redispatch", (long flagId, HttpContext context, IAntiforgery antiforgery, WorkflowStore store) =>
            StepAsync(flagId, context, antiforgery, store, (user, flag, form) => store.RedispatchAsync(user, flag, Officer(form), context.Connection.RemoteIpAddress, context.RequestAborted)));
        app.MapPost("/flags/{flagId:long}/acknowledge", (long flagId, HttpContext context, IAntiforgery antiforgery, WorkflowStore store) =>
            StepAsync(flagId, context, antiforgery, store, (user, flag, _) => store.AcknowledgeAsync(user, flag, context.Connection.RemoteIpAddress, context.RequestAborted)));
        app.MapPost("/flags/{flagId:long}/finding", (long flagId, HttpContext context, IAntiforgery antiforgery, WorkflowStore store, ConsoleOptions options) =>
            StepAsync(flagId, context, antiforgery, store, async (user, flag, form) =>
            {
                var notes = form["notes"].ToString().Trim();
                byte[]? photo = null;
                if (form.Files.GetFile("photo") is { Length: > 0 } file)
                {
                    if (file.Length > options.PhotoMaxBytes)
                    {
                        throw new WorkflowException(StatusCodes.Status413PayloadTooLarge, "Photo too large",
                            $"The photo has {file.Length:N0} bytes; at most {options.PhotoMaxBytes:N0} are accepted. Send a smaller photo (a phone's 'medium' size), or none.");
                    }

                    using var buffer = new MemoryStream((int)file.Length);
                    await file.CopyToAsync(buffer, context.RequestAborted);
                    photo = buffer.ToArray();
                }

                await store.RecordFindingAsync(user, flag, form["finding"].ToString(), notes.Length == 0 ? null : notes, photo, context.Connection.RemoteIpAddress, context.RequestAborted);
            }));
        app.MapPost("/flags/{flagId:long}/resolve", (long flagId, HttpContext context, IAntiforgery antiforgery, WorkflowStore store) =>
            StepAsync(flagId, context, antiforgery, store, (user, flag, _) => store.ResolveAsync(user, flag, context.Connection.RemoteIpAddress, context.RequestAborted)));
    }

    /// <summary>The form's <c>officer</c>: a user id, or null for the whole team ("team" or empty).</summary>
    static long? Officer(IFormCollection form)
    {
        var to = form["officer"].ToString();
        return to is "" or "team" ? null
            : long.TryParse(to, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id
            : throw new WorkflowException(StatusCodes.Status400BadRequest, "Which officer?", $"'{to}' is not an officer's id: choose an officer from the list, or the whole team.");
    }

    static async Task<IResult> FlagPageAsync(long flagId, HttpContext context, IAntiforgery antiforgery, WorkflowStore store, ConsoleOptions options, TimeProvider time)
    {
        var user = ConsoleEndpoints.CurrentUser(context.User);
        var (flag, refused) = await LoadAsync(flagId, user, store, context.RequestAborted);
        if (refused is not null)
        {
            return refused;
        }

        var tokens = antiforgery.GetAndStoreTokens(context);
        return Results.Content(WorkflowPages.Flag(user, tokens.FormFieldName, tokens.RequestToken!, flag!, time.GetUtcNow() - options.AcknowledgeWithin), "text/html; charset=utf-8");
    }

    static async Task<IResult> PhotoAsync(long flagId, HttpContext context, WorkflowStore store)
    {
        var user = ConsoleEndpoints.CurrentUser(context.User);
        var (_, refused) = await LoadAsync(flagId, user, store, context.RequestAborted);
        if (refused is not null)
        {
            return refused;
        }

        return await store.PhotoAsync(flagId, context.RequestAborted) is { } photo
            ? Results.Bytes(photo.Bytes, photo.Type)
            : Results.Content(ConsolePages.Message("No photo", $"The finding of flag {flagId} has no photo."), "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
    }

    static async Task<IResult> StepAsync(long flagId, HttpContext context, IAntiforgery antiforgery, WorkflowStore store, Func<ConsoleUser, FlagView, IFormCollection, Task> step)
    {
        if (await ConsoleEndpoints.RefuseForgeryAsync(context, antiforgery) is { } forged)
        {
            return forged;
        }

        var user = ConsoleEndpoints.CurrentUser(context.User);
        var (flag, refused) = await LoadAsync(flagId, user, store, context.RequestAborted);
        if (refused is not null)
        {
            return refused;
        }

        try
        {
            await step(user, flag!, await context.Request.ReadFormAsync(context.RequestAborted));
        }
        catch (WorkflowException e)
        {
            return Results.Content(ConsolePages.Message(e.Title, e.Message), "text/html; charset=utf-8", statusCode: e.Status);
        }

        return Results.Redirect($"/flags/{flagId}"); // 302 after a POST: the browser follows it with a GET
    }

    /// <summary>The flag, or the answer refusing it: 403 for a team user outside its districts (existing or not), 404 for a city-wide user.</summary>
    static async Task<(FlagView? Flag, IResult? Refused)> LoadAsync(long flagId, ConsoleUser user, WorkflowStore store, CancellationToken cancellationToken)
    {
        var flag = await store.LoadAsync(flagId, ConsoleRoles.IsCityWide(user.Role) ? null : user.TeamId, cancellationToken);
        if (!ConsoleRoles.IsCityWide(user.Role) && (flag is null || !flag.TeamIds.Contains(user.TeamId!, StringComparer.Ordinal)))
        {
            return (null, Results.Content(ConsolePages.Message("Not your team's flag", "This flag is not in your team's districts; you see and act only on your own team's flags."),
                "text/html; charset=utf-8", statusCode: StatusCodes.Status403Forbidden));
        }

        return flag is null
            ? (null, Results.Content(ConsolePages.Message("No such flag", $"There is no flag {flagId}; a re-run of attribution replaces a day's flags."), "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound))
            : (flag, null);
    }
}

using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace AirQuality.EnforcementConsole;

/// <summary>The <c>console_users</c> table: adding users (<c>airq user add</c>) and checking sign-ins with lockout.</summary>
public sealed partial class ConsoleUserStore(NpgsqlDataSource dataSource, ConsoleOptions options, TimeProvider time)
{
    /// <summary>
    /// Adds user <paramref name="name"/>, or, when the name exists, sets its role, team and password (and lifts any
    /// lockout). Needs a login that may write <c>console_users</c> (the administrator's; the console's role cannot).
    /// Returns true when the user was created.
    /// </summary>
    public static async Task<bool> AddOrUpdateAsync(NpgsqlDataSource administrator, string name, string role, string? teamId, string password, CancellationToken cancellationToken)
    {
        if (!UserName().IsMatch(name))
        {
            throw new ArgumentOutOfRangeException(nameof(name), name, $"'{name}' is not a valid user name: use 1 to 63 characters, lower-case letters, digits, '.', '_' and '-', starting with a letter.");
        }

        if (!ConsoleRoles.All.Contains(role, StringComparer.Ordinal))
        {
            throw new ArgumentOutOfRangeException(nameof(role), role, $"'{role}' is not a console role; use one of {string.Join(", ", ConsoleRoles.All)}.");
        }

        if (teamId is null && !ConsoleRoles.IsCityWide(role))
        {
            throw new ArgumentOutOfRangeException(nameof(teamId), teamId, $"A {role} sees only their own team's districts, so they need a team: give --team with an id from enforcement_teams (infra/registry/teams.csv).");
        }

        if (password.Length < 12)
        {
            throw new ArgumentOutOfRangeException(nameof(password), "(hidden)", "The password must have at least 12 characters.");
        }

        await using var connection = await administrator.OpenConnectionAsync(cancellationToken);
        if (teamId is not null && !await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT EXISTS (SELECT FROM enforcement_teams WHERE team_id = @teamId)", new { teamId }, cancellationToken: cancellationToken)))
        {
            throw new ArgumentOutOfRangeException(nameof(teamId), teamId, $"There is no team '{teamId}' in enforcement_teams; use a team_id from the registry (infra/registry/teams.csv, airq registry import).");
        }

        var hash = PasswordHash.Create(password);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition("""
            INSERT INTO console_users (name, role, team_id, password_hash) VALUES (@name, @role, @teamId, @hash)
            ON CONFLICT (name) DO UPDATE SET role = EXCLUDED.role, team_id = EXCLUDED.team_id, password_hash = EXCLUDED.password_hash,
                failed_sign_ins = 0, locked_until = NULL
            RETURNING xmax = 0
            """, new { name, role, teamId, hash }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Checks <paramref name="password"/> for <paramref name="name"/>. A locked account is refused without checking the
    /// password; the failure that reaches <see cref="ConsoleOptions.LockoutFailures"/> locks it for <see cref="ConsoleOptions.LockoutFor"/>.
    /// </summary>
    public async Task<SignInResult> SignInAsync(string name, string password, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            "SELECT user_id AS UserId, name AS Name, role AS Role, team_id AS TeamId, password_hash AS PasswordHash, locked_until AS LockedUntil FROM console_users WHERE name = @name",
            new { name }, cancellationToken: cancellationToken));
        var now = time.GetUtcNow();
        if (row is null)
        {
            // Same work as for a real user, so the time taken does not tell which names exist.
            PasswordHash.Verify(password, PasswordHash.Decoy);
            return new SignInResult(null, null);
        }

        if (row.LockedUntil is { } locked && new DateTimeOffset(locked, TimeSpan.Zero) > now)
        {
            return new SignInResult(null, new DateTimeOffset(locked, TimeSpan.Zero));
        }

        if (PasswordHash.Verify(password, row.PasswordHash))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE console_users SET failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = @now WHERE user_id = @id",
                new { id = row.UserId, now }, cancellationToken: cancellationToken));
            return new SignInResult(new ConsoleUser(row.UserId, row.Name, row.Role, row.TeamId), null);
        }

        // One statement, so two wrong passwords at the same moment both count. Reaching the limit locks the account
        // and starts the count again for when the lock ends.
        var lockedUntil = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition("""
            UPDATE console_users
            SET locked_until = CASE WHEN failed_sign_ins + 1 >= @limit THEN @until ELSE NULL END,
                failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= @limit THEN 0 ELSE failed_sign_ins + 1 END
            WHERE user_id = @id
            RETURNING locked_until
            """, new { id = row.UserId, limit = options.LockoutFailures, until = now + options.LockoutFor }, cancellationToken: cancellationToken));
        return new SignInResult(null, lockedUntil is { } until ? new DateTimeOffset(until, TimeSpan.Zero) : null);
    }

    sealed record UserRow(long UserId, string Name, string Role, string? TeamId, string PasswordHash, DateTime? LockedUntil);

    [GeneratedRegex("^[a-z][a-z0-9._-]{0,62}$")]
    private static partial Regex UserName();
}

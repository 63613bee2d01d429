using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace AirQuality.Storage;

/// <summary>
/// The group roles of migrations <c>0009_roles.sql</c> and <c>0016_console.sql</c>, and the logins made members of them
/// (<c>airq db grant-analyst</c>, <c>airq db grant-worker</c>).
/// </summary>
/// <remarks>
/// Role and password never enter the SQL text: they travel as parameters into transaction-local settings, and a
/// server-side block quotes them with <c>format('%I')</c> and <c>format('%L')</c>. The name is also checked here
/// first, so a mistake gets a clear message rather than a quoted, oddly named role.
/// </remarks>
public static partial class DatabaseRoles
{
    public const string Ingest = "airq_ingest";
    public const string Analytics = "airq_analytics";
    public const string Analyst = "airq_analyst";
    public const string Console = "airq_console";

    /// <summary>The group roles a login may join, by the short name the command line uses.</summary>
    public static IReadOnlyDictionary<string, string> Groups { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ingest"] = Ingest,
        ["analytics"] = Analytics,
        ["analyst"] = Analyst,
        ["console"] = Console,
    };

    /// <summary>Throws unless <paramref name="name"/> is a plain lower-case identifier that is not one of the group roles.</summary>
    public static string CheckLoginName(string name)
    {
        if (!LoginName().IsMatch(name))
        {
            throw new ArgumentOutOfRangeException(nameof(name), name,
                $"'{name}' is not a valid login name: use 1 to 63 characters, lower-case letters, digits and '_', starting with a letter or '_'.");
        }

        if (name.StartsWith("pg_", StringComparison.Ordinal) || Groups.Values.Contains(name, StringComparer.Ordinal))
        {
            throw new ArgumentOutOfRangeException(nameof(name), name, $"'{name}' is reserved (a group role or a PostgreSQL system role); choose another login name.");
        }

        return name;
    }

    /// <summary>A random password of 32 URL-safe characters (192 bits).</summary>
    public static string GeneratePassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// Creates login <paramref name="name"/> in <paramref name="group"/> with <paramref name="password"/>, or, when it
    /// exists, sets its password and adds it to the group. Returns true when the login was created.
    /// </summary>
    public static async Task<bool> CreateOrUpdateLoginAsync(NpgsqlDataSource dataSource, string name, string group, string password, CancellationToken cancellationToken)
    {
        CheckLoginName(name);
        if (!Groups.Values.Contains(group, StringComparer.Ordinal))
        {
            throw new ArgumentOutOfRangeException(nameof(group), group, $"'{group}' is not one of the pipeline's roles ({string.Join(", ", Groups.Values)}).");
        }

        if (password.Length < 12)
        {
            throw new ArgumentOutOfRangeException(nameof(password), "(hidden)", "The password must have at least 12 characters.");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var groupExists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = @group)", new { group }, transaction, cancellationToken: cancellationToken));
        if (!groupExists)
        {
            throw new SchemaNotMigratedException($"Role {group} does not exist: migration 0009_roles, which creates it, has not been applied.");
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT set_config('airq.login_name', @name, true), set_config('airq.login_password', @password, true), set_config('airq.login_group', @group, true)",
            new { name, password, group }, transaction, cancellationToken: cancellationToken));
        var existed = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = @name)", new { name }, transaction, cancellationToken: cancellationToken));
        // Updating an administrator would strip it of its powers (NOSUPERUSER ...) and then fail half-way.
        var administrator = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = @name AND (rolsuper OR rolcreaterole OR rolname = current_user))",
            new { name }, transaction, cancellationToken: cancellationToken));
        if (administrator)
        {
            throw new ArgumentOutOfRangeException(nameof(name), name,
                $"'{name}' is an administrator's login (a superuser, a login that creates roles, or the one this command connects as), " +
                "which must keep its powers; give the new login a name of its own, such as alice.");
        }

        await connection.ExecuteAsync(new CommandDefinition("""
            DO $$
            DECLARE
                login text := current_setting('airq.login_name');
                secret text := current_setting('airq.login_password');
                grp text := current_setting('airq.login_group');
            BEGIN
                IF EXISTS (SELECT FROM pg_roles WHERE rolname = login) THEN
                    EXECUTE format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', login, secret);
                ELSE
                    EXECUTE format('CREATE ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', login, secret);
                END IF;
                EXECUTE format('GRANT %I TO %I', grp, login);
            END $$
            """, transaction: transaction, cancellationToken: cancellationToken));
        // The settings were transaction-local; clear them anyway so nothing later in this session can read the password.
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT set_config('airq.login_password', '', true)", transaction: transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return !existed;
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex LoginName();
}

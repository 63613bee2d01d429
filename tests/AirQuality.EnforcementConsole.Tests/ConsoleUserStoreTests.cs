using AirQuality.Tests.Support;
using Dapper;
using Xunit;

namespace AirQuality.EnforcementConsole.Tests;

/// <summary>Adding users (what <c>airq user add</c> calls) and their hashes.</summary>
public sealed class ConsoleUserStoreTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Adding_a_user_stores_a_pbkdf2_hash_and_never_the_password()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ConsoleCity.CreateAsync(db);
        const string password = "a very particular password";
        Assert.True(await ConsoleUserStore.AddOrUpdateAsync(db, "new.officer", ConsoleRoles.TownshipOfficer, "team-yuzhong", password, CancellationToken.None));
        await using var connection = await db.OpenConnectionAsync();
        var row = await connection.QuerySingleAsync<string>("SELECT row_to_json(u)::text FROM console_users u WHERE name = 'new.officer'");
        Assert.DoesNotContain(password, row, StringComparison.Ordinal);
        var hash = await connection.QuerySingleAsync<string>("SELECT password_hash FROM console_users WHERE name = 'new.officer'");
        var parts = hash.Split('$');
        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.True(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) >= 600_000);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.True(PasswordHash.Verify(password, hash));
        Assert.False(PasswordHash.Verify(password + "!", hash));

        // The same password for another user gets another salt, so another hash.
        await ConsoleUserStore.AddOrUpdateAsync(db, "second.officer", ConsoleRoles.TownshipOfficer, "team-yuzhong", password, CancellationToken.None);
        Assert.NotEqual(hash, await connection.QuerySingleAsync<string>("SELECT password_hash FROM console_users WHERE name = 'second.officer'"));
    }

    [Fact]
    public async Task A_team_role_without_a_team_or_with_an_unknown_team_is_refused_with_what_to_do()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ConsoleCity.CreateAsync(db);
        var noTeam = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ConsoleUserStore.AddOrUpdateAsync(db, "x", ConsoleRoles.DistrictLead, null, "twelve chars!", CancellationToken.None));
        Assert.Contains("--team", noTeam.Message, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ConsoleUserStore.AddOrUpdateAsync(db, "x", ConsoleRoles.DistrictLead, "team-nowhere", "twelve chars!", CancellationToken.None));
        Assert.Contains("no team 'team-nowhere'", unknown.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ConsoleUserStore.AddOrUpdateAsync(db, "x", "admin", null, "twelve chars!", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ConsoleUserStore.AddOrUpdateAsync(db, "x", ConsoleRoles.Analyst, null, "short", CancellationToken.None));
    }
}

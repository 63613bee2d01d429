using AirQuality.Storage.Registry;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.Storage.Tests.Registry;

public sealed class RegistryStoreTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task An_imported_registry_reads_back_unchanged_and_a_second_import_changes_nothing()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var store = new RegistryStore(db);
        var shipped = TestRegistry.Shipped();
        await store.UpsertAsync(shipped, CancellationToken.None);
        await store.UpsertAsync(shipped, CancellationToken.None);
        var loaded = await store.LoadAsync(CancellationToken.None);

        Assert.Equal(shipped.Districts.OrderBy(d => d.DistrictId, StringComparer.Ordinal), loaded.Districts);
        Assert.Equal(shipped.Sensors.OrderBy(s => s.SensorId, StringComparer.Ordinal), loaded.Sensors);
        Assert.Equal(shipped.Sources.OrderBy(s => s.SourceId, StringComparer.Ordinal), loaded.Sources);
        // Operating hours (migration 0018) included: stated for most sources, blank (unknown) for some.
        Assert.Contains(loaded.Sources, s => s.OperatingHours == new OperatingHours(7, 19));
        Assert.Contains(loaded.Sources, s => s.OperatingHours is null);
        Assert.Equal(
            shipped.Teams.OrderBy(t => t.TeamId, StringComparer.Ordinal).Select(t => (t.TeamId, string.Join(';', t.DistrictIds), string.Join(';', t.RecipientEmails))),
            loaded.Teams.Select(t => (t.TeamId, string.Join(';', t.DistrictIds), string.Join(';', t.RecipientEmails))));
    }

    [Fact]
    public async Task A_file_with_an_error_applies_nothing()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var dir = TestRegistry.CopyToTemp();
        File.AppendAllText(Path.Combine(dir, "sensors.csv"), "S9999,Broken,yuzhong,yuzhong-jiefangbei,29.5,200,micro_sensor,300\n");

        var error = Assert.Throws<RegistryValidationException>(() => RegistryCsv.Load(dir));
        Assert.Contains("sensors.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("field 'longitude'", error.Message, StringComparison.Ordinal);
        Assert.Empty((await new RegistryStore(db).LoadAsync(CancellationToken.None)).Sensors);
    }
}

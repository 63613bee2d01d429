using AirQuality.Development;
using AirQuality.Storage;
using Npgsql;
using Xunit;

namespace AirQuality.IntegrationTests.Development;

/// <summary>The private development cluster made where a newcomer clones: a home folder only its owner may enter.</summary>
public sealed class PrivateClusterTests
{
    [Fact]
    public async Task A_cluster_folder_inside_a_private_home_folder_is_created_restarted_and_removed_whole()
    {
        // Like a clone in root's home on Debian (mode 700): when run as root the server runs as postgres, which cannot enter it.
        var home = Directory.CreateTempSubdirectory("airq-private-home-");
        File.SetUnixFileMode(home.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var folder = Path.Combine(home.FullName, "checkout", ".airq", "pg");
        PrivateCluster? cluster = null;
        var dataPath = "";
        try
        {
            (cluster, var connectionString) = await PrivateCluster.EnsureRunningAsync(folder, preloadTimescale: false, progress: null, CancellationToken.None);
            Assert.Equal(42, await ScalarAsync(connectionString));
            dataPath = cluster.DataPath;

            await cluster.StopAsync(CancellationToken.None);
            Assert.False(await cluster.IsRunningAsync(CancellationToken.None));
            (cluster, connectionString) = await PrivateCluster.EnsureRunningAsync(folder, preloadTimescale: false, progress: null, CancellationToken.None);
            Assert.Equal(42, await ScalarAsync(connectionString));
        }
        finally
        {
            if (cluster is not null)
            {
                await cluster.DeleteAsync(CancellationToken.None);
            }

            home.Delete(recursive: true);
        }

        Assert.False(Directory.Exists(Path.GetDirectoryName(dataPath)), $"{Path.GetDirectoryName(dataPath)} was left behind.");
    }

    static async Task<int> ScalarAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT 42", connection);
        return (int)(await command.ExecuteScalarAsync())!;
    }
}

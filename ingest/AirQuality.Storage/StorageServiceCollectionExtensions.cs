using AirQuality.Storage.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AirQuality.Storage;

/// <summary>Wires the storage stage into a host.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="DatabaseOptions"/> from section <c>Database</c> (checked by <see cref="DatabaseOptions.Validate"/>), one
    /// <see cref="NpgsqlDataSource"/> on <paramref name="connectionString"/>, the <see cref="Migrator"/> and the <see cref="RegistryStore"/>.
    /// </summary>
    /// <remarks>
    /// The connection string is a parameter, not read here, because where it comes from is the caller's business: the
    /// configured one in production, a private development cluster started by the command line otherwise.
    /// </remarks>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration, string connectionString) =>
        services.AddStorage(configuration, _ => connectionString);

    /// <summary>As <see cref="AddStorage(IServiceCollection, IConfiguration, string)"/>, the connection string asked for when the data source is first needed.</summary>
    /// <remarks>
    /// For a caller that learns the connection string only once the host is built: the command line checks every
    /// setting first and only then starts its development cluster.
    /// </remarks>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, string> connectionString)
    {
        services.AddSection<DatabaseOptions>(configuration, "Database", o => o.Validate());
        services.AddSingleton(sp => Database.CreateDataSource(connectionString(sp)));
        services.AddSingleton<Migrator>();
        services.AddSingleton<RegistryStore>();
        return services;
    }
}

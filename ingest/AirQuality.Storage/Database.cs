using Npgsql;

namespace AirQuality.Storage;

/// <summary>Creates the pooled data source every stage uses, with this project's Dapper conventions applied once.</summary>
public static class Database
{
    static Database()
    {
        // Columns are snake_case (the schema is the analysts' interface); records are PascalCase.
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    public static NpgsqlDataSource CreateDataSource(string connectionString, string applicationName = "airq")
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= applicationName;
        return builder.Build();
    }
}

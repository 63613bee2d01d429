using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.IntegrationTests;

/// <summary>
/// The tests that run an ingest worker against a broker, one class at a time: they kill a worker mid-stream or
/// stream at a set speed and would miss their moment beside another class's workers and brokers. The database
/// tests without a worker (<see cref="DatabaseTests"/>) and those without a database (command line, audits, the
/// development tools) run beside them; the outage (<see cref="DatabaseOutage"/>) runs alone, after them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProcessTests : ICollectionFixture<PostgresFixture>
{
    public const string Name = "ingest workers against the shared cluster";
}

/// <summary>
/// The database tests without an ingest worker (the SQL guide, roles and logins, the CLI's database commands, the
/// report sends), one class at a time among themselves because several create or grant cluster-wide roles, and
/// beside <see cref="ProcessTests"/>.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DatabaseTests : ICollectionFixture<PostgresFixture>
{
    public const string Name = "database tests against the shared cluster";
}

/// <summary>
/// The test that stops the process's shared cluster to play an outage: with parallelization disabled, xunit runs this
/// collection alone, after every other collection, so no other test loses its database meanwhile.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DatabaseOutage : ICollectionFixture<PostgresFixture>
{
    public const string Name = "the shared cluster stopped and started";
}

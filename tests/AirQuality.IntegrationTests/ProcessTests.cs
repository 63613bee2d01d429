using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.IntegrationTests;

/// <summary>
/// The integration tests that use the database, run one class at a time, unlike the stage tests' classes: one of
/// them stops the process's shared cluster to play an outage (every other test would lose its database), several
/// kill a worker mid-stream or stream at a set speed and would miss their moment on a machine busy with another
/// class's airq processes and brokers, and each already keeps both cores busy. The tests here without a database
/// (command line, audits, the development tools) run beside them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProcessTests : ICollectionFixture<PostgresFixture>
{
    public const string Name = "airq processes against the shared cluster";
}

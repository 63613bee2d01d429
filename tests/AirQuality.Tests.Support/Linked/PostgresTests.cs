using Xunit;

namespace AirQuality.Tests.Support;

/// <summary>
/// The collection of tests that share one private cluster. xunit finds collection definitions only in the test
/// assembly itself, so this file is compiled into each test project (tests/Directory.Build.props), not the library.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresTests : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}

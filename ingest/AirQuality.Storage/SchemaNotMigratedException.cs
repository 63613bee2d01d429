namespace AirQuality.Storage;

/// <summary>
/// The database lacks something a pending migration creates, and the login in use cannot (or may not) apply it: the
/// schema owner has to apply the migrations first.
/// </summary>
/// <remarks>The message names the migration or object; the caller that knows how migrations are run adds how.</remarks>
public sealed class SchemaNotMigratedException(string message, Exception? innerException = null) : InvalidOperationException(message, innerException);

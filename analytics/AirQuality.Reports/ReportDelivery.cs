namespace AirQuality.Reports;

/// <summary>A row of <c>report_deliveries</c>: how the report of one team for one local day was sent.</summary>
/// <remarks><see cref="Status"/> is <c>sending</c>, <c>sent</c> or <c>failed</c>; times are UTC.</remarks>
public sealed record ReportDelivery(
    string TeamId, DateOnly Day, string MessageId, string Status, int Attempts, string? LastError, IReadOnlyList<string> Recipients, string Subject,
    DateTime StartedAt, DateTime? SentAt)
{
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Failed = "failed";
}

namespace AirQuality.Reports;

/// <summary>What one send did for one team: sent (after how many attempts), skipped (already sent, or another sender has it), or failed (with the last error).</summary>
public sealed record DeliveryResult(string TeamId, DateOnly Day, DeliveryOutcome Outcome, string? MessageId, int Attempts, string? Error);

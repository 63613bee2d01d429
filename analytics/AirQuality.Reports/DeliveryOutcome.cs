namespace AirQuality.Reports;

/// <summary>The outcome of sending one team's report.</summary>
public enum DeliveryOutcome
{
    /// <summary>The SMTP server accepted the message.</summary>
    Sent,

    /// <summary>Already sent earlier (and not forced); nothing was sent.</summary>
    AlreadySent,

    /// <summary>Another sender claimed it moments ago and is still trying; nothing was sent.</summary>
    Claimed,

    /// <summary>Every attempt failed, or the server refused it permanently.</summary>
    Failed,
}

namespace AirQuality.EnforcementConsole;

/// <summary>A workflow step that cannot be taken: the sentence says why and what to do; <see cref="Status"/> is the HTTP answer.</summary>
public sealed class WorkflowException(int status, string title, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Title { get; } = title;
}

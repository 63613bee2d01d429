namespace AirQuality.Attribution.Model;

/// <summary>
/// The attribution model file (<c>Attribution:ModelPath</c>) is missing, or this version cannot read it: a model must
/// be trained (again) before episodes can be attributed.
/// </summary>
/// <remarks>The message says what is wrong with the file; the caller that knows how models are trained adds how.</remarks>
public sealed class AttributionModelException(string message) : InvalidOperationException(message);

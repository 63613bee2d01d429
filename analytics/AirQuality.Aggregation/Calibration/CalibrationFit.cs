namespace AirQuality.Aggregation.Calibration;

/// <summary>The chosen model for one sensor (or the network) and how well it fits.</summary>
/// <remarks>RMSE in µg/m³ against the reference hourly means. <see cref="R2"/>, <see cref="Rmse"/> and <see cref="RawRmse"/> are in-sample over <see cref="Hours"/>; the cross-validated RMSEs predict each fold from a fit on the others.</remarks>
public sealed record CalibrationFit(
    CalibrationModel Model, int Hours, double R2, double Rmse, double CvRmse, double CvRmseLinear, double CvRmseHygroscopic, double RawRmse);

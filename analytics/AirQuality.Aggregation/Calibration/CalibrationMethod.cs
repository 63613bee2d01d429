namespace AirQuality.Aggregation.Calibration;

/// <summary>The correction models a micro sensor may be given; stored in <c>sensor_calibrations.method</c> as <see cref="CalibrationMethods.Code"/>.</summary>
public enum CalibrationMethod
{
    /// <summary>corrected = a·raw + b·RH + c, by least squares (the form of the EPA's nationwide PurpleAir correction).</summary>
    LinearRh,

    /// <summary>corrected = raw / (1 + κ·RH/(100 − RH)), κ by least squares: particles swelling with water (κ-Köhler growth).</summary>
    Hygroscopic,
}

/// <summary>Database codes of <see cref="CalibrationMethod"/>.</summary>
public static class CalibrationMethods
{
    public static string Code(this CalibrationMethod method) => method switch
    {
        CalibrationMethod.LinearRh => "linear_rh",
        CalibrationMethod.Hygroscopic => "hygroscopic",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Not a calibration method."),
    };

    public static CalibrationMethod Parse(string code) => code switch
    {
        "linear_rh" => CalibrationMethod.LinearRh,
        "hygroscopic" => CalibrationMethod.Hygroscopic,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "A calibration method is linear_rh or hygroscopic."),
    };
}

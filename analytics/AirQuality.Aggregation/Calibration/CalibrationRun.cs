namespace AirQuality.Aggregation.Calibration;

/// <summary>What one calibration run did.</summary>
/// <remarks>
/// The window is [<see cref="WindowFrom"/>, <see cref="WindowTo"/>), UTC. <see cref="OwnFits"/> micro sensors got a
/// model of their own, <see cref="NetworkFits"/> the network-wide one, <see cref="Uncalibrated"/> none (no paired hour
/// anywhere in the city); <see cref="HoursMarked"/> UTC hours were marked for the daily aggregation because a
/// corrected value in them changed.
/// </remarks>
public sealed record CalibrationRun(
    DateTime WindowFrom, DateTime WindowTo, int OwnFits, int NetworkFits, int Uncalibrated, int LinearChosen, int HygroscopicChosen,
    CalibrationFit? Network, long HoursMarked);

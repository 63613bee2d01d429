namespace AirQuality.Reports;

/// <summary>
/// The data-health line on the team's micro sensors' calibration: how many have a calibration of their own (a
/// national station near), how many only the network-wide one, how many none, and of those with their own how
/// many met the EPA targets for PM2.5 sensors on 24-hour means over the 28 days to the report's day, raw and corrected.
/// </summary>
public sealed record CalibrationHealth(int MicroSensors, int Own, int Network, int RawMeetTargets, int CorrectedMeetTargets, int Judged)
{
    /// <summary>Days of 24-hour means the line judges, ending with the report's day.</summary>
    public const int Days = 28;

    /// <summary>The line, in words.</summary>
    public string Describe() => MicroSensors == 0
        ? "No micro sensors."
        : Own + Network == 0
            ? $"Micro sensors: none of {MicroSensors} calibrated yet; PM2.5 figures are as the sensors read them."
            : $"Micro sensors: {Own} of {MicroSensors} calibrated against a national station near them, {Network} with the city-wide model" +
              (MicroSensors - Own - Network > 0 ? $", {MicroSensors - Own - Network} not calibrated" : "") +
              (Judged > 0 ? $"; on 24-hour means over {Days} days {CorrectedMeetTargets} of {Judged} meet the EPA targets after correction ({RawMeetTargets} before)." : ".");
}

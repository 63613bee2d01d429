using System.Globalization;
using AirQuality.Anomalies;

namespace AirQuality.Attribution.Training;

/// <summary>
/// A registered source's incident that raised some sensor's 15-minute mean by at least
/// <see cref="EpisodeLabeller.DetectableUgm3"/> and did not become an episode in which it was right, with what it was
/// and what the detector saw: a development aid (<c>airq model evaluate --missed</c>) for finding where the misses are.
/// </summary>
/// <remarks>
/// <see cref="PeakRaiseUgm3"/> is the incident's largest abnormal addition to a 15-minute mean; <see cref="HourlyRaiseUgm3"/>
/// its largest to an hourly mean, at <see cref="SensorId"/> in the UTC hour starting <see cref="PeakHour"/> (local clock
/// hour <see cref="LocalHour"/>), where <see cref="Check"/> says what the detector compared that sensor's running mean
/// with. <see cref="Reason"/>: "no episode" (none overlapped it at a sensor it raised), "under a quarter" (one did, but
/// its abnormal part was under <see cref="EpisodeLabeller.ShareOfExcess"/> of the episode's excess, the largest share
/// in <see cref="ShareOfExcess"/>) or "window misses it" (an episode at its sensor that day, not in its hours).
/// Distances in metres, wind from the city's stations that hour.
/// </remarks>
public sealed record MissedIncident(
    string World, string SourceId, string SourceKind, DateTimeOffset Start, double DurationHours, double PeakRaiseUgm3, double HourlyRaiseUgm3,
    string SensorId, DateTimeOffset PeakHour, int LocalHour, bool Weekend, double WindFromDeg, double WindSpeedMs,
    double NearestSensorM, double PeakSensorM, int SensorsRaised, string Reason, double ShareOfExcess, string OverlappingCause, RiseCheck Check)
{
    public static string CsvHeader =>
        "world,source_id,source_kind,start_utc,duration_h,peak_raise_15min_ugm3,peak_raise_hourly_ugm3,sensor_id,peak_hour_utc,local_hour,weekend,"
        + "wind_from_deg,wind_speed_ms,nearest_sensor_m,peak_sensor_m,sensors_raised,reason,share_of_excess,overlapping_cause,"
        + "running_mean_ugm3,reference_ugm3,expected_ugm3,noise_ugm3,noise_threshold_ugm3,routine_high_ugm3,verdict,basis";

    public string ToCsv()
    {
        static string F(double x) => double.IsNaN(x) ? "" : x.ToString(double.IsInfinity(x) ? "G" : "0.##", CultureInfo.InvariantCulture);
        static string Q(string x) => x.Contains(',') || x.Contains('"') ? $"\"{x.Replace("\"", "\"\"")}\"" : x;
        return string.Join(',',
            Q(World), Q(SourceId), Q(SourceKind), Start.UtcDateTime.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture), F(DurationHours), F(PeakRaiseUgm3), F(HourlyRaiseUgm3),
            Q(SensorId), PeakHour.UtcDateTime.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture), LocalHour.ToString(CultureInfo.InvariantCulture), Weekend ? "1" : "0",
            F(WindFromDeg), F(WindSpeedMs), F(NearestSensorM), F(PeakSensorM), SensorsRaised.ToString(CultureInfo.InvariantCulture), Q(Reason), F(ShareOfExcess), Q(OverlappingCause),
            F(Check.RunningMeanUgm3), F(Check.ReferenceUgm3), F(Check.ExpectedUgm3), F(Check.NoiseUgm3), F(Check.NoiseThresholdUgm3), F(Check.RoutineHighUgm3), Q(Check.Verdict), Q(Check.Basis));
    }
}

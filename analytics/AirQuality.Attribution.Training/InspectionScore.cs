namespace AirQuality.Attribution.Training;

/// <summary>
/// What the inspectors get from one method, over held-out worlds: each team's daily list of sources to inspect.
/// </summary>
/// <remarks>
/// <see cref="Yield"/>: of the (source, day) entries the lists tell teams to inspect, the share whose source had an
/// incident under way in the window of an episode it was listed for. <see cref="Recall"/>: of the registered sources'
/// incidents that raised some sensor's 15-minute mean by at least <see cref="EpisodeLabeller.DetectableUgm3"/>, the share
/// whose source was on its team's list on a day the incident was under way. <see cref="WrongPerTeamDay"/>: entries
/// without an incident per team and day. <see cref="CalibrationError"/>: the expected calibration error (10 equal bins)
/// of the probabilities the report shows (every flagged source, once a day) against whether it had an incident then;
/// NaN for methods without probabilities.
/// </remarks>
public sealed record InspectionScore(string Method, Rate Yield, Rate Recall, double WrongPerTeamDay, double CalibrationError, int TeamDays);

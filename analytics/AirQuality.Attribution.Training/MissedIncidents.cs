using AirQuality.Aggregation.Columns;
using AirQuality.Anomalies;
using AirQuality.Storage.Registry;

namespace AirQuality.Attribution.Training;

/// <summary>Lists a simulated world's missed incidents (see <see cref="MissedIncident"/>) from its labelled episodes.</summary>
static class MissedIncidents
{
    /// <summary>A sensor counts as raised by an incident when it added at least this to one of its hourly means, µg/m³.</summary>
    const double RaisedUgm3 = 1;

    public static IEnumerable<MissedIncident> Find(AnomalyDetector detector, SimulatedCity sim, TimeZoneInfo zone, IReadOnlyList<ScoredIncident> incidents,
        IReadOnlyList<LabelledEpisode> episodes, IReadOnlyList<HashSet<int>> raisedBy)
    {
        var city = sim.Hours;
        var sensors = city.Sensors.Select(s => new AnomalySensor(s.SensorId, s.Name, s.DistrictId, s.TownshipId, s.Latitude, s.Longitude)).ToList();
        foreach (var scored in incidents.Where(i => i.SourceId is not null && !i.BecameEpisode && i.PeakRaiseUgm3 >= EpisodeLabeller.DetectableUgm3))
        {
            var incident = scored.Incident;
            var j = city.SourceIndex(incident.SourceId!)!.Value;
            var first = (int)(HourlyColumns.HourOf(incident.Start.UtcDateTime) - city.FirstHour);
            var last = Math.Min((int)(HourlyColumns.HourOf(incident.End.UtcDateTime) - city.FirstHour), city.Hours - 1);
            var (peakSensor, peakHour, peak) = (-1, first, 0.0);
            var raised = new HashSet<int>();
            for (var s = 0; s < sensors.Count; s++)
            {
                for (var h = first; h <= last; h++)
                {
                    var added = sim.AbnormalContributions(s, h).GetValueOrDefault(j);
                    if (added >= RaisedUgm3)
                    {
                        raised.Add(s);
                    }

                    if (added > peak)
                    {
                        (peakSensor, peakHour, peak) = (s, h, added);
                    }
                }
            }

            if (peakSensor < 0)
            {
                continue;
            }

            var peakStart = new DateTimeOffset(DateTime.UnixEpoch.AddHours(city.FirstHour + peakHour), TimeSpan.Zero);
            var local = TimeZoneInfo.ConvertTime(peakStart, zone);
            var day = DateOnly.FromDateTime(local.DateTime);
            var (reason, share, cause) = ("no episode", double.NaN, "");
            for (var k = 0; k < episodes.Count; k++)
            {
                var e = episodes[k].Episode;
                if (e.StartHour > last || e.EndHour <= first || !e.Sensors.Any(raised.Contains))
                {
                    continue;
                }

                var cells = e.Sensors.SelectMany(s => Enumerable.Range(e.StartHour, e.EndHour - e.StartHour).Select(h => (s, h))).ToArray();
                var excess = Math.Max(cells.Sum(c => city.Excess(c.s, c.h)), 1);
                var part = cells.Sum(c => sim.AbnormalContributions(c.s, c.h).GetValueOrDefault(j)) / excess;
                if (double.IsNaN(share) || part > share)
                {
                    (reason, share, cause) = ("under a quarter", part, $"{episodes[k].Cause}: {episodes[k].TrueCulprit}");
                }
            }

            if (reason == "no episode" && episodes.Any(x => x.Episode.Day == day && x.Episode.Sensors.Contains(peakSensor)))
            {
                reason = "window misses it";
            }

            var (target, _) = detector.Window(day);
            var check = detector.Explain(day, sensors, sim.Grid(detector, day), peakSensor, (int)(city.FirstHour + peakHour - target.FirstHour));
            var at = sensors[peakSensor];
            yield return new MissedIncident(sim.Name, incident.SourceId!, city.Sources[j].Category, incident.Start, (incident.End - incident.Start).TotalHours,
                scored.PeakRaiseUgm3, peak, at.SensorId, peakStart, local.Hour, local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday,
                city.WindFromDeg[peakHour], city.WindSpeedMs[peakHour],
                sensors.Min(x => Geo.DistanceMetres(incident.Latitude, incident.Longitude, x.Latitude, x.Longitude)),
                Geo.DistanceMetres(incident.Latitude, incident.Longitude, at.Latitude, at.Longitude), raised.Count, reason, share, cause, check);
        }
    }
}

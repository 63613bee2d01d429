using AirQuality.Aggregation.Columns;
using AirQuality.Aggregation.Daily;

namespace AirQuality.Anomalies;

/// <summary>
/// Groups the rising 15-minute cells into episodes: the same sensor's rises at most an hour apart, and sensors within
/// <see cref="AnomalyOptions.NeighbourRadiusKm"/> of each other whose rises are at most
/// <see cref="AnomalyOptions.NeighbourLinkGap"/> apart. An episode runs from its first rising quarter's start to its
/// last one's end; its peak is its highest 15-minute mean.
/// </summary>
sealed class EpisodeRule(AnomalyOptions options)
{
    public IEnumerable<Anomaly> Find(DateOnly day, List<AnomalySensor> sensors, int[][] neighbours, int hours, LocalDays target, List<string>?[] kinds, UsualLevels.Rise?[] rises)
    {
        const int Q = HourlyPm25.QuartersPerHour;
        var cells = hours * Q;
        // Neighbours join only when they rose together: chained over an hour at a time, an everyday plume next door and an
        // incident a kilometre on would share one episode in which neither is most of the excess.
        var neighbourGap = (int)(options.NeighbourLinkGap.Ticks / (TimeSpan.TicksPerHour / Q));
        var parent = Enumerable.Range(0, kinds.Length).ToArray();
        int Find(int x) => parent[x] == x ? x : parent[x] = Find(parent[x]);
        for (var s = 0; s < sensors.Count; s++)
        {
            for (var q = 0; q < cells; q++)
            {
                if (kinds[s * cells + q] is null)
                {
                    continue;
                }

                foreach (var o in neighbours[s].Append(s))
                {
                    var gap = o == s ? Q : neighbourGap;
                    for (var dq = -gap; dq <= gap; dq++)
                    {
                        if (q + dq >= 0 && q + dq < cells && (o != s || dq != 0) && kinds[o * cells + q + dq] is not null)
                        {
                            parent[Find(s * cells + q)] = Find(o * cells + q + dq);
                        }
                    }
                }
            }
        }

        var quarterTicks = TimeSpan.TicksPerHour / Q;
        DateTime QuarterStart(int q) => HourlyColumns.HourStart(target.FirstHour).AddTicks(q * quarterTicks);
        foreach (var group in Enumerable.Range(0, kinds.Length).Where(c => kinds[c] is not null).GroupBy(Find))
        {
            var members = group.Select(c => (Sensor: c / cells, Quarter: c % cells, Rise: rises[c]!.Value)).ToList();
            if (members.Count < options.MinRiseQuarters)
            {
                continue;
            }

            var peak = members.MaxBy(m => m.Rise.Value);
            var episodeSensors = members.Select(m => sensors[m.Sensor]).DistinctBy(x => x.SensorId).OrderBy(x => x.SensorId, StringComparer.Ordinal).ToList();
            var (start, end) = (QuarterStart(members.Min(m => m.Quarter)), QuarterStart(members.Max(m => m.Quarter) + 1));
            var allKinds = group.SelectMany(c => kinds[c]!).Distinct().Order(StringComparer.Ordinal).ToArray();
            var peakSensor = sensors[peak.Sensor];
            var r = peak.Rise;
            var detail = AnomalyWording.Episode(episodeSensors.Count, [.. episodeSensors.Select(x => x.TownshipId).Distinct()], AnomalyWording.Local(start, target), AnomalyWording.Local(end, target),
                r, peakSensor, AnomalyWording.Local(QuarterStart(peak.Quarter + 1), target), allKinds);
            yield return new Anomaly(day, Anomaly.Pollution, allKinds, r.Value / options.HourlyLimitUgm3,
                [.. episodeSensors.Select(x => x.SensorId)], [.. episodeSensors.Select(x => x.DistrictId).Distinct()], [.. episodeSensors.Select(x => x.TownshipId).Distinct()],
                start, end, r.Value, peakSensor.SensorId, QuarterStart(peak.Quarter), detail);
        }
    }
}

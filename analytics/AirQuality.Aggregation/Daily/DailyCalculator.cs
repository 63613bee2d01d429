using AirQuality.Aggregation.Calibration;
using AirQuality.Aggregation.Standards;

namespace AirQuality.Aggregation.Daily;

/// <summary>
/// The validity rules of ambient monitoring (GB 3095-2012 section 7, HJ 663) applied to hourly sums: daily figures
/// per sensor from a <see cref="HourlyGrid"/>, and per district and for the city from the sensor figures.
/// </summary>
public static class DailyCalculator
{
    /// <summary>An hourly mean is valid when its readings cover at least 45 minutes of the hour.</summary>
    public const int ValidHourSeconds = 45 * 60;

    /// <summary>A daily mean is valid with at least 20 valid hourly means.</summary>
    public const int ValidDayHours = 20;

    /// <summary>An 8-hour O3 mean is valid with at least 6 valid hourly means in its window.</summary>
    public const int ValidWindowHours = 6;

    /// <summary>The daily maximum 8-hour O3 mean is valid with at least 14 valid windows among those ending 08:00 to 24:00.</summary>
    public const int ValidDayWindows = 14;

    const int WindowHours = 8;

    /// <summary>One row per sensor and day, day by day, sensors in network order.</summary>
    /// <remarks>
    /// A valid PM2.5 hour carrying any of <paramref name="excluded"/> is left out of the PM2.5 mean and of its valid
    /// hours, and counted in <see cref="DailyFigures.Pm25ExcludedHours"/>; one carrying other flags stays in and is
    /// counted in <see cref="DailyFigures.Pm25FlaggedHours"/>. The flags judge PM2.5 only, so other pollutants keep every hour.
    /// </remarks>
    public static DailyFigures SensorDays(HourlyGrid grid, StandardCatalog catalog, QualityBits excluded = QualityBits.None)
    {
        var network = grid.Network;
        var sensors = network.SensorIds.Length;
        var figures = new DailyFigures(AreaLevel.Sensor, checked(grid.Days.Count * sensors));
        Span<double> o3Hourly = stackalloc double[26];
        var versions = new SortedSet<int>();
        for (var d = 0; d < grid.Days.Count; d++)
        {
            var (first, end) = (grid.Days.DayStart[d], grid.Days.DayStart[d + 1]);
            for (var s = 0; s < sensors; s++)
            {
                var row = d * sensors + s;
                figures.AreaId[row] = network.SensorIds[s];
                figures.DistrictId[row] = network.DistrictIds[network.SensorDistrict[s]];
                figures.Day[row] = grid.Days.Day(d);
                figures.ExpectedReadings[row] = (end - first) * 3600 / network.ReportingIntervalS[s];
                var validCount = (ValidHourSeconds + network.ReportingIntervalS[s] - 1) / network.ReportingIntervalS[s];
                var cells = (s * grid.Hours + first)..(s * grid.Hours + end);
                versions.Clear();
                foreach (var p in Pollutants.All)
                {
                    var sums = grid.Sums[(int)p].AsSpan(cells);
                    var counts = grid.Counts[(int)p].AsSpan(cells);
                    var (total, validHours, reported) = (0.0, 0, false);
                    for (var h = 0; h < counts.Length; h++)
                    {
                        reported |= counts[h] > 0;
                        var valid = counts[h] >= validCount && counts[h] > 0;
                        if (valid && p == Pollutant.Pm25)
                        {
                            var cell = cells.Start.Value + h;
                            var flags = (QualityBits)grid.Pm25Flags[cell];
                            if ((flags & excluded) != 0)
                            {
                                figures.Pm25ExcludedHours[row]++;
                                valid = false;
                            }
                            else
                            {
                                figures.Pm25FlaggedHours[row] += flags != 0 ? 1 : 0;
                                if (grid.Pm25CalibrationVersion[cell] is var version and > 0)
                                {
                                    figures.Pm25CorrectedHours[row]++;
                                    versions.Add(version);
                                }
                            }
                        }

                        if (valid)
                        {
                            total += sums[h] / counts[h];
                            validHours++;
                        }

                        if (p == Pollutant.O3)
                        {
                            o3Hourly[h] = valid ? sums[h] / counts[h] : double.NaN;
                        }
                    }

                    figures.Mean[(int)p][row] = validHours > 0 ? total / validHours : double.NaN;
                    figures.Support[(int)p][row] = (short)validHours;
                    figures.Valid[(int)p][row] = validHours >= ValidDayHours;
                    figures.Reported[(int)p][row] = reported;
                    if (p == Pollutant.Pm25)
                    {
                        var readings = 0;
                        foreach (var c in counts)
                        {
                            readings += c;
                        }

                        figures.Pm25Readings[row] = readings;
                    }
                }

                figures.CalibrationVersions[row] = [.. versions];
                O3Maxima(o3Hourly[..(end - first)], figures, row);
                figures.AssignAqi(row, catalog);
            }
        }

        return figures;
    }

    /// <summary>One row per district (or one for the city) and day: means of the valid sensor daily means.</summary>
    /// <remarks>
    /// PM2.5, which every sensor measures, is valid when at least half of the area's registered sensors have a valid
    /// day; another pollutant when at least half of the sensors that reported it that day do.
    /// </remarks>
    public static DailyFigures AreaDays(DailyFigures sensorDays, SensorNetwork network, AreaLevel level, StandardCatalog catalog)
    {
        if (level == AreaLevel.Sensor)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "Area figures are for districts or the city.");
        }

        var sensors = network.SensorIds.Length;
        var days = sensorDays.Length / Math.Max(1, sensors);
        var areas = level == AreaLevel.City ? 1 : network.DistrictIds.Length;
        var areaOf = level == AreaLevel.City ? new int[sensors] : network.SensorDistrict;
        var registered = new int[areas];
        foreach (var a in areaOf)
        {
            registered[a]++;
        }

        var figures = new DailyFigures(level, days * areas);
        // The 1-hour O3 maximum is averaged like the rest, but its support and validity are not stored.
        var unused = (Reported: new bool[sensorDays.Length], Support: new short[figures.Length], Valid: new bool[figures.Length]);
        for (var d = 0; d < days; d++)
        {
            for (var a = 0; a < areas; a++)
            {
                var row = d * areas + a;
                figures.AreaId[row] = level == AreaLevel.City ? "city" : network.DistrictIds[a];
                figures.Day[row] = sensorDays.Day[d * sensors];
                figures.Sensors[row] = registered[a];
            }

            foreach (var p in Pollutants.All)
            {
                Average(sensorDays.Mean[(int)p], sensorDays.Valid[(int)p], sensorDays.Reported[(int)p], figures.Mean[(int)p], figures.Support[(int)p], figures.Valid[(int)p], p == Pollutant.Pm25);
            }

            Count(sensorDays.Pm25CorrectedHours, figures.Pm25CorrectedHours, true);
            Count(sensorDays.Pm25FlaggedHours, figures.Pm25FlaggedHours, true);
            Count(sensorDays.Pm25ExcludedHours, figures.Pm25ExcludedHours, false);
            Average(sensorDays.O3EightHourMax, sensorDays.O3EightHourValid, sensorDays.Reported[(int)Pollutant.O3], figures.O3EightHourMax, figures.O3EightHourSupport, figures.O3EightHourValid, false);
            Average(sensorDays.O3OneHourMax, sensorDays.O3EightHourValid, unused.Reported, figures.O3OneHourMax, unused.Support, unused.Valid, false);
            for (var a = 0; a < areas; a++)
            {
                figures.AssignAqi(d * areas + a, catalog);
            }

            // Hours behind an area's PM2.5 mean are those of the valid sensor days it averages; excluded hours count wherever they fell.
            void Count(int[] perSensor, int[] perArea, bool validDaysOnly)
            {
                for (var s = 0; s < sensors; s++)
                {
                    var i = d * sensors + s;
                    if (!validDaysOnly || sensorDays.Valid[(int)Pollutant.Pm25][i])
                    {
                        perArea[d * areas + areaOf[s]] += perSensor[i];
                    }
                }
            }

            void Average(double[] values, bool[] valid, bool[] reported, double[] mean, short[] support, bool[] isValid, bool everySensorMeasures)
            {
                var totals = new double[areas];
                var counts = new int[areas];
                var reporting = new int[areas];
                for (var s = 0; s < sensors; s++)
                {
                    var i = d * sensors + s;
                    if (valid[i])
                    {
                        totals[areaOf[s]] += values[i];
                        counts[areaOf[s]]++;
                    }

                    if (reported[i])
                    {
                        reporting[areaOf[s]]++;
                    }
                }

                for (var a = 0; a < areas; a++)
                {
                    var row = d * areas + a;
                    var expected = everySensorMeasures ? registered[a] : reporting[a];
                    mean[row] = counts[a] > 0 ? totals[a] / counts[a] : double.NaN;
                    support[row] = (short)counts[a];
                    isValid[row] = counts[a] > 0 && 2 * counts[a] >= expected;
                }
            }
        }

        return figures;
    }

    /// <summary>The daily maximum 8-hour mean from the day's valid hourly means (NaN where not valid), and the 1-hour maximum.</summary>
    static void O3Maxima(ReadOnlySpan<double> hourly, DailyFigures figures, int row)
    {
        var (max8, windows, max1) = (double.NaN, 0, double.NaN);
        foreach (var v in hourly)
        {
            if (!double.IsNaN(v) && !(v <= max1))
            {
                max1 = v;
            }
        }

        for (var start = 0; start + WindowHours <= hourly.Length; start++)
        {
            var (total, valid) = (0.0, 0);
            foreach (var v in hourly.Slice(start, WindowHours))
            {
                if (!double.IsNaN(v))
                {
                    total += v;
                    valid++;
                }
            }

            if (valid >= ValidWindowHours)
            {
                windows++;
                var mean = total / valid;
                if (!(mean <= max8))
                {
                    max8 = mean;
                }
            }
        }

        figures.O3EightHourMax[row] = max8;
        figures.O3EightHourSupport[row] = (short)windows;
        figures.O3EightHourValid[row] = windows >= ValidDayWindows;
        figures.O3OneHourMax[row] = max1;
    }
}

using AirQuality.Aggregation.Standards;

namespace AirQuality.Aggregation.Daily;

/// <summary>
/// Daily figures for one <see cref="AreaLevel"/> as columns, one row per area and local day: each pollutant's daily
/// mean, its support (valid hours for a sensor, valid sensor days for an area) and validity, the O3 daily maxima,
/// and the IAQI, AQI and PM2.5 exceedance under the standard in force that day.
/// </summary>
/// <remarks>Absent values: NaN for means, -1 for IAQI and AQI, -1 for <see cref="Pm25Exceeds"/>.</remarks>
public sealed class DailyFigures
{
    public DailyFigures(AreaLevel level, int rows)
    {
        Level = level;
        Length = rows;
        AreaId = new string[rows];
        Day = new DateOnly[rows];
        DistrictId = new string[rows];
        Mean = New<double>();
        Support = New<short>();
        Valid = New<bool>();
        Reported = New<bool>();
        Iaqi = New<short>();
        O3EightHourMax = new double[rows];
        O3EightHourSupport = new short[rows];
        O3EightHourValid = new bool[rows];
        O3OneHourMax = new double[rows];
        ExpectedReadings = new int[rows];
        Pm25Readings = new int[rows];
        Pm25CorrectedHours = new int[rows];
        CalibrationVersions = new int[]?[rows];
        Pm25ExcludedHours = new int[rows];
        Pm25FlaggedHours = new int[rows];
        Sensors = new int[rows];
        Aqi = new short[rows];
        Category = new string?[rows];
        PrimaryPollutants = new string[]?[rows];
        Pm25Limit = new double[rows];
        Pm25Exceeds = new sbyte[rows];
        Standard = new string[rows];

        T[][] New<T>() => [.. Enumerable.Range(0, Pollutants.Count).Select(_ => new T[rows])];
    }

    public AreaLevel Level { get; }

    public int Length { get; }

    /// <summary>Sensor id, district id, or "city".</summary>
    public string[] AreaId { get; }

    public DateOnly[] Day { get; }

    /// <summary>Sensor level: the sensor's district.</summary>
    public string[] DistrictId { get; }

    /// <summary>Per <see cref="Pollutant"/>: the daily mean (sensor: of valid hourly means; area: of valid sensor daily means).</summary>
    public double[][] Mean { get; }

    /// <summary>Per <see cref="Pollutant"/>: valid hours behind a sensor's mean, valid sensor days behind an area's.</summary>
    public short[][] Support { get; }

    public bool[][] Valid { get; }

    /// <summary>Per <see cref="Pollutant"/>: whether any reading of it arrived that day (an area's validity counts these sensors).</summary>
    public bool[][] Reported { get; }

    public short[][] Iaqi { get; }

    /// <summary>The daily maximum 8-hour O3 mean (sensor) or the mean of valid sensor maxima (area), µg/m³.</summary>
    public double[] O3EightHourMax { get; }

    /// <summary>Valid 8-hour windows (sensor) or valid sensor days (area).</summary>
    public short[] O3EightHourSupport { get; }

    public bool[] O3EightHourValid { get; }

    /// <summary>The daily maximum valid hourly O3 mean (sensor) or the mean of the sensor maxima (area), µg/m³.</summary>
    public double[] O3OneHourMax { get; }

    /// <summary>Sensor level: readings the sensor should have sent that day, from its reporting interval.</summary>
    public int[] ExpectedReadings { get; }

    /// <summary>Sensor level: PM2.5 readings stored for the day.</summary>
    public int[] Pm25Readings { get; }

    /// <summary>Valid PM2.5 hours behind the mean that took a corrected hourly mean (area: summed over the valid sensor days behind its mean).</summary>
    public int[] Pm25CorrectedHours { get; }

    /// <summary>Sensor level: the calibration versions of those corrected hours, distinct and ascending (empty when none).</summary>
    public int[]?[] CalibrationVersions { get; }

    /// <summary>Valid PM2.5 hours left out of the mean for an excluding quality flag (area: summed over every sensor day).</summary>
    public int[] Pm25ExcludedHours { get; }

    /// <summary>Valid PM2.5 hours behind the mean carrying a flag that does not exclude (area: summed over the valid sensor days behind its mean).</summary>
    public int[] Pm25FlaggedHours { get; }

    /// <summary>Area level: registered sensors in the area.</summary>
    public int[] Sensors { get; }

    public short[] Aqi { get; }

    public string?[] Category { get; }

    public string[]?[] PrimaryPollutants { get; }

    public double[] Pm25Limit { get; }

    /// <summary>1 when the valid PM2.5 daily mean is above the limit, 0 when not, -1 when the day is not valid.</summary>
    public sbyte[] Pm25Exceeds { get; }

    public string[] Standard { get; }

    /// <summary>
    /// Fills the IAQI of each valid pollutant, the AQI, category, primary pollutants and PM2.5 exceedance of a row,
    /// each judged on the concentration as HJ 663 reports it (<see cref="ReportedConcentration"/>); the means stay unrounded.
    /// </summary>
    public void AssignAqi(int row, StandardCatalog catalog)
    {
        var standard = catalog.On(Day[row]);
        Standard[row] = standard.Version;
        Pm25Limit[row] = standard.Pm25DailyLimitUgm3;
        var aqi = -1;
        foreach (var p in Pollutants.All)
        {
            int? iaqi = null;
            if (p == Pollutant.O3)
            {
                if (O3EightHourValid[row])
                {
                    iaqi = ReportedConcentration.Round(p, O3EightHourMax[row]) > StandardCatalog.O3EightHourCeilingUgm3
                        ? catalog.Iaqi(standard.Version, p, Averaging.OneHour, O3OneHourMax[row])
                        : catalog.Iaqi(standard.Version, p, Averaging.EightHours, O3EightHourMax[row]);
                }
            }
            else if (Valid[(int)p][row])
            {
                iaqi = catalog.Iaqi(standard.Version, p, Averaging.Daily, Mean[(int)p][row]);
            }

            Iaqi[(int)p][row] = (short)(iaqi ?? -1);
            aqi = Math.Max(aqi, iaqi ?? -1);
        }

        Aqi[row] = (short)aqi;
        Category[row] = aqi >= 0 ? StandardCatalog.Category(aqi) : null;
        PrimaryPollutants[row] = aqi > 50 ? [.. Pollutants.All.Where(p => Iaqi[(int)p][row] == aqi).Select(p => p.Code())] : null;
        // GB 3095 compares the concentration as HJ 663 reports it (whole µg/m³), not the float noise of a mean.
        var pm25 = ReportedConcentration.Round(Pollutant.Pm25, Mean[(int)Pollutant.Pm25][row]);
        Pm25Exceeds[row] = Valid[(int)Pollutant.Pm25][row] ? (sbyte)(pm25 > standard.Pm25DailyLimitUgm3 ? 1 : 0) : (sbyte)-1;
    }
}

using AirQuality.Attribution;
using AirQuality.Storage.Registry;
using Xunit;

namespace AirQuality.Attribution.Tests;

/// <summary>
/// A week around a dust site whose wind swings through the compass: one sensor's street turns the wind 18° from the
/// city's, another sensor has no source near it.
/// </summary>
public sealed class PlumeEstimatorTests
{
    static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    const double Lat = 29.55;
    const double Lon = 106.55;
    const int Hours = 8 * 24;
    const double TurnDeg = 18;

    static (double, double) At(double northKm, double eastKm) =>
        Geo.Move(Lat, Lon, Math.Sqrt(northKm * northKm + eastKm * eastKm) * 1000, Math.Atan2(eastKm, northKm));

    static CityHours City(double windTurnDeg)
    {
        var sensors = new List<Sensor>();
        foreach (var (id, north, east) in new[] { ("TURNED", 0.0, 0.0), ("FAR", 9.0, 9.0), ("Q1", -9.0, 9.0), ("Q2", -9.0, -9.0), ("Q3", 9.0, -9.0) })
        {
            var (lat, lon) = At(north, east);
            sensors.Add(new Sensor(id, $"Sensor {id}", "D1", "T1", lat, lon, RegistryCodes.MicroSensor, 300));
        }

        var (sLat, sLon) = At(0.6, 0.2);
        var sources = new List<PollutionSource> { new("YARD", "Gravel yard", "yard", "D1", "T1", "1 Quarry Road", sLat, sLon, null, false, null, null, null, 2) };
        var firstHour = (new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.FromHours(8)).UtcTicks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerHour;
        var city = new CityHours(sensors, sources, firstHour, Hours);
        for (var h = 0; h < Hours; h++)
        {
            city.WindFromDeg[h] = (h * 37 % 360 + windTurnDeg) % 360; // every direction over the week
            city.WindSpeedMs[h] = 1.5 + h % 3;
        }

        return city;
    }

    [Fact]
    public void A_sensor_whose_wind_is_turned_from_the_citys_has_the_turn_learnt_and_one_without_sources_keeps_the_citys_wind()
    {
        // What the sensors read comes from the plume under the wind they really feel: the city's turned by 18°.
        var felt = City(TurnDeg);
        var truth = new PlumeEstimator(felt, Zone);
        var city = City(0);
        var random = new Random(3);
        for (var s = 0; s < city.Sensors.Count; s++)
        {
            for (var h = 0; h < Hours; h++)
            {
                city.Pm25[s * Hours + h] = 30 + 2 * random.NextDouble() + truth.Unit(0, s, h) * truth.UsualEmission(0, h);
                city.Pm10[s * Hours + h] = city.Pm25[s * Hours + h] * 1.5;
            }
        }

        var plume = new PlumeEstimator(city, Zone);

        Assert.Equal(TurnDeg, plume.WindOffsetDeg(0));
        Assert.Equal(0, plume.WindOffsetDeg(1));
        // What the turn buys: the plume under the learnt wind follows the sensor as the truth does.
        var withTurn = Enumerable.Range(0, Hours).Select(h => plume.Unit(0, 0, h)).ToArray();
        var truthUnits = Enumerable.Range(0, Hours).Select(h => truth.Unit(0, 0, h)).ToArray();
        Assert.True(CandidateFeatures.Correlation(withTurn, truthUnits) > 0.99);
    }
}

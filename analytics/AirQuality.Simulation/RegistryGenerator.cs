using System.Globalization;
using AirQuality.Storage.Registry;

namespace AirQuality.Simulation;

/// <summary>
/// Builds a realistic registry for a Chongqing-like city: nine central districts with their townships,
/// about 540 sensors (national stations plus micro sensors) and about 230 pollution sources, and one
/// enforcement team per district.
/// </summary>
/// <remarks>
/// The output depends only on <c>seed</c>: every random draw comes from one <see cref="Random"/> created
/// from it, in a fixed order, so the same seed always gives the same registry (and the same CSV files).
/// Place names are real; coordinates, counts and plant details are invented.
/// </remarks>
public static class RegistryGenerator
{
    const int NationalStationsPerDistrict = 3;
    const int NationalIntervalS = 3600;
    const int MicroIntervalS = 300;
    const double SensorRadiusKm = 1.5;
    const double NationalStationRadiusKm = 0.8;
    const double SourceRadiusKm = 1.5;
    const string EmailDomain = "airq.example.org";

    /// <summary>Share of sources whose operating hours the registry states; the rest are left blank, as many a real registry would.</summary>
    const double StatedHoursShare = 0.8;

    // Industrial townships (last argument true) are where heavy industry is put; Yuzhong, the dense
    // commercial peninsula, has none, so it only gets boilers, building sites, roads and yards.
    static readonly DistrictDef[] Districts =
    [
        new("yuzhong", "Yuzhong", "渝中区", 29.55, 106.57, 2.5, 45, new SourceMix(0, 0, 0, 0, 2, 10, 6, 1),
        [
            new("Jiefangbei", "解放碑街道"), new("Chaotianmen", "朝天门街道"), new("Shangqingsi", "上清寺街道"), new("Lianglukou", "两路口街道"),
            new("Daping", "大坪街道"), new("Hualongqiao", "化龙桥街道"), new("Caiyuanba", "菜园坝街道"),
        ]),
        new("jiangbei", "Jiangbei", "江北区", 29.60, 106.57, 4.0, 60, new SourceMix(0, 1, 1, 2, 4, 10, 5, 3),
        [
            new("Guanyinqiao", "观音桥街道"), new("Huaxinjie", "华新街街道"), new("Wulidian", "五里店街道"), new("Shimahe", "石马河街道"),
            new("Dashiba", "大石坝街道", true), new("Cuntan", "寸滩街道"), new("Guojiatuo", "郭家沱街道", true), new("Yuzui", "鱼嘴镇", true),
        ]),
        new("shapingba", "Shapingba", "沙坪坝区", 29.54, 106.45, 4.0, 65, new SourceMix(0, 1, 1, 1, 4, 10, 5, 3),
        [
            new("Ciqikou", "磁器口街道"), new("Xiaolongkan", "小龙坎街道"), new("Tianxingqiao", "天星桥街道"), new("Shuangbei", "双碑街道", true),
            new("Jingkou", "井口街道", true), new("Geleshan", "歌乐山街道"), new("Chenjiaqiao", "陈家桥街道"), new("Huxi", "虎溪街道"),
        ]),
        new("jiulongpo", "Jiulongpo", "九龙坡区", 29.50, 106.50, 4.0, 68, new SourceMix(1, 2, 1, 3, 5, 10, 5, 4),
        [
            new("Yangjiaping", "杨家坪街道"), new("Xiejiawan", "谢家湾街道"), new("Shiqiaopu", "石桥铺街道"), new("Huangjueping", "黄桷坪街道", true),
            new("Erlang", "二郎街道"), new("Zhongliangshan", "中梁山街道", true), new("Huayan", "华岩镇"), new("Xipeng", "西彭镇", true),
        ]),
        new("nanan", "Nan'an", "南岸区", 29.52, 106.60, 4.0, 55, new SourceMix(0, 1, 0, 1, 3, 9, 5, 2),
        [
            new("Nanping", "南坪街道"), new("Tongyuanju", "铜元局街道"), new("Huayuanlu", "花园路街道"), new("Danzishi", "弹子石街道"),
            new("Longmenhao", "龙门浩街道"), new("Nanshan", "南山街道"), new("Jiguanshi", "鸡冠石镇", true), new("Changshengqiao", "长生桥镇", true),
        ]),
        new("beibei", "Beibei", "北碚区", 29.82, 106.44, 4.0, 48, new SourceMix(0, 2, 1, 3, 4, 8, 4, 3),
        [
            new("Tiansheng", "天生街道"), new("Chaoyang", "朝阳街道"), new("Beiwenquan", "北温泉街道"), new("Longfengqiao", "龙凤桥街道"),
            new("Caijiagang", "蔡家岗街道"), new("Shuitu", "水土街道", true), new("Tongjiaxi", "童家溪镇", true), new("Xiema", "歇马街道", true),
        ]),
        new("yubei", "Yubei", "渝北区", 29.72, 106.63, 4.0, 75, new SourceMix(0, 1, 1, 2, 5, 12, 6, 3),
        [
            new("Shuanglonghu", "双龙湖街道"), new("Longxi", "龙溪街道"), new("Longshan", "龙山街道"), new("Renhe", "人和街道"),
            new("Lijia", "礼嘉街道"), new("Huixing", "回兴街道", true), new("Yuelai", "悦来街道"), new("Shuangfengqiao", "双凤桥街道", true),
        ]),
        new("banan", "Banan", "巴南区", 29.38, 106.54, 4.0, 55, new SourceMix(1, 3, 1, 3, 4, 8, 5, 4),
        [
            new("Yudong", "鱼洞街道"), new("Longzhouwan", "龙洲湾街道"), new("Lijiatuo", "李家沱街道", true), new("Huaxi", "花溪街道", true),
            new("Nanquan", "南泉街道"), new("Yipin", "一品街道"), new("Jieshi", "界石镇", true), new("Mudong", "木洞镇", true),
        ]),
        new("dadukou", "Dadukou", "大渡口区", 29.48, 106.48, 4.0, 42, new SourceMix(4, 2, 2, 2, 3, 6, 4, 4),
        [
            new("Xinshancun", "新山村街道"), new("Yuejincun", "跃进村街道"), new("Jiugongmiao", "九宫庙街道"), new("Qiezixi", "茄子溪街道", true),
            new("Chunhuilu", "春晖路街道"), new("Baqiao", "八桥镇", true), new("Jiansheng", "建胜镇", true), new("Tiaodeng", "跳磴镇", true),
        ]),
    ];

    // Limits follow the shape of China's emission standards (power plants strictest, boilers and cement
    // the loosest on NOx); rounded to 5 mg/m³ as permits are. Ground-level sources have no stack and no
    // permit limits; only some building sites carry a dust monitor.
    static readonly CategoryProfile[] Profiles =
    [
        new("steel", "Steel Works", true, true, new(60, 200), new(10, 20), new(50, 200), new(150, 300), new(5, 25), 0.9),
        new("cement", "Cement Plant", true, true, new(60, 150), new(10, 30), new(100, 200), new(200, 300), new(3, 15), 0.9),
        new("power", "Power Plant", true, true, new(150, 240), new(10, 20), new(35, 100), new(50, 100), new(2, 12), 0.9),
        new("chemical", "Chemical Works", true, true, new(30, 100), new(10, 30), new(50, 200), new(100, 240), new(0.5, 6), 0.9),
        new("industrial_boiler", "Boiler House", false, false, new(30, 60), new(20, 30), new(50, 200), new(150, 300), new(0.5, 4), 0.9),
        new("construction", "Construction Site", false, false, null, null, null, null, new(0.1, 3), 0.15),
        new("road", "Road Section", false, false, null, null, null, null, new(0.05, 1.5), 0),
        new("storage_yard", "Storage Yard", false, false, null, null, null, null, new(0.2, 2.5), 0),
    ];

    static readonly string[] StreetNames =
    [
        "Jianshe", "Renmin", "Zhongshan", "Gongye", "Xinhua", "Jiefang", "Heping", "Minsheng", "Changjiang", "Jialing",
        "Xingfu", "Shengli", "Yingbin", "Keyuan", "Huangshan", "Binjiang", "Xinglong", "Fuqiang", "Tongxin", "Hongqi",
    ];

    static readonly string[] StreetKinds = ["Road", "Road", "Avenue", "Street"];

    /// <summary>No sensor closer to a source than this: monitoring sites are sited for ambient air, not at a fence.</summary>
    const double MinSensorSourceDistanceM = 250;

    /// <summary>
    /// Moves each sensor that was placed within <see cref="MinSensorSourceDistanceM"/> of a source straight away from
    /// it to that distance (no random draw, so the rest of the registry stays as the seed made it).
    /// </summary>
    static List<Sensor> KeepClearOfSources(List<Sensor> sensors, List<PollutionSource> sources)
    {
        var moved = new List<Sensor>(sensors.Count);
        foreach (var sensor in sensors)
        {
            var (lat, lon) = (sensor.Latitude, sensor.Longitude);
            for (var pass = 0; pass < 5; pass++)
            {
                var tooClose = sources
                    .Select(p => (Source: p, Offset: Geo.OffsetMetres(p.Latitude, p.Longitude, lat, lon)))
                    .Select(x => (x.Source, x.Offset, Distance: Math.Sqrt(x.Offset.East * x.Offset.East + x.Offset.North * x.Offset.North)))
                    .Where(x => x.Distance < MinSensorSourceDistanceM)
                    .OrderBy(x => x.Distance)
                    .FirstOrDefault();
                if (tooClose.Source is null)
                {
                    break;
                }

                var bearing = tooClose.Distance < 1 ? 0 : Math.Atan2(tooClose.Offset.East, tooClose.Offset.North);
                (lat, lon) = Geo.Move(tooClose.Source.Latitude, tooClose.Source.Longitude, MinSensorSourceDistanceM + 1, bearing);
            }

            moved.Add(lat == sensor.Latitude && lon == sensor.Longitude ? sensor : sensor with { Latitude = Math.Round(lat, 6), Longitude = Math.Round(lon, 6) });
        }

        return moved;
    }

    /// <summary>
    /// <paramref name="registry"/> as a world of <paramref name="physics"/> would have it: every source whose hours it
    /// states gets the hours the source really works there (<see cref="WorldPhysics.TrueHours"/>); blank ones stay blank.
    /// </summary>
    public static CityRegistry WithHoursOf(CityRegistry registry, WorldPhysics physics) => registry with
    {
        Sources = [.. registry.Sources.Select(s => s.OperatingHours is null ? s : s with { OperatingHours = physics.TrueHours(s) })],
    };

    /// <summary>Generates the registry; the same <paramref name="seed"/> always gives an identical registry.</summary>
    public static CityRegistry Generate(int seed = 7)
    {
        var rng = new Random(seed);
        var districts = Districts.Select(d => new District(d.Id, d.Name, d.NameLocal, d.Latitude, d.Longitude)).ToList();
        var places = Districts.Select(d => PlaceTownships(rng, d)).ToList();
        var sensors = GenerateSensors(rng, places);
        var sources = GenerateSources(rng, places);
        sensors = KeepClearOfSources(sensors, sources);
        // Drawn last, so a seed keeps the sources and sensors it had before the registry held hours.
        sources = [.. sources.Select(s => rng.NextDouble() < StatedHoursShare ? s with { OperatingHours = WorldPhysics.Standard.TrueHours(s) } : s)];
        var teams = Districts.Select(Team).ToList();
        var townships = places.SelectMany(p => p.Select(t => t.Township)).ToList();
        return new CityRegistry(districts, townships, sensors, sources, teams);
    }

    // Townships are fanned out around the centre (evenly spaced bearings with jitter) rather than dropped
    // at random, so they do not pile up on one side of the district.
    static List<PlacedTownship> PlaceTownships(Random rng, DistrictDef district)
    {
        var placed = new List<PlacedTownship>(district.Townships.Length);
        for (var i = 0; i < district.Townships.Length; i++)
        {
            var def = district.Townships[i];
            var bearing = (2 * Math.PI * i / district.Townships.Length) + Between(rng, -0.3, 0.3);
            var distanceKm = Between(rng, 0.4 * district.SpreadKm, district.SpreadKm);
            var (lat, lon) = Offset(district.Latitude, district.Longitude, distanceKm, bearing);
            var township = new Township($"{district.Id}-{def.Name.ToLowerInvariant()}", district.Id, def.Name, def.NameLocal);
            placed.Add(new PlacedTownship(district, township, def.Industrial, lat, lon));
        }

        return placed;
    }

    static List<Sensor> GenerateSensors(Random rng, List<List<PlacedTownship>> places)
    {
        var sensors = new List<Sensor>();
        foreach (var townships in places)
        {
            var district = townships[0].District;

            // National stations go to distinct townships so that each district's reference sites are spread out.
            var shuffled = townships.ToArray();
            rng.Shuffle(shuffled);
            for (var n = 0; n < NationalStationsPerDistrict; n++)
            {
                var t = shuffled[n];
                var (lat, lon) = NearPoint(rng, t.Latitude, t.Longitude, NationalStationRadiusKm);
                sensors.Add(new Sensor(
                    SensorId(sensors.Count + 1), $"{district.Name} national station {n + 1}", district.Id, t.Township.TownshipId,
                    lat, lon, RegistryCodes.NationalStation, NationalIntervalS));
            }

            // Round-robin keeps every township covered; the per-township number makes names unique.
            var perTownship = new int[townships.Count];
            for (var i = 0; i < district.MicroSensors; i++)
            {
                var k = i % townships.Count;
                var t = townships[k];
                perTownship[k]++;
                var (lat, lon) = NearPoint(rng, t.Latitude, t.Longitude, SensorRadiusKm);
                sensors.Add(new Sensor(
                    SensorId(sensors.Count + 1), $"{t.Township.Name} micro sensor {perTownship[k]}", district.Id, t.Township.TownshipId,
                    lat, lon, RegistryCodes.MicroSensor, MicroIntervalS));
            }
        }

        return sensors;
    }

    static List<PollutionSource> GenerateSources(Random rng, List<List<PlacedTownship>> places)
    {
        var sources = new List<PollutionSource>();
        var cityWideNumber = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var townships in places)
        {
            var district = townships[0].District;
            var industrial = townships.Where(t => t.Industrial).ToList();
            foreach (var profile in Profiles)
            {
                var count = district.Sources.CountOf(profile.Category);
                var candidates = profile.HeavyIndustry && industrial.Count > 0 ? industrial : townships;
                for (var n = 1; n <= count; n++)
                {
                    var t = candidates[rng.Next(candidates.Count)];
                    string name;
                    if (profile.NamedAfterDistrict)
                    {
                        name = count == 1 ? $"{district.Name} {profile.Label}" : $"{district.Name} {profile.Label} No.{n}";
                    }
                    else
                    {
                        var number = cityWideNumber[profile.Category] = cityWideNumber.GetValueOrDefault(profile.Category) + 1;
                        name = $"{t.Township.Name} {profile.Label} {number}";
                    }

                    sources.Add(Source(rng, $"P{(sources.Count + 1).ToString("000", CultureInfo.InvariantCulture)}", name, profile, t));
                }
            }
        }

        return sources;
    }

    static PollutionSource Source(Random rng, string id, string name, CategoryProfile profile, PlacedTownship t)
    {
        var (lat, lon) = NearPoint(rng, t.Latitude, t.Longitude, SourceRadiusKm);
        var address = string.Create(
            CultureInfo.InvariantCulture,
            $"{rng.Next(1, 400)} {StreetNames[rng.Next(StreetNames.Length)]} {StreetKinds[rng.Next(StreetKinds.Length)]}, {t.Township.Name}, {t.District.Name}");
        var stack = profile.StackM is { } s ? RoundTo(Between(rng, s.Min, s.Max), 5) : (double?)null;
        var particulate = profile.Particulate is { } p ? RoundTo(Between(rng, p.Min, p.Max), 5) : (double?)null;
        var so2 = profile.So2 is { } so ? RoundTo(Between(rng, so.Min, so.Max), 5) : (double?)null;
        var nox = profile.Nox is { } no ? RoundTo(Between(rng, no.Min, no.Max), 5) : (double?)null;
        var pm25 = Math.Round(Between(rng, profile.Pm25GS.Min, profile.Pm25GS.Max), 2);
        var telemetry = rng.NextDouble() < profile.TelemetryShare;
        return new PollutionSource(
            id, name, profile.Category, t.District.Id, t.Township.TownshipId, address, lat, lon, stack, telemetry, particulate, so2, nox, pm25);
    }

    static EnforcementTeam Team(DistrictDef d) => new(
        $"team-{d.Id}", $"{d.Name} Environmental Enforcement Team", [d.Id],
        [$"{d.Id}.enforcement@{EmailDomain}", $"duty.{d.Id}@{EmailDomain}"]);

    static string SensorId(int number) => "S" + number.ToString("0000", CultureInfo.InvariantCulture);

    // Uniform over the disc (hence the square root), so points do not crowd the centre.
    static (double Latitude, double Longitude) NearPoint(Random rng, double lat, double lon, double radiusKm)
    {
        var distanceKm = radiusKm * Math.Sqrt(rng.NextDouble());
        var bearing = 2 * Math.PI * rng.NextDouble();
        return Offset(lat, lon, distanceKm, bearing);
    }

    static (double Latitude, double Longitude) Offset(double lat, double lon, double distanceKm, double bearingRad)
    {
        var (newLat, newLon) = Geo.Move(lat, lon, distanceKm * 1000, bearingRad);
        return (Math.Round(newLat, 5), Math.Round(newLon, 5));
    }

    static double Between(Random rng, double min, double max) => min + (rng.NextDouble() * (max - min));

    static double RoundTo(double value, double step) => Math.Round(value / step) * step;

    sealed record TownshipDef(string Name, string NameLocal, bool Industrial = false);

    sealed record DistrictDef(
        string Id, string Name, string NameLocal, double Latitude, double Longitude, double SpreadKm, int MicroSensors, SourceMix Sources,
        TownshipDef[] Townships);

    /// <summary>How many sources of each category a district has.</summary>
    sealed record SourceMix(int Steel, int Cement, int Power, int Chemical, int IndustrialBoiler, int Construction, int Road, int StorageYard)
    {
        public int CountOf(string category) => category switch
        {
            "steel" => Steel,
            "cement" => Cement,
            "power" => Power,
            "chemical" => Chemical,
            "industrial_boiler" => IndustrialBoiler,
            "construction" => Construction,
            "road" => Road,
            "storage_yard" => StorageYard,
            _ => throw new ArgumentOutOfRangeException(nameof(category), category, "Unknown source category."),
        };
    }

    readonly record struct Span(double Min, double Max);

    /// <summary>
    /// One category's naming and value ranges. Heavy industry is sited in industrial townships and named after
    /// its district ("Dadukou Steel Works No.2"); the rest are named after their township with a city-wide number.
    /// </summary>
    sealed record CategoryProfile(
        string Category, string Label, bool HeavyIndustry, bool NamedAfterDistrict, Span? StackM, Span? Particulate, Span? So2, Span? Nox,
        Span Pm25GS, double TelemetryShare);

    sealed record PlacedTownship(DistrictDef District, Township Township, bool Industrial, double Latitude, double Longitude);
}

namespace AirQuality.Storage.Registry;

/// <summary>
/// Local flat-earth geometry between registry coordinates (WGS84 degrees): east/north offsets in metres.
/// </summary>
/// <remarks>At the tens of kilometres of one city the error is far below sensor siting accuracy.</remarks>
public static class Geo
{
    public const double MetresPerDegreeLatitude = 111_320;

    /// <summary>Where (<paramref name="latitude"/>, <paramref name="longitude"/>) lies from the origin: metres east and north.</summary>
    public static (double East, double North) OffsetMetres(double originLatitude, double originLongitude, double latitude, double longitude) =>
        ((longitude - originLongitude) * MetresPerDegreeLatitude * Math.Cos(originLatitude * Math.PI / 180),
         (latitude - originLatitude) * MetresPerDegreeLatitude);

    /// <summary>Metres between two points.</summary>
    public static double DistanceMetres(double latitude1, double longitude1, double latitude2, double longitude2)
    {
        var (east, north) = OffsetMetres(latitude1, longitude1, latitude2, longitude2);
        return Math.Sqrt(east * east + north * north);
    }

    /// <summary>The point <paramref name="distanceMetres"/> from the origin along <paramref name="bearingRadians"/> (clockwise from north).</summary>
    public static (double Latitude, double Longitude) Move(double latitude, double longitude, double distanceMetres, double bearingRadians) =>
        (latitude + distanceMetres * Math.Cos(bearingRadians) / MetresPerDegreeLatitude,
         longitude + distanceMetres * Math.Sin(bearingRadians) / (MetresPerDegreeLatitude * Math.Cos(latitude * Math.PI / 180)));
}

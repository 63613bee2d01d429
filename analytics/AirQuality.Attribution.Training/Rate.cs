namespace AirQuality.Attribution.Training;

/// <summary>A share with its 95% Wilson score interval.</summary>
public readonly record struct Rate(int Hits, int Total)
{
    public double Value => Total == 0 ? double.NaN : (double)Hits / Total;

    public (double Low, double High) Interval
    {
        get
        {
            if (Total == 0)
            {
                return (double.NaN, double.NaN);
            }

            const double z = 1.96;
            var p = Value;
            var centre = (p + z * z / (2 * Total)) / (1 + z * z / Total);
            var half = z * Math.Sqrt(p * (1 - p) / Total + z * z / (4.0 * Total * Total)) / (1 + z * z / Total);
            return (Math.Max(0, centre - half), Math.Min(1, centre + half));
        }
    }

    public override string ToString() => Total == 0 ? "n/a" : $"{Value:0.00} [{Interval.Low:0.00}-{Interval.High:0.00}] ({Hits}/{Total})";
}

using AirQuality.Aggregation;
using AirQuality.Aggregation.Calibration;
using AirQuality.Contracts;
using AirQuality.Simulation;
using AirQuality.Storage;
using AirQuality.Storage.Registry;
using Dapper;
using Npgsql;

namespace AirQuality.Benchmarks;

/// <summary>
/// <c>airq bench calibrate</c>: simulates a city for some days, stores every reading as the ingest worker does,
/// calibrates on the first days and scores the micro sensors' hourly PM2.5, raw and as it flows on (corrected where
/// corrected), against the simulator's true concentration, in the fitting window and on the held-out days after it.
/// </summary>
/// <remarks>Runs on an empty, migrated database with the registry; the calibration and aggregation are the pipeline's own.</remarks>
public sealed class CalibrationBenchmark(NpgsqlDataSource database, CityRegistry registry, CalibrationOptions calibration, AggregationOptions aggregation, TimeProvider time)
{
    /// <summary>Simulates, stores, calibrates and scores; <paramref name="sensorErrors"/> gives each micro sensor errors of its own (null: the standard world).</summary>
    public async Task<IReadOnlyList<CalibrationScore>> RunAsync(DateTimeOffset start, int fitDays, int heldOutDays, int seed, MicroSensorErrors? sensorErrors, Action<string> progress, CancellationToken cancellationToken)
    {
        var duration = TimeSpan.FromDays(fitDays + heldOutDays);
        var world = new AirQualityWorld(registry, seed, start, duration) { SensorErrors = sensorErrors };
        var truth = new Dictionary<(int Sensor, long Hour), (double Sum, int Count)>();
        world.TruePm25 = (sensor, at, ugm3) =>
        {
            var key = (sensor, (at.UtcTicks - 1 - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerHour);
            var (sum, count) = truth.GetValueOrDefault(key);
            truth[key] = (sum + ugm3, count + 1);
        };

        progress($"Simulating {duration.TotalDays:0} days of {registry.Sensors.Count} sensors (seed {seed}) and storing the readings ...");
        var writer = new TimeSeriesWriter(new HourlyRollup());
        var batch = new List<SensorReading>(20_000);
        var step = TimeSpan.FromSeconds(registry.Sensors.Select(s => s.ReportingIntervalS).Aggregate(Gcd));
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        {
            for (var t = start + step; t <= start + duration; t += step)
            {
                var sinceStart = (long)(t - start).TotalSeconds;
                for (var i = 0; i < world.Sensors.Count; i++)
                {
                    if (sinceStart % world.Sensors[i].ReportingIntervalS == 0)
                    {
                        batch.Add(world.Reading(i, t));
                    }
                }

                if (batch.Count >= 20_000 || t + step > start + duration)
                {
                    await writer.WriteAsync(connection, batch, [], cancellationToken);
                    batch.Clear();
                }
            }
        }

        var windowTo = (start + TimeSpan.FromDays(fitDays)).UtcDateTime;
        progress($"Calibrating on the first {fitDays} days (to {windowTo:yyyy-MM-dd HH:mm} UTC) and aggregating ...");
        var run = await new SensorCalibrator(database, calibration, time).RefitAsync(windowTo, cancellationToken);
        progress($"  {run.OwnFits} sensors fitted against stations near them, {run.NetworkFits} network-wide; {run.LinearChosen} linear_rh, {run.HygroscopicChosen} hygroscopic.");
        await new Aggregator(database, aggregation, time, calibration).RunAsync(null, cancellationToken);

        var index = registry.Sensors.Select((s, i) => (s.SensorId, i)).ToDictionary(x => x.SensorId, x => x.i);
        var scores = new Dictionary<(string Scope, bool HeldOut), Accumulator>();
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        {
            foreach (var (sensor, hour, raw, corrected, scope) in await connection.QueryAsync<(string, DateTime, double, double?, string)>(new CommandDefinition("""
                SELECT m.sensor_id, m.hour_start, m.pm25_ugm3::float8, m.pm25_corrected_ugm3::float8, k.scope
                FROM sensor_hourly_means m JOIN sensors s USING (sensor_id)
                JOIN sensor_calibrations k ON k.sensor_id = m.sensor_id AND k.version = 1
                WHERE s.kind = 'micro_sensor' AND m.pm25_valid
                """, cancellationToken: cancellationToken)))
            {
                var h = (hour.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerHour;
                if (truth.TryGetValue((index[sensor], h), out var t))
                {
                    var key = (scope, hour >= windowTo);
                    scores[key] = scores.GetValueOrDefault(key, new Accumulator()).Add(t.Sum / t.Count, raw, corrected);
                }
            }
        }

        if (world.DrawnSensorErrors is { } drawn)
        {
            await ScoreDriftFlagAsync(drawn, index, start, fitDays, windowTo, (start + duration).UtcDateTime, progress, cancellationToken);
        }

        return [.. scores.OrderBy(s => s.Key.HeldOut).ThenByDescending(s => s.Key.Scope).Select(s => s.Value.Score(s.Key.Scope, s.Key.HeldOut))];
    }

    /// <summary>
    /// The drift flag on the held-out days against the injected drift: an hour is truly drifted when the sensor's gain
    /// then differs by more than 25% from its mean over the fitting window (the flag's own threshold, on the truth).
    /// </summary>
    async Task ScoreDriftFlagAsync(IReadOnlyList<MicroSensorErrors.Drawn> drawn, Dictionary<string, int> index, DateTimeOffset start, int fitDays,
        DateTime windowTo, DateTime end, Action<string> progress, CancellationToken cancellationToken)
    {
        var (flagged, drifted, both, hours) = (0L, 0L, 0L, 0L);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        foreach (var (sensor, hour, drift) in await connection.QueryAsync<(string, DateTime, bool)>(new CommandDefinition("""
            SELECT q.sensor_id, q.hour_start, q.drift FROM sensor_hour_quality(@windowTo, @end) q JOIN sensors s USING (sensor_id)
            WHERE s.kind = 'micro_sensor'
            """, new { windowTo, end }, commandTimeout: 1800, cancellationToken: cancellationToken)))
        {
            var d = drawn[index[sensor]].DriftPerDay;
            var days = (new DateTimeOffset(DateTime.SpecifyKind(hour, DateTimeKind.Utc)) - start).TotalDays;
            var truly = Math.Abs((1 + d * days) / (1 + d * fitDays / 2.0) - 1) > 0.25;
            hours++;
            flagged += drift ? 1 : 0;
            drifted += truly ? 1 : 0;
            both += drift && truly ? 1 : 0;
        }

        var sensors = drawn.Where((d, i) => d.DriftPerDay != 0 && registry.Sensors[i].Kind == RegistryCodes.MicroSensor).Count();
        progress(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"  Drift flag on the held-out days: {hours:N0} micro-sensor hours, {sensors} sensors drifting; {drifted:N0} hours truly drifted (gain > 25% from the window's), {flagged:N0} flagged, {both:N0} both: precision {(flagged == 0 ? double.NaN : (double)both / flagged):P0}, recall {(drifted == 0 ? double.NaN : (double)both / drifted):P0}."));
    }

    static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    sealed class Accumulator
    {
        long _hours;
        long _corrected;
        double _rawSse;
        double _flowSse;
        double _truthSum;

        public Accumulator Add(double truth, double raw, double? corrected)
        {
            _hours++;
            _truthSum += truth;
            _rawSse += (raw - truth) * (raw - truth);
            var flow = corrected ?? raw;
            _flowSse += (flow - truth) * (flow - truth);
            _corrected += corrected is null ? 0 : 1;
            return this;
        }

        public CalibrationScore Score(string scope, bool heldOut) =>
            new(scope, heldOut, _hours, _corrected, _truthSum / _hours, Math.Sqrt(_rawSse / _hours), Math.Sqrt(_flowSse / _hours));
    }
}

/// <summary>
/// Micro sensors' valid hourly PM2.5 against the true concentration, for sensors of one calibration scope, in the
/// fitting window or held out after it: RMSE raw and as it flows on (the corrected mean, or raw where none), µg/m³.
/// </summary>
public sealed record CalibrationScore(string Scope, bool HeldOut, long Hours, long CorrectedHours, double MeanTruth, double RawRmse, double CorrectedRmse);

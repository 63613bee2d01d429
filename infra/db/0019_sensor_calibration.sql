-- Low-cost sensor calibration (issue 24): per micro sensor, a model fitted against the national stations near it
-- (`airq calibrate`, run by `airq aggregate --every` and `airq demo`), versioned; the corrected hourly PM2.5 kept
-- beside the raw one, never instead of it. Which of the two the daily figures take is the setting
-- Calibration:Pm25 (corrected by default); the view sensor_hourly_means shows both.

CREATE TABLE sensor_calibrations (
    sensor_id                 text NOT NULL REFERENCES sensors,
    version                   integer NOT NULL CHECK (version > 0),
    valid_from                timestamptz NOT NULL,
    method                    text NOT NULL CHECK (method IN ('linear_rh', 'hygroscopic')),
    scope                     text NOT NULL CHECK (scope IN ('sensor', 'network')),
    a                         double precision,
    b                         double precision,
    c                         double precision,
    kappa                     double precision,
    window_from               timestamptz NOT NULL,
    window_to                 timestamptz NOT NULL,
    n_hours                   integer NOT NULL CHECK (n_hours > 0),
    r2                        double precision,
    rmse_ugm3                 double precision NOT NULL,
    cv_rmse_ugm3              double precision NOT NULL,
    cv_rmse_linear_ugm3       double precision NOT NULL,
    cv_rmse_hygroscopic_ugm3  double precision NOT NULL,
    raw_rmse_ugm3             double precision NOT NULL,
    stations                  text[] NOT NULL,
    humidity_source           text NOT NULL CHECK (humidity_source IN ('sensor')),
    fitted_at                 timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sensor_id, version),
    CHECK (window_to > window_from),
    CHECK ((method = 'linear_rh' AND a IS NOT NULL AND b IS NOT NULL AND c IS NOT NULL)
        OR (method = 'hygroscopic' AND kappa IS NOT NULL AND kappa >= 0))
);
COMMENT ON TABLE sensor_calibrations IS 'Versions of each micro sensor''s PM2.5 calibration. A version applies to the sensor''s hours from valid_from until a later version''s valid_from; hours before the first version are not corrected. Fitted on hours in [window_from, window_to) when the sensor and the reference both have a valid hourly mean and the sensor''s readings carry humidity.';
COMMENT ON COLUMN sensor_calibrations.method IS 'linear_rh: corrected = a·raw + b·RH + c (RH in %); hygroscopic: corrected = raw / (1 + kappa·RH/(100 − RH)), RH capped at 99%. Chosen per sensor by the lower cross-validated RMSE (folds are whole UTC days).';
COMMENT ON COLUMN sensor_calibrations.scope IS 'sensor: fitted on this sensor against the national stations within Calibration:MaxDistanceKm; network: no station near enough (or too few paired hours), so the model fitted on every paired micro sensor of the city, which says nothing about this sensor''s own bias.';
COMMENT ON COLUMN sensor_calibrations.r2 IS 'In-sample coefficient of determination of the corrected hourly means against the reference, over the n_hours fitted.';
COMMENT ON COLUMN sensor_calibrations.rmse_ugm3 IS 'In-sample RMSE of the corrected hourly means against the reference, µg/m³; raw_rmse_ugm3 is the same for the raw means.';
COMMENT ON COLUMN sensor_calibrations.cv_rmse_ugm3 IS 'Cross-validated RMSE of the chosen method, µg/m³ (each day predicted by a fit on the other folds); cv_rmse_linear_ugm3 and cv_rmse_hygroscopic_ugm3 are both candidates''.';
COMMENT ON COLUMN sensor_calibrations.stations IS 'The national stations whose hourly means (averaged when several) were the reference; for scope network, every station used in the city-wide fit.';
COMMENT ON COLUMN sensor_calibrations.humidity_source IS 'Where RH came from: sensor (the relative_humidity_pct of the sensor''s own readings, hourly mean). An hour without humidity is neither fitted nor corrected.';
CREATE INDEX sensor_calibrations_valid_idx ON sensor_calibrations (sensor_id, valid_from DESC, version DESC);

-- The corrected hourly mean beside the raw sums of sensor_hourly, for micro sensors; kept by
-- apply_sensor_calibrations(), which the aggregation calls for the hours it is about to recompute and the
-- calibration calls after a re-fit.
CREATE TABLE sensor_hourly_calibrated (
    sensor_id            text NOT NULL,
    hour_start           timestamptz NOT NULL,
    rh_pct               real,
    pm25_corrected_ugm3  real,
    calibration_version  integer,
    PRIMARY KEY (sensor_id, hour_start)
);
COMMENT ON TABLE sensor_hourly_calibrated IS 'Per micro sensor and UTC hour: the hourly mean relative humidity of its readings and its corrected PM2.5 hourly mean under calibration_version. pm25_corrected_ugm3 is NULL when no version applies yet or the hour has no humidity (no correction, never a default RH). Read it through sensor_hourly_means.';

CREATE FUNCTION calibrated_pm25(method text, a double precision, b double precision, c double precision,
                                kappa double precision, raw_ugm3 double precision, rh_pct double precision)
RETURNS double precision LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN raw_ugm3 IS NULL OR rh_pct IS NULL THEN NULL
        WHEN method = 'linear_rh' THEN greatest(0, a * raw_ugm3 + b * rh_pct + c)
        WHEN method = 'hygroscopic' THEN raw_ugm3 / (1 + kappa * least(greatest(rh_pct, 0), 99) / (100 - least(greatest(rh_pct, 0), 99)))
    END
$$;
COMMENT ON FUNCTION calibrated_pm25 IS 'A raw PM2.5 value (µg/m³) corrected by a sensor_calibrations model at relative humidity rh_pct (%): linear_rh a·raw + b·RH + c, floored at 0; hygroscopic raw / (1 + kappa·RH/(100 − RH)) with RH capped at 99. NULL without humidity.';

-- Writes only rows that change, and marks for the daily aggregation only the hours whose corrected value changed,
-- so a re-fit recomputes the days it moves and no others.
CREATE FUNCTION apply_sensor_calibrations(from_hour timestamptz, to_hour timestamptz, only_sensors text[] DEFAULT NULL)
RETURNS bigint LANGUAGE sql AS $$
    WITH raw AS (
        SELECT h.sensor_id, h.hour_start, h.pm25_sum / h.pm25_readings AS pm25
        FROM sensor_hourly h JOIN sensors s USING (sensor_id)
        WHERE s.kind = 'micro_sensor' AND h.pm25_readings > 0
          AND h.hour_start >= from_hour AND h.hour_start < to_hour
          AND (only_sensors IS NULL OR h.sensor_id = ANY (only_sensors))
    ), humidity AS (
        SELECT r.sensor_id, date_bin('1 hour', r.observed_at - interval '1 microsecond', timestamptz '2000-01-01 00:00:00+00') AS hour_start,
               avg(r.relative_humidity_pct::float8) AS rh
        FROM sensor_readings r
        WHERE r.observed_at > from_hour AND r.observed_at <= to_hour
          AND r.sensor_id IN (SELECT DISTINCT sensor_id FROM raw)
          AND r.relative_humidity_pct IS NOT NULL
        GROUP BY 1, 2
    ), computed AS (
        SELECT raw.sensor_id, raw.hour_start, humidity.rh::real AS rh, k.version,
               calibrated_pm25(k.method, k.a, k.b, k.c, k.kappa, raw.pm25, humidity.rh)::real AS corrected
        FROM raw
        LEFT JOIN humidity USING (sensor_id, hour_start)
        LEFT JOIN LATERAL (
            SELECT * FROM sensor_calibrations k
            WHERE k.sensor_id = raw.sensor_id AND k.valid_from <= raw.hour_start
            ORDER BY k.valid_from DESC, k.version DESC LIMIT 1
        ) k ON true
    ), diff AS (
        SELECT c.*, t.pm25_corrected_ugm3 IS DISTINCT FROM c.corrected AS value_changed
        FROM computed c LEFT JOIN sensor_hourly_calibrated t USING (sensor_id, hour_start)
        WHERE t.sensor_id IS NULL
           OR (t.rh_pct, t.pm25_corrected_ugm3, t.calibration_version) IS DISTINCT FROM (c.rh, c.corrected, c.version)
    ), written AS (
        INSERT INTO sensor_hourly_calibrated AS t (sensor_id, hour_start, rh_pct, pm25_corrected_ugm3, calibration_version)
        SELECT sensor_id, hour_start, rh, corrected, version FROM diff ORDER BY sensor_id, hour_start
        ON CONFLICT (sensor_id, hour_start) DO UPDATE SET
            rh_pct = excluded.rh_pct, pm25_corrected_ugm3 = excluded.pm25_corrected_ugm3, calibration_version = excluded.calibration_version
        RETURNING 1
    ), marked AS (
        INSERT INTO aggregation_dirty_hours AS d (hour_start)
        SELECT DISTINCT hour_start FROM diff WHERE value_changed ORDER BY 1
        ON CONFLICT (hour_start) DO UPDATE SET generation = d.generation + 1
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM marked) + 0 * (SELECT count(*) FROM written);
$$;
COMMENT ON FUNCTION apply_sensor_calibrations IS 'Recomputes sensor_hourly_calibrated for micro sensors'' hours in [from_hour, to_hour) (only only_sensors when given) with the version in force for each hour, and marks in aggregation_dirty_hours the hours whose corrected value changed; returns how many hours it marked.';

-- The raw columns stay as they were (anomalies and attribution read them); the corrected ones come last.
CREATE OR REPLACE VIEW sensor_hourly_means AS
SELECT h.sensor_id, s.district_id, h.hour_start,
       (h.pm25_sum / nullif(h.pm25_readings, 0))::real AS pm25_ugm3, h.pm25_readings, h.pm25_readings * s.reporting_interval_s >= 2700 AS pm25_valid,
       (h.pm10_sum / nullif(h.pm10_readings, 0))::real AS pm10_ugm3, h.pm10_readings, h.pm10_readings * s.reporting_interval_s >= 2700 AS pm10_valid,
       (h.no2_sum / nullif(h.no2_readings, 0))::real AS no2_ugm3, h.no2_readings, h.no2_readings * s.reporting_interval_s >= 2700 AS no2_valid,
       (h.so2_sum / nullif(h.so2_readings, 0))::real AS so2_ugm3, h.so2_readings, h.so2_readings * s.reporting_interval_s >= 2700 AS so2_valid,
       (h.o3_sum / nullif(h.o3_readings, 0))::real AS o3_ugm3, h.o3_readings, h.o3_readings * s.reporting_interval_s >= 2700 AS o3_valid,
       (h.co_sum / nullif(h.co_readings, 0))::real AS co_mgm3, h.co_readings, h.co_readings * s.reporting_interval_s >= 2700 AS co_valid,
       3600 / s.reporting_interval_s AS expected_readings,
       c.rh_pct, c.pm25_corrected_ugm3, c.calibration_version
FROM sensor_hourly h JOIN sensors s USING (sensor_id)
LEFT JOIN sensor_hourly_calibrated c USING (sensor_id, hour_start);
COMMENT ON VIEW sensor_hourly_means IS 'Hourly means per sensor and pollutant. hour_start is UTC; the hour covers readings observed in (hour_start, hour_start + 1 hour]. An hourly mean is valid when its readings cover at least 45 minutes (readings × the sensor''s reporting_interval_s ≥ 2,700 s); invalid hours are kept here but left out of daily means. pm25_ugm3 is always the raw mean; for micro sensors pm25_corrected_ugm3 is the mean corrected by sensor_calibrations version calibration_version at the hour''s mean humidity rh_pct (NULL: not corrected).';

-- EPA performance targets for PM2.5 sensors (EPA/600/R-20/280), on 24-hour means of local days (Asia/Shanghai)
-- against the stations of the sensor's latest per-sensor calibration.
CREATE FUNCTION sensor_calibration_performance(time_zone text DEFAULT 'Asia/Shanghai', min_hours integer DEFAULT 18,
                                               from_day date DEFAULT NULL, to_day date DEFAULT NULL)
RETURNS TABLE (
    sensor_id                   text,
    calibration_version         integer,
    method                      text,
    stations                    text[],
    days                        integer,
    reference_mean_ugm3         double precision,
    raw_r2                      double precision,
    raw_slope                   double precision,
    raw_intercept_ugm3          double precision,
    raw_rmse_ugm3               double precision,
    raw_nrmse_pct               double precision,
    raw_meets_targets           boolean,
    corrected_days              integer,
    corrected_r2                double precision,
    corrected_slope             double precision,
    corrected_intercept_ugm3    double precision,
    corrected_rmse_ugm3         double precision,
    corrected_nrmse_pct         double precision,
    corrected_meets_targets     boolean
)
LANGUAGE sql STABLE AS $$
    WITH latest AS (
        SELECT DISTINCT ON (k.sensor_id) k.sensor_id, k.version, k.method, k.stations
        FROM sensor_calibrations k WHERE k.scope = 'sensor'
        ORDER BY k.sensor_id, k.version DESC
    ), period AS (
        SELECT coalesce(sensor_calibration_performance.from_day::timestamp AT TIME ZONE sensor_calibration_performance.time_zone, '-infinity') AS first_hour,
               coalesce((sensor_calibration_performance.to_day + 1)::timestamp AT TIME ZONE sensor_calibration_performance.time_zone, 'infinity') AS end_hour
    ), reference AS (
        SELECT l.sensor_id, m.hour_start, avg(m.pm25_ugm3::float8) AS ref
        FROM latest l JOIN sensor_hourly_means m ON m.sensor_id = ANY (l.stations) AND m.pm25_valid
        CROSS JOIN period p
        WHERE m.hour_start >= p.first_hour AND m.hour_start < p.end_hour
        GROUP BY l.sensor_id, m.hour_start
    ), paired AS (
        SELECT m.sensor_id, (m.hour_start AT TIME ZONE sensor_calibration_performance.time_zone)::date AS day,
               r.ref, m.pm25_ugm3::float8 AS raw, m.pm25_corrected_ugm3::float8 AS corrected
        FROM sensor_hourly_means m JOIN reference r USING (sensor_id, hour_start)
        CROSS JOIN period p
        WHERE m.pm25_valid AND m.hour_start >= p.first_hour AND m.hour_start < p.end_hour
    ), daily AS (
        SELECT p.sensor_id, p.day, avg(p.ref) AS ref, avg(p.raw) AS raw,
               CASE WHEN count(p.corrected) >= sensor_calibration_performance.min_hours THEN avg(p.corrected) END AS corrected
        FROM paired p GROUP BY p.sensor_id, p.day
        HAVING count(*) >= sensor_calibration_performance.min_hours
    ), stats AS (
        SELECT d.sensor_id, count(*)::integer AS days, avg(d.ref) AS ref_mean,
               regr_r2(d.raw, d.ref) AS raw_r2, regr_slope(d.raw, d.ref) AS raw_slope, regr_intercept(d.raw, d.ref) AS raw_intercept,
               sqrt(avg((d.raw - d.ref) ^ 2)) AS raw_rmse,
               count(d.corrected)::integer AS corrected_days,
               regr_r2(d.corrected, d.ref) AS cor_r2, regr_slope(d.corrected, d.ref) AS cor_slope, regr_intercept(d.corrected, d.ref) AS cor_intercept,
               sqrt(avg((d.corrected - d.ref) ^ 2)) AS cor_rmse
        FROM daily d GROUP BY d.sensor_id
    )
    SELECT s.sensor_id, l.version, l.method, l.stations, s.days, s.ref_mean,
           s.raw_r2, s.raw_slope, s.raw_intercept, s.raw_rmse, 100 * s.raw_rmse / nullif(s.ref_mean, 0),
           s.raw_r2 >= 0.70 AND abs(s.raw_slope - 1) <= 0.35 AND abs(s.raw_intercept) <= 5
               AND (s.raw_rmse <= 7 OR 100 * s.raw_rmse / nullif(s.ref_mean, 0) <= 30),
           s.corrected_days, s.cor_r2, s.cor_slope, s.cor_intercept, s.cor_rmse, 100 * s.cor_rmse / nullif(s.ref_mean, 0),
           s.cor_r2 >= 0.70 AND abs(s.cor_slope - 1) <= 0.35 AND abs(s.cor_intercept) <= 5
               AND (s.cor_rmse <= 7 OR 100 * s.cor_rmse / nullif(s.ref_mean, 0) <= 30)
    FROM stats s JOIN latest l USING (sensor_id)
    ORDER BY s.sensor_id
$$;
COMMENT ON FUNCTION sensor_calibration_performance IS 'Per micro sensor with a per-sensor calibration: its 24-hour PM2.5 means (local days in time_zone, from_day to to_day inclusive when given, with at least min_hours valid hours paired with the reference) against the mean of its calibration stations, raw and corrected: R², slope and intercept of sensor on reference (µg/m³), RMSE (µg/m³) and NRMSE (% of the reference mean), and whether the EPA targets are met (R² ≥ 0.70, slope 1 ± 0.35, |intercept| ≤ 5 µg/m³, RMSE ≤ 7 µg/m³ or NRMSE ≤ 30%). NULL statistics (so NULL verdicts) where fewer than two days pair.';

CREATE VIEW sensor_calibration_performance AS SELECT * FROM sensor_calibration_performance();
COMMENT ON VIEW sensor_calibration_performance IS 'sensor_calibration_performance() for local days in Asia/Shanghai and 18 valid hours a day: each calibrated micro sensor''s 24-hour means against its stations, raw and corrected, against the EPA targets for PM2.5 sensors.';

GRANT INSERT, UPDATE, DELETE ON sensor_calibrations, sensor_hourly_calibrated TO airq_analytics;
GRANT SELECT ON sensor_calibrations, sensor_calibration_performance TO airq_analyst;
GRANT EXECUTE ON FUNCTION sensor_calibration_performance(text, integer, date, date) TO airq_analyst;

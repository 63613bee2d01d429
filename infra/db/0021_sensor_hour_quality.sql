-- Quality flags per sensor-hour (issue 24 point 4, first increment): a documented bit set analysts can query.
-- Computed on read from sensor_hourly_means and sensor_calibrations, so it never goes stale when the hourly sums
-- or a calibration change; nothing is left out of any mean because of a flag yet (docs/calibration.md,
-- "Quality flags"). The thresholds are constants here and in the docs, not settings: a bit must mean the same
-- thing in every database that is queried.
--
--   bit  1  out_of_range            raw PM2.5 hourly mean < 0 or > 1000 µg/m³
--   bit  2  rate_of_change          |mean − previous hour's mean| > 150 µg/m³, the previous hour (hour_start − 1 h) valid
--   bit  4  flat_line               the hour is one of 3 or more consecutive hours with the identical mean
--   bit  8  humidity_high           the hour's mean relative humidity (micro sensors) > 95%
--   bit 16  calibration_expired     micro sensor whose calibration in force ended its window more than 7 days
--                                   before the hour, or that has none in force
--   bit 32  neighbour_disagreement  valid hour more than 3 times above or below the median of the valid hourly means
--                                   of at least 2 other sensors within 2 km, and more than 25 µg/m³ from it

-- A function of the period so that a query of a few days reads those days (and two hours either side, which the
-- rate-of-change and flat-line rules look at) rather than the whole history: a filter on the view's hour_start
-- cannot pass the per-sensor window functions. The view is the function over every hour.
CREATE FUNCTION sensor_hour_quality(from_hour timestamptz DEFAULT NULL, to_hour timestamptz DEFAULT NULL)
RETURNS TABLE (
    sensor_id               text,
    hour_start              timestamptz,
    flags                   integer,
    out_of_range            boolean,
    rate_of_change          boolean,
    flat_line               boolean,
    humidity_high           boolean,
    calibration_expired     boolean,
    neighbour_disagreement  boolean
)
LANGUAGE sql STABLE AS $$
WITH period AS (
    SELECT coalesce(sensor_hour_quality.from_hour, '-infinity') AS first_hour, coalesce(sensor_hour_quality.to_hour, 'infinity') AS end_hour
), hours AS (
    SELECT m.sensor_id, s.kind, m.hour_start, m.pm25_ugm3, m.pm25_valid, m.rh_pct,
           lag(m.hour_start, 1) OVER w AS prev1_hour, lag(m.pm25_ugm3, 1) OVER w AS prev1,
           lag(m.pm25_valid, 1) OVER w AS prev1_valid,
           lag(m.hour_start, 2) OVER w AS prev2_hour, lag(m.pm25_ugm3, 2) OVER w AS prev2,
           lead(m.hour_start, 1) OVER w AS next1_hour, lead(m.pm25_ugm3, 1) OVER w AS next1,
           lead(m.hour_start, 2) OVER w AS next2_hour, lead(m.pm25_ugm3, 2) OVER w AS next2
    FROM sensor_hourly_means m JOIN sensors s USING (sensor_id) CROSS JOIN period p
    WHERE m.pm25_ugm3 IS NOT NULL AND m.hour_start >= p.first_hour - interval '2 hours' AND m.hour_start < p.end_hour + interval '2 hours'
    WINDOW w AS (PARTITION BY m.sensor_id ORDER BY m.hour_start)
), neighbours AS (
    -- Great-circle distance (haversine, Earth radius 6371 km) between every two sensors.
    SELECT a.sensor_id, b.sensor_id AS neighbour_id
    FROM sensors a JOIN sensors b ON a.sensor_id <> b.sensor_id
    WHERE 2 * 6371 * asin(sqrt(sin(radians(b.latitude - a.latitude) / 2) ^ 2
                               + cos(radians(a.latitude)) * cos(radians(b.latitude)) * sin(radians(b.longitude - a.longitude) / 2) ^ 2)) <= 2
), neighbour_medians AS (
    SELECT n.sensor_id, m.hour_start, percentile_cont(0.5) WITHIN GROUP (ORDER BY m.pm25_ugm3::float8) AS median, count(*) AS n
    FROM neighbours n JOIN sensor_hourly_means m ON m.sensor_id = n.neighbour_id AND m.pm25_valid
    CROSS JOIN period p
    WHERE m.hour_start >= p.first_hour AND m.hour_start < p.end_hour
    GROUP BY n.sensor_id, m.hour_start
), checked AS (
    SELECT h.sensor_id, h.hour_start,
           h.pm25_ugm3 < 0 OR h.pm25_ugm3 > 1000 AS out_of_range,
           coalesce(h.prev1_hour = h.hour_start - interval '1 hour' AND h.prev1_valid
                    AND abs(h.pm25_ugm3::float8 - h.prev1) > 150, false) AS rate_of_change,
           coalesce(h.prev2_hour = h.hour_start - interval '2 hours' AND h.prev1 = h.pm25_ugm3 AND h.prev2 = h.pm25_ugm3, false)
               OR coalesce(h.prev1_hour = h.hour_start - interval '1 hour' AND h.next1_hour = h.hour_start + interval '1 hour'
                           AND h.prev1 = h.pm25_ugm3 AND h.next1 = h.pm25_ugm3, false)
               OR coalesce(h.next2_hour = h.hour_start + interval '2 hours' AND h.next1 = h.pm25_ugm3 AND h.next2 = h.pm25_ugm3, false) AS flat_line,
           coalesce(h.rh_pct > 95, false) AS humidity_high,
           h.kind = 'micro_sensor' AND (k.window_to IS NULL OR h.hour_start > k.window_to + interval '7 days') AS calibration_expired,
           coalesce(h.pm25_valid AND nm.n >= 2 AND abs(h.pm25_ugm3 - nm.median) > 25
                    AND (h.pm25_ugm3 > 3 * nm.median OR 3 * h.pm25_ugm3 < nm.median), false) AS neighbour_disagreement
    FROM hours h
    CROSS JOIN period p
    LEFT JOIN neighbour_medians nm USING (sensor_id, hour_start)
    LEFT JOIN LATERAL (
        SELECT k.window_to FROM sensor_calibrations k
        WHERE k.sensor_id = h.sensor_id AND k.valid_from <= h.hour_start
        ORDER BY k.valid_from DESC, k.version DESC LIMIT 1
    ) k ON h.kind = 'micro_sensor'
    WHERE h.hour_start >= p.first_hour AND h.hour_start < p.end_hour
)
SELECT sensor_id, hour_start,
       out_of_range::integer * 1 + rate_of_change::integer * 2 + flat_line::integer * 4 + humidity_high::integer * 8
           + calibration_expired::integer * 16 + neighbour_disagreement::integer * 32 AS flags,
       out_of_range, rate_of_change, flat_line, humidity_high, calibration_expired, neighbour_disagreement
FROM checked
ORDER BY sensor_id, hour_start
$$;
COMMENT ON FUNCTION sensor_hour_quality IS 'The quality flags of the sensor-hours in [from_hour, to_hour) (every hour when NULL), as the view sensor_hour_quality shows them; the rules look two hours beyond either end.';

CREATE VIEW sensor_hour_quality AS SELECT * FROM sensor_hour_quality();
COMMENT ON VIEW sensor_hour_quality IS 'Quality flags per sensor and UTC hour with a PM2.5 mean (raw pm25_ugm3 of sensor_hourly_means): flags is the sum of the bits set, each also a boolean column. 1 out_of_range: mean < 0 or > 1000 µg/m³. 2 rate_of_change: more than 150 µg/m³ from the previous hour''s mean, that hour valid. 4 flat_line: one of 3 or more consecutive hours with the identical mean. 8 humidity_high: the hour''s mean RH above 95% (micro sensors). 16 calibration_expired: a micro sensor whose calibration in force (latest valid_from at or before the hour) has a window ending more than 7 days before the hour, or none. 32 neighbour_disagreement: a valid hour more than 3 times above or below the median valid mean of at least 2 other sensors within 2 km in that hour, and more than 25 µg/m³ from it. Flags are information only: no mean leaves flagged hours out yet.';

GRANT SELECT ON sensor_hour_quality TO airq_analyst;
GRANT EXECUTE ON FUNCTION sensor_hour_quality(timestamptz, timestamptz) TO airq_analyst;

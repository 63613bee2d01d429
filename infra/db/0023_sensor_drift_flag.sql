-- The drift flag (issue 24 point 4, bit 64): a micro sensor whose response relative to its neighbours has moved since
-- its calibration window. The reference is the same as the neighbour-disagreement rule's: the median of the valid raw
-- hourly PM2.5 means of at least 2 other sensors (stations and micro sensors) within 2 km. At each fit the calibration
-- stores the sensor's ratio to that reference (sum of its means over sum of the medians) and its mean offset over the
-- fit's window; an hour is flagged when the same ratio over the 72 hours up to it (24 paired hours or more) differs
-- from the stored one by more than 25%, or the offset by more than 10 µg/m³. Thresholds: docs/calibration.md.
--
-- Raw against raw: the humidity response common to the micro sensors cancels in the ratio, so humid weather does not
-- look like drift; what moves it is this sensor's gain or offset changing against the sensors around it.

ALTER TABLE sensor_calibrations
    ADD COLUMN reference_hours        integer,
    ADD COLUMN reference_ratio        double precision,
    ADD COLUMN reference_offset_ugm3  double precision;
COMMENT ON COLUMN sensor_calibrations.reference_hours IS 'Hours of the fit''s window in which the sensor had a valid raw hourly mean and at least 2 other sensors within 2 km had one too (the drift reference, migration 0023); NULL when fitted before migration 0023.';
COMMENT ON COLUMN sensor_calibrations.reference_ratio IS 'Over those hours: the sum of the sensor''s raw hourly means over the sum of its neighbours'' medians. NULL with fewer than 24 such hours (no drift flag for this version).';
COMMENT ON COLUMN sensor_calibrations.reference_offset_ugm3 IS 'Over those hours: the mean of the sensor''s raw hourly mean minus its neighbours'' median, µg/m³.';

-- The neighbour median of every sensor-hour, shared by the neighbour-disagreement and drift rules and by the
-- calibration's baseline (SensorCalibrator computes it at each fit from these medians and the sensor's own valid
-- hourly means, and stores it in the columns above).
CREATE FUNCTION sensor_neighbour_medians(from_hour timestamptz, to_hour timestamptz)
RETURNS TABLE (sensor_id text, hour_start timestamptz, median double precision, n bigint)
LANGUAGE sql STABLE AS $$
    WITH neighbours AS (
        -- Great-circle distance (haversine, Earth radius 6371 km) between every two sensors.
        SELECT a.sensor_id, b.sensor_id AS neighbour_id
        FROM sensors a JOIN sensors b ON a.sensor_id <> b.sensor_id
        WHERE 2 * 6371 * asin(sqrt(sin(radians(b.latitude - a.latitude) / 2) ^ 2
                                   + cos(radians(a.latitude)) * cos(radians(b.latitude)) * sin(radians(b.longitude - a.longitude) / 2) ^ 2)) <= 2
    )
    SELECT n.sensor_id, m.hour_start, percentile_cont(0.5) WITHIN GROUP (ORDER BY m.pm25_ugm3::float8), count(*)
    FROM neighbours n JOIN sensor_hourly_means m ON m.sensor_id = n.neighbour_id AND m.pm25_valid
    WHERE m.hour_start >= from_hour AND m.hour_start < to_hour
    GROUP BY n.sensor_id, m.hour_start
$$;
COMMENT ON FUNCTION sensor_neighbour_medians IS 'Per sensor and UTC hour in [from_hour, to_hour): the median of the valid raw PM2.5 hourly means of the other sensors within 2 km (great-circle), and how many there were (hours with none have no row).';

-- The flags with the drift bit: the function changes its columns, so it and its view are made again.
DROP VIEW sensor_hour_quality;
DROP FUNCTION sensor_hour_quality(timestamptz, timestamptz);

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
    neighbour_disagreement  boolean,
    drift                   boolean
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
), neighbour_medians AS (
    -- From 71 hours before the period: the drift rule's rolling window ends at each hour of the period.
    SELECT nm.* FROM period p, sensor_neighbour_medians(p.first_hour - interval '71 hours', p.end_hour) nm
), drift_pairs AS (
    -- A micro sensor's valid raw hourly mean beside the median of at least 2 neighbours, over its last 72 hours.
    SELECT m.sensor_id, m.hour_start,
           count(*) OVER w AS n, sum(m.pm25_ugm3::float8) OVER w AS sensor_sum, sum(nm.median) OVER w AS reference_sum,
           avg(m.pm25_ugm3::float8 - nm.median) OVER w AS offset_mean
    FROM sensor_hourly_means m JOIN sensors s USING (sensor_id) JOIN neighbour_medians nm USING (sensor_id, hour_start) CROSS JOIN period p
    WHERE s.kind = 'micro_sensor' AND m.pm25_valid AND nm.n >= 2
      AND m.hour_start >= p.first_hour - interval '71 hours' AND m.hour_start < p.end_hour
    WINDOW w AS (PARTITION BY m.sensor_id ORDER BY m.hour_start RANGE BETWEEN interval '71 hours' PRECEDING AND CURRENT ROW)
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
                    AND (h.pm25_ugm3 > 3 * nm.median OR 3 * h.pm25_ugm3 < nm.median), false) AS neighbour_disagreement,
           coalesce(dp.n >= 24 AND k.reference_ratio > 0 AND dp.reference_sum > 0
                    AND (abs(dp.sensor_sum / dp.reference_sum / k.reference_ratio - 1) > 0.25
                         OR abs(dp.offset_mean - k.reference_offset_ugm3) > 10), false) AS drift
    FROM hours h
    CROSS JOIN period p
    LEFT JOIN neighbour_medians nm USING (sensor_id, hour_start)
    LEFT JOIN drift_pairs dp USING (sensor_id, hour_start)
    LEFT JOIN LATERAL (
        SELECT k.window_to, k.reference_ratio, k.reference_offset_ugm3 FROM sensor_calibrations k
        WHERE k.sensor_id = h.sensor_id AND k.valid_from <= h.hour_start
        ORDER BY k.valid_from DESC, k.version DESC LIMIT 1
    ) k ON h.kind = 'micro_sensor'
    WHERE h.hour_start >= p.first_hour AND h.hour_start < p.end_hour
)
SELECT sensor_id, hour_start,
       out_of_range::integer * 1 + rate_of_change::integer * 2 + flat_line::integer * 4 + humidity_high::integer * 8
           + calibration_expired::integer * 16 + neighbour_disagreement::integer * 32 + drift::integer * 64 AS flags,
       out_of_range, rate_of_change, flat_line, humidity_high, calibration_expired, neighbour_disagreement, drift
FROM checked
ORDER BY sensor_id, hour_start
$$;
COMMENT ON FUNCTION sensor_hour_quality IS 'The quality flags of the sensor-hours in [from_hour, to_hour) (every hour when NULL), as the view sensor_hour_quality shows them; the rules look two hours beyond either end, and the drift rule 71 hours before the start.';

CREATE VIEW sensor_hour_quality AS SELECT * FROM sensor_hour_quality();
COMMENT ON VIEW sensor_hour_quality IS 'Quality flags per sensor and UTC hour with a PM2.5 mean (raw pm25_ugm3 of sensor_hourly_means): flags is the sum of the bits set, each also a boolean column. 1 out_of_range: mean < 0 or > 1000 µg/m³. 2 rate_of_change: more than 150 µg/m³ from the previous hour''s mean, that hour valid. 4 flat_line: one of 3 or more consecutive hours with the identical mean. 8 humidity_high: the hour''s mean RH above 95% (micro sensors). 16 calibration_expired: a micro sensor whose calibration in force (latest valid_from at or before the hour) has a window ending more than 7 days before the hour, or none. 32 neighbour_disagreement: a valid hour more than 3 times above or below the median valid mean of at least 2 other sensors within 2 km in that hour, and more than 25 µg/m³ from it. 64 drift: a micro sensor whose ratio (sum of its means over sum of the neighbour medians) over the 72 hours up to the hour moved more than 25% from its calibration window''s (sensor_calibrations.reference_ratio), or whose mean offset moved more than 10 µg/m³, with 24 paired hours or more. The daily PM2.5 means leave out bits 1, 4 and 8 (docs/calibration.md).';

GRANT SELECT ON sensor_hour_quality TO airq_analyst;
GRANT EXECUTE ON FUNCTION sensor_neighbour_medians(timestamptz, timestamptz) TO airq_analyst;
GRANT EXECUTE ON FUNCTION sensor_hour_quality(timestamptz, timestamptz) TO airq_analyst;

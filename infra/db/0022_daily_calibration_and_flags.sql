-- Issue 24, points 2 and 4: every daily figure records the calibration behind it, and the daily means leave out the
-- flagged hours the rules of docs/calibration.md ("Flagged hours in the daily figures") say so, counting them.
--
-- The new columns are NULL on rows aggregated before this migration (the aggregation did not know then); the next
-- `airq aggregate` of a day fills them.

ALTER TABLE sensor_daily
    ADD COLUMN pm25_corrected_hours  smallint,
    ADD COLUMN calibration_versions  integer[],
    ADD COLUMN pm25_excluded_hours   smallint,
    ADD COLUMN pm25_flagged_hours    smallint;
COMMENT ON COLUMN sensor_daily.pm25_corrected_hours IS 'Of the valid hours behind pm25_ugm3, how many took the corrected hourly mean (sensor_hourly_means.pm25_corrected_ugm3) rather than the raw one. 0 for stations and under Calibration:Pm25 = Raw; NULL: aggregated before migration 0022.';
COMMENT ON COLUMN sensor_daily.calibration_versions IS 'The sensor_calibrations versions of the corrected hours behind pm25_ugm3, distinct, ascending (two after a re-fit within the day); empty when no hour was corrected; NULL: aggregated before migration 0022.';
COMMENT ON COLUMN sensor_daily.pm25_excluded_hours IS 'Valid PM2.5 hours of the day left out of pm25_ugm3 (and of pm25_valid_hours) for a quality flag that excludes (out_of_range, flat_line, humidity_high; none when Calibration:ExcludeFlaggedHours is false). NULL: aggregated before migration 0022.';
COMMENT ON COLUMN sensor_daily.pm25_flagged_hours IS 'Valid PM2.5 hours behind pm25_ugm3 that carry a quality flag which does not exclude (rate_of_change, calibration_expired, neighbour_disagreement, drift): in the mean, counted. NULL: aggregated before migration 0022.';

ALTER TABLE district_daily
    ADD COLUMN pm25_corrected_hours  integer,
    ADD COLUMN pm25_excluded_hours   integer,
    ADD COLUMN pm25_flagged_hours    integer;
ALTER TABLE city_daily
    ADD COLUMN pm25_corrected_hours  integer,
    ADD COLUMN pm25_excluded_hours   integer,
    ADD COLUMN pm25_flagged_hours    integer;
COMMENT ON COLUMN district_daily.pm25_corrected_hours IS 'Sum of sensor_daily.pm25_corrected_hours over the valid sensor days behind pm25_ugm3 (pm25_sensors). NULL: aggregated before migration 0022.';
COMMENT ON COLUMN district_daily.pm25_excluded_hours IS 'Sum of sensor_daily.pm25_excluded_hours over all the district''s sensor days (a day that lost its validity to excluded hours counts too). NULL: aggregated before migration 0022.';
COMMENT ON COLUMN district_daily.pm25_flagged_hours IS 'Sum of sensor_daily.pm25_flagged_hours over the valid sensor days behind pm25_ugm3. NULL: aggregated before migration 0022.';
COMMENT ON COLUMN city_daily.pm25_corrected_hours IS 'Sum of sensor_daily.pm25_corrected_hours over the valid sensor days behind pm25_ugm3 (pm25_sensors). NULL: aggregated before migration 0022.';
COMMENT ON COLUMN city_daily.pm25_excluded_hours IS 'Sum of sensor_daily.pm25_excluded_hours over all the city''s sensor days. NULL: aggregated before migration 0022.';
COMMENT ON COLUMN city_daily.pm25_flagged_hours IS 'Sum of sensor_daily.pm25_flagged_hours over the valid sensor days behind pm25_ugm3. NULL: aggregated before migration 0022.';

-- The flags as the daily aggregation last saw them, so that a flag which changes (a late reading next to a flat line,
-- a neighbour's reading, a new calibration) marks its hour dirty like a changed hourly sum does. Only flagged hours
-- have a row. Analysts read sensor_hour_quality, which is always current; this table is the aggregation's.
CREATE TABLE sensor_hour_flags (
    sensor_id   text NOT NULL,
    hour_start  timestamptz NOT NULL,
    flags       integer NOT NULL CHECK (flags > 0),
    PRIMARY KEY (sensor_id, hour_start)
);
COMMENT ON TABLE sensor_hour_flags IS 'The sensor_hour_quality flags (the bit set) of each flagged sensor-hour as of the last apply_sensor_hour_flags() over it; the daily aggregation reads it. Internal: query sensor_hour_quality instead.';

CREATE FUNCTION apply_sensor_hour_flags(from_hour timestamptz, to_hour timestamptz, only_sensors text[] DEFAULT NULL)
RETURNS bigint LANGUAGE sql AS $$
    WITH computed AS (
        SELECT q.sensor_id, q.hour_start, q.flags
        FROM sensor_hour_quality(from_hour, to_hour) q
        WHERE q.flags <> 0 AND (only_sensors IS NULL OR q.sensor_id = ANY (only_sensors))
    ), stored AS (
        SELECT f.sensor_id, f.hour_start, f.flags FROM sensor_hour_flags f
        WHERE f.hour_start >= from_hour AND f.hour_start < to_hour AND (only_sensors IS NULL OR f.sensor_id = ANY (only_sensors))
    ), diff AS (
        SELECT coalesce(c.sensor_id, s.sensor_id) AS sensor_id, coalesce(c.hour_start, s.hour_start) AS hour_start, c.flags
        FROM computed c FULL JOIN stored s USING (sensor_id, hour_start)
        WHERE c.flags IS DISTINCT FROM s.flags
    ), written AS (
        INSERT INTO sensor_hour_flags AS t (sensor_id, hour_start, flags)
        SELECT sensor_id, hour_start, flags FROM diff WHERE flags IS NOT NULL ORDER BY sensor_id, hour_start
        ON CONFLICT (sensor_id, hour_start) DO UPDATE SET flags = excluded.flags
        RETURNING 1
    ), removed AS (
        DELETE FROM sensor_hour_flags t USING diff d
        WHERE d.flags IS NULL AND t.sensor_id = d.sensor_id AND t.hour_start = d.hour_start
        RETURNING 1
    ), marked AS (
        INSERT INTO aggregation_dirty_hours AS d (hour_start)
        SELECT DISTINCT hour_start FROM diff ORDER BY 1
        ON CONFLICT (hour_start) DO UPDATE SET generation = d.generation + 1
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM marked) + 0 * (SELECT count(*) FROM written) + 0 * (SELECT count(*) FROM removed);
$$;
COMMENT ON FUNCTION apply_sensor_hour_flags IS 'Brings sensor_hour_flags up to date with sensor_hour_quality for the hours in [from_hour, to_hour) (only only_sensors when given) and marks in aggregation_dirty_hours the hours whose flags changed; returns how many hours it marked.';

GRANT INSERT, UPDATE, DELETE ON sensor_hour_flags TO airq_analytics;

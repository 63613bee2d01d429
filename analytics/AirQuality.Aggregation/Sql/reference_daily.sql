-- The daily figures computed by PostgreSQL alone, straight from sensor_readings, into temporary tables
-- ref_hourly, ref_sensor_daily, ref_district_daily, ref_city_daily with the columns of the real tables.
-- It is the reference the tests compare the columnar stage with, and the baseline `airq bench aggregate` times.
-- Parameters: @time_zone (IANA id), @first_day and @last_day (local days, inclusive), @excluded_flags (quality bits
-- that leave a PM2.5 hour out of the means).
-- Means stay unrounded; the IAQI (iaqi()), the O3 800 µg/m³ switch and the PM2.5 limit take the concentration as
-- HJ 663 reports it (reported_concentration(), migration 0014).
DROP TABLE IF EXISTS ref_hourly, ref_hourly_means, ref_sensor_daily, ref_district_daily, ref_city_daily;
CREATE TEMP TABLE ref_hourly AS
SELECT sensor_id, date_bin('1 hour', observed_at - interval '1 microsecond', timestamptz '2000-01-01 00:00:00+00') AS hour_start,
       sum(pm25_ugm3::float8) AS pm25_sum, count(pm25_ugm3) AS pm25_readings,
       sum(pm10_ugm3::float8) AS pm10_sum, count(pm10_ugm3) AS pm10_readings,
       sum(no2_ugm3::float8) AS no2_sum, count(no2_ugm3) AS no2_readings,
       sum(so2_ugm3::float8) AS so2_sum, count(so2_ugm3) AS so2_readings,
       sum(o3_ugm3::float8) AS o3_sum, count(o3_ugm3) AS o3_readings,
       sum(co_mgm3::float8) AS co_sum, count(co_mgm3) AS co_readings
FROM sensor_readings
WHERE observed_at > (@first_day::timestamp AT TIME ZONE @time_zone) AND observed_at <= ((@last_day::date + 1)::timestamp AT TIME ZONE @time_zone)
GROUP BY 1, 2;
CREATE TEMP TABLE ref_hourly_means AS
SELECT h.sensor_id, h.hour_start, (h.hour_start AT TIME ZONE @time_zone)::date AS day,
       extract(hour FROM h.hour_start AT TIME ZONE @time_zone)::integer AS local_hour,
       h.pm25_sum / nullif(h.pm25_readings, 0) AS pm25_mean, h.pm25_readings, h.pm25_readings * s.reporting_interval_s >= 2700 AS pm25_valid,
       h.pm10_sum / nullif(h.pm10_readings, 0) AS pm10_mean, h.pm10_readings, h.pm10_readings * s.reporting_interval_s >= 2700 AS pm10_valid,
       h.no2_sum / nullif(h.no2_readings, 0) AS no2_mean, h.no2_readings, h.no2_readings * s.reporting_interval_s >= 2700 AS no2_valid,
       h.so2_sum / nullif(h.so2_readings, 0) AS so2_mean, h.so2_readings, h.so2_readings * s.reporting_interval_s >= 2700 AS so2_valid,
       h.o3_sum / nullif(h.o3_readings, 0) AS o3_mean, h.o3_readings, h.o3_readings * s.reporting_interval_s >= 2700 AS o3_valid,
       h.co_sum / nullif(h.co_readings, 0) AS co_mean, h.co_readings, h.co_readings * s.reporting_interval_s >= 2700 AS co_valid,
       c.pm25_corrected_ugm3::float8 AS pm25_corrected, CASE WHEN c.pm25_corrected_ugm3 IS NOT NULL THEN c.calibration_version END AS pm25_version,
       coalesce(q.flags, 0) AS pm25_flags
FROM ref_hourly h JOIN sensors s USING (sensor_id)
LEFT JOIN sensor_hourly_calibrated c USING (sensor_id, hour_start)
LEFT JOIN sensor_hour_quality((@first_day::timestamp AT TIME ZONE @time_zone) - interval '1 hour', (@last_day::date + 1)::timestamp AT TIME ZONE @time_zone) q USING (sensor_id, hour_start);
-- Calibration:Pm25 = Corrected (the default), and the valid PM2.5 hours carrying any of @excluded_flags left out (the
-- default Calibration:ExcludeFlaggedHours = true: out_of_range 1, flat_line 4, humidity_high 8; docs/calibration.md).
ALTER TABLE ref_hourly_means ADD COLUMN pm25_kept boolean;
UPDATE ref_hourly_means SET pm25_kept = pm25_valid AND pm25_flags & @excluded_flags = 0, pm25_mean = coalesce(pm25_corrected, pm25_mean);
CREATE TEMP TABLE ref_sensor_daily AS
WITH days AS (
    SELECT d::date AS day FROM generate_series(@first_day::date, @last_day::date, interval '1 day') AS d
), agg AS (
    SELECT sensor_id, day,
           avg(pm25_mean) FILTER (WHERE pm25_kept) AS pm25, count(*) FILTER (WHERE pm25_kept) AS pm25_hours, bool_or(pm25_readings > 0) AS pm25_reported,
           count(*) FILTER (WHERE pm25_kept AND pm25_version IS NOT NULL) AS pm25_corrected_hours,
           array_agg(DISTINCT pm25_version ORDER BY pm25_version) FILTER (WHERE pm25_kept AND pm25_version IS NOT NULL) AS calibration_versions,
           count(*) FILTER (WHERE pm25_valid AND NOT pm25_kept) AS pm25_excluded_hours,
           count(*) FILTER (WHERE pm25_kept AND pm25_flags <> 0) AS pm25_flagged_hours,
           avg(pm10_mean) FILTER (WHERE pm10_valid) AS pm10, count(*) FILTER (WHERE pm10_valid) AS pm10_hours, bool_or(pm10_readings > 0) AS pm10_reported,
           avg(no2_mean) FILTER (WHERE no2_valid) AS no2, count(*) FILTER (WHERE no2_valid) AS no2_hours, bool_or(no2_readings > 0) AS no2_reported,
           avg(so2_mean) FILTER (WHERE so2_valid) AS so2, count(*) FILTER (WHERE so2_valid) AS so2_hours, bool_or(so2_readings > 0) AS so2_reported,
           avg(o3_mean) FILTER (WHERE o3_valid) AS o3, count(*) FILTER (WHERE o3_valid) AS o3_hours, bool_or(o3_readings > 0) AS o3_reported,
           avg(co_mean) FILTER (WHERE co_valid) AS co, count(*) FILTER (WHERE co_valid) AS co_hours, bool_or(co_readings > 0) AS co_reported,
           sum(pm25_readings) AS pm25_readings,
           max(o3_mean) FILTER (WHERE o3_valid) AS o3_1h_max
    FROM ref_hourly_means GROUP BY sensor_id, day
), windows AS (
    SELECT m.sensor_id, m.day, k.k, avg(m.o3_mean) FILTER (WHERE m.o3_valid) AS mean, count(*) FILTER (WHERE m.o3_valid) AS valid_hours
    FROM ref_hourly_means m JOIN generate_series(0, 16) AS k(k) ON m.local_hour >= k.k AND m.local_hour < k.k + 8
    GROUP BY m.sensor_id, m.day, k.k
), o3 AS (
    SELECT sensor_id, day, max(mean) FILTER (WHERE valid_hours >= 6) AS o3_8h_max, count(*) FILTER (WHERE valid_hours >= 6) AS o3_8h_windows
    FROM windows GROUP BY sensor_id, day
)
SELECT s.sensor_id, d.day, s.district_id,
       a.pm25 AS pm25_ugm3, coalesce(a.pm25_hours, 0) AS pm25_valid_hours, coalesce(a.pm25_hours, 0) >= 20 AS pm25_valid, coalesce(a.pm25_reported, false) AS pm25_reported,
       a.pm10 AS pm10_ugm3, coalesce(a.pm10_hours, 0) AS pm10_valid_hours, coalesce(a.pm10_hours, 0) >= 20 AS pm10_valid, coalesce(a.pm10_reported, false) AS pm10_reported,
       a.no2 AS no2_ugm3, coalesce(a.no2_hours, 0) AS no2_valid_hours, coalesce(a.no2_hours, 0) >= 20 AS no2_valid, coalesce(a.no2_reported, false) AS no2_reported,
       a.so2 AS so2_ugm3, coalesce(a.so2_hours, 0) AS so2_valid_hours, coalesce(a.so2_hours, 0) >= 20 AS so2_valid, coalesce(a.so2_reported, false) AS so2_reported,
       a.o3 AS o3_ugm3, coalesce(a.o3_hours, 0) AS o3_valid_hours, coalesce(a.o3_hours, 0) >= 20 AS o3_valid, coalesce(a.o3_reported, false) AS o3_reported,
       a.co AS co_mgm3, coalesce(a.co_hours, 0) AS co_valid_hours, coalesce(a.co_hours, 0) >= 20 AS co_valid, coalesce(a.co_reported, false) AS co_reported,
       o.o3_8h_max AS o3_8h_max_ugm3, coalesce(o.o3_8h_windows, 0) AS o3_8h_valid_windows, coalesce(o.o3_8h_windows, 0) >= 14 AS o3_8h_valid,
       a.o3_1h_max AS o3_1h_max_ugm3,
       24 * 3600 / s.reporting_interval_s AS expected_readings, coalesce(a.pm25_readings, 0) AS pm25_readings,
       coalesce(a.pm25_corrected_hours, 0) AS pm25_corrected_hours, coalesce(a.calibration_versions, '{}') AS calibration_versions,
       coalesce(a.pm25_excluded_hours, 0) AS pm25_excluded_hours, coalesce(a.pm25_flagged_hours, 0) AS pm25_flagged_hours
FROM sensors s CROSS JOIN days d
LEFT JOIN agg a ON a.sensor_id = s.sensor_id AND a.day = d.day
LEFT JOIN o3 o ON o.sensor_id = s.sensor_id AND o.day = d.day;

CREATE TEMP TABLE ref_district_daily AS
SELECT a.district_id, d.day, count(r.sensor_id) AS sensors,
       avg(r.pm25_ugm3) FILTER (WHERE r.pm25_valid) AS pm25_ugm3, count(*) FILTER (WHERE r.pm25_valid) AS pm25_sensors, count(*) FILTER (WHERE r.pm25_valid) > 0 AND 2 * count(*) FILTER (WHERE r.pm25_valid) >= count(r.sensor_id) AS pm25_valid,
       avg(r.pm10_ugm3) FILTER (WHERE r.pm10_valid) AS pm10_ugm3, count(*) FILTER (WHERE r.pm10_valid) AS pm10_sensors, count(*) FILTER (WHERE r.pm10_valid) > 0 AND 2 * count(*) FILTER (WHERE r.pm10_valid) >= count(*) FILTER (WHERE r.pm10_reported) AS pm10_valid,
       avg(r.no2_ugm3) FILTER (WHERE r.no2_valid) AS no2_ugm3, count(*) FILTER (WHERE r.no2_valid) AS no2_sensors, count(*) FILTER (WHERE r.no2_valid) > 0 AND 2 * count(*) FILTER (WHERE r.no2_valid) >= count(*) FILTER (WHERE r.no2_reported) AS no2_valid,
       avg(r.so2_ugm3) FILTER (WHERE r.so2_valid) AS so2_ugm3, count(*) FILTER (WHERE r.so2_valid) AS so2_sensors, count(*) FILTER (WHERE r.so2_valid) > 0 AND 2 * count(*) FILTER (WHERE r.so2_valid) >= count(*) FILTER (WHERE r.so2_reported) AS so2_valid,
       avg(r.co_mgm3) FILTER (WHERE r.co_valid) AS co_mgm3, count(*) FILTER (WHERE r.co_valid) AS co_sensors, count(*) FILTER (WHERE r.co_valid) > 0 AND 2 * count(*) FILTER (WHERE r.co_valid) >= count(*) FILTER (WHERE r.co_reported) AS co_valid,
       avg(r.o3_8h_max_ugm3) FILTER (WHERE r.o3_8h_valid) AS o3_8h_max_ugm3, count(*) FILTER (WHERE r.o3_8h_valid) AS o3_8h_sensors, count(*) FILTER (WHERE r.o3_8h_valid) > 0 AND 2 * count(*) FILTER (WHERE r.o3_8h_valid) >= count(*) FILTER (WHERE r.o3_reported) AS o3_8h_valid,
       avg(r.o3_1h_max_ugm3) FILTER (WHERE r.o3_8h_valid) AS o3_1h_max_ugm3,
       coalesce(sum(r.pm25_corrected_hours) FILTER (WHERE r.pm25_valid), 0) AS pm25_corrected_hours,
       coalesce(sum(r.pm25_excluded_hours), 0) AS pm25_excluded_hours,
       coalesce(sum(r.pm25_flagged_hours) FILTER (WHERE r.pm25_valid), 0) AS pm25_flagged_hours
FROM districts a
CROSS JOIN (SELECT DISTINCT day FROM ref_sensor_daily) d
LEFT JOIN ref_sensor_daily r ON r.day = d.day AND r.district_id = a.district_id
GROUP BY a.district_id, d.day;

CREATE TEMP TABLE ref_city_daily AS
SELECT 'city' AS area_id, d.day, count(r.sensor_id) AS sensors,
       avg(r.pm25_ugm3) FILTER (WHERE r.pm25_valid) AS pm25_ugm3, count(*) FILTER (WHERE r.pm25_valid) AS pm25_sensors, count(*) FILTER (WHERE r.pm25_valid) > 0 AND 2 * count(*) FILTER (WHERE r.pm25_valid) >= count(r.sensor_id) AS pm25_valid,
       avg(r.pm10_ugm3) FILTER (WHERE r.pm10_valid) AS pm10_ugm3, count(*) FILTER (WHERE r.pm10_valid) AS pm10_sensors, count(*) FILTER (WHERE r.pm10_valid) > 0 AND 2 * count(*) FILTER (WHERE r.pm10_valid) >= count(*) FILTER (WHERE r.pm10_reported) AS pm10_valid,
       avg(r.no2_ugm3) FILTER (WHERE r.no2_valid) AS no2_ugm3, count(*) FILTER (WHERE r.no2_valid) AS no2_sensors, count(*) FILTER (WHERE r.no2_valid) > 0 AND 2 * count(*) FILTER (WHERE r.no2_valid) >= count(*) FILTER (WHERE r.no2_reported) AS no2_valid,
       avg(r.so2_ugm3) FILTER (WHERE r.so2_valid) AS so2_ugm3, count(*) FILTER (WHERE r.so2_valid) AS so2_sensors, count(*) FILTER (WHERE r.so2_valid) > 0 AND 2 * count(*) FILTER (WHERE r.so2_valid) >= count(*) FILTER (WHERE r.so2_reported) AS so2_valid,
       avg(r.co_mgm3) FILTER (WHERE r.co_valid) AS co_mgm3, count(*) FILTER (WHERE r.co_valid) AS co_sensors, count(*) FILTER (WHERE r.co_valid) > 0 AND 2 * count(*) FILTER (WHERE r.co_valid) >= count(*) FILTER (WHERE r.co_reported) AS co_valid,
       avg(r.o3_8h_max_ugm3) FILTER (WHERE r.o3_8h_valid) AS o3_8h_max_ugm3, count(*) FILTER (WHERE r.o3_8h_valid) AS o3_8h_sensors, count(*) FILTER (WHERE r.o3_8h_valid) > 0 AND 2 * count(*) FILTER (WHERE r.o3_8h_valid) >= count(*) FILTER (WHERE r.o3_reported) AS o3_8h_valid,
       avg(r.o3_1h_max_ugm3) FILTER (WHERE r.o3_8h_valid) AS o3_1h_max_ugm3,
       coalesce(sum(r.pm25_corrected_hours) FILTER (WHERE r.pm25_valid), 0) AS pm25_corrected_hours,
       coalesce(sum(r.pm25_excluded_hours), 0) AS pm25_excluded_hours,
       coalesce(sum(r.pm25_flagged_hours) FILTER (WHERE r.pm25_valid), 0) AS pm25_flagged_hours
FROM (SELECT 1) a
CROSS JOIN (SELECT DISTINCT day FROM ref_sensor_daily) d
LEFT JOIN ref_sensor_daily r ON r.day = d.day
GROUP BY 1, d.day;

ALTER TABLE ref_sensor_daily ADD COLUMN standard_version text, ADD COLUMN pm25_limit_ugm3 real,
    ADD COLUMN pm25_iaqi smallint, ADD COLUMN pm10_iaqi smallint, ADD COLUMN no2_iaqi smallint, ADD COLUMN so2_iaqi smallint, ADD COLUMN o3_iaqi smallint, ADD COLUMN co_iaqi smallint, ADD COLUMN aqi smallint, ADD COLUMN aqi_category text, ADD COLUMN primary_pollutants text[], ADD COLUMN pm25_exceeds_limit boolean;
UPDATE ref_sensor_daily SET standard_version = aq_standard_on(day);
UPDATE ref_sensor_daily t SET pm25_limit_ugm3 = s.pm25_24h_limit_ugm3,
    pm25_iaqi = CASE WHEN pm25_valid THEN iaqi(t.standard_version, 'pm25', '24h', pm25_ugm3) END,
    pm10_iaqi = CASE WHEN pm10_valid THEN iaqi(t.standard_version, 'pm10', '24h', pm10_ugm3) END,
    no2_iaqi = CASE WHEN no2_valid THEN iaqi(t.standard_version, 'no2', '24h', no2_ugm3) END,
    so2_iaqi = CASE WHEN so2_valid THEN iaqi(t.standard_version, 'so2', '24h', so2_ugm3) END,
    co_iaqi = CASE WHEN co_valid THEN iaqi(t.standard_version, 'co', '24h', co_mgm3) END,
    o3_iaqi = CASE WHEN o3_8h_valid THEN CASE WHEN reported_concentration('o3', o3_8h_max_ugm3) > 800 THEN iaqi(t.standard_version, 'o3', '1h', o3_1h_max_ugm3) ELSE iaqi(t.standard_version, 'o3', '8h', o3_8h_max_ugm3) END END,
    pm25_exceeds_limit = CASE WHEN pm25_valid THEN reported_concentration('pm25', pm25_ugm3) > s.pm25_24h_limit_ugm3 END
FROM aq_standards s WHERE s.standard_version = t.standard_version;
UPDATE ref_sensor_daily SET aqi = greatest(pm25_iaqi, pm10_iaqi, no2_iaqi, so2_iaqi, o3_iaqi, co_iaqi);
UPDATE ref_sensor_daily SET aqi_category = aqi_category(aqi),
    primary_pollutants = CASE WHEN aqi > 50 THEN array_remove(ARRAY[CASE WHEN pm25_iaqi = aqi THEN 'pm25' END, CASE WHEN pm10_iaqi = aqi THEN 'pm10' END, CASE WHEN no2_iaqi = aqi THEN 'no2' END, CASE WHEN so2_iaqi = aqi THEN 'so2' END, CASE WHEN o3_iaqi = aqi THEN 'o3' END, CASE WHEN co_iaqi = aqi THEN 'co' END], NULL) END;

ALTER TABLE ref_district_daily ADD COLUMN standard_version text, ADD COLUMN pm25_limit_ugm3 real,
    ADD COLUMN pm25_iaqi smallint, ADD COLUMN pm10_iaqi smallint, ADD COLUMN no2_iaqi smallint, ADD COLUMN so2_iaqi smallint, ADD COLUMN o3_iaqi smallint, ADD COLUMN co_iaqi smallint, ADD COLUMN aqi smallint, ADD COLUMN aqi_category text, ADD COLUMN primary_pollutants text[], ADD COLUMN pm25_exceeds_limit boolean;
UPDATE ref_district_daily SET standard_version = aq_standard_on(day);
UPDATE ref_district_daily t SET pm25_limit_ugm3 = s.pm25_24h_limit_ugm3,
    pm25_iaqi = CASE WHEN pm25_valid THEN iaqi(t.standard_version, 'pm25', '24h', pm25_ugm3) END,
    pm10_iaqi = CASE WHEN pm10_valid THEN iaqi(t.standard_version, 'pm10', '24h', pm10_ugm3) END,
    no2_iaqi = CASE WHEN no2_valid THEN iaqi(t.standard_version, 'no2', '24h', no2_ugm3) END,
    so2_iaqi = CASE WHEN so2_valid THEN iaqi(t.standard_version, 'so2', '24h', so2_ugm3) END,
    co_iaqi = CASE WHEN co_valid THEN iaqi(t.standard_version, 'co', '24h', co_mgm3) END,
    o3_iaqi = CASE WHEN o3_8h_valid THEN CASE WHEN reported_concentration('o3', o3_8h_max_ugm3) > 800 THEN iaqi(t.standard_version, 'o3', '1h', o3_1h_max_ugm3) ELSE iaqi(t.standard_version, 'o3', '8h', o3_8h_max_ugm3) END END,
    pm25_exceeds_limit = CASE WHEN pm25_valid THEN reported_concentration('pm25', pm25_ugm3) > s.pm25_24h_limit_ugm3 END
FROM aq_standards s WHERE s.standard_version = t.standard_version;
UPDATE ref_district_daily SET aqi = greatest(pm25_iaqi, pm10_iaqi, no2_iaqi, so2_iaqi, o3_iaqi, co_iaqi);
UPDATE ref_district_daily SET aqi_category = aqi_category(aqi),
    primary_pollutants = CASE WHEN aqi > 50 THEN array_remove(ARRAY[CASE WHEN pm25_iaqi = aqi THEN 'pm25' END, CASE WHEN pm10_iaqi = aqi THEN 'pm10' END, CASE WHEN no2_iaqi = aqi THEN 'no2' END, CASE WHEN so2_iaqi = aqi THEN 'so2' END, CASE WHEN o3_iaqi = aqi THEN 'o3' END, CASE WHEN co_iaqi = aqi THEN 'co' END], NULL) END;

ALTER TABLE ref_city_daily ADD COLUMN standard_version text, ADD COLUMN pm25_limit_ugm3 real,
    ADD COLUMN pm25_iaqi smallint, ADD COLUMN pm10_iaqi smallint, ADD COLUMN no2_iaqi smallint, ADD COLUMN so2_iaqi smallint, ADD COLUMN o3_iaqi smallint, ADD COLUMN co_iaqi smallint, ADD COLUMN aqi smallint, ADD COLUMN aqi_category text, ADD COLUMN primary_pollutants text[], ADD COLUMN pm25_exceeds_limit boolean;
UPDATE ref_city_daily SET standard_version = aq_standard_on(day);
UPDATE ref_city_daily t SET pm25_limit_ugm3 = s.pm25_24h_limit_ugm3,
    pm25_iaqi = CASE WHEN pm25_valid THEN iaqi(t.standard_version, 'pm25', '24h', pm25_ugm3) END,
    pm10_iaqi = CASE WHEN pm10_valid THEN iaqi(t.standard_version, 'pm10', '24h', pm10_ugm3) END,
    no2_iaqi = CASE WHEN no2_valid THEN iaqi(t.standard_version, 'no2', '24h', no2_ugm3) END,
    so2_iaqi = CASE WHEN so2_valid THEN iaqi(t.standard_version, 'so2', '24h', so2_ugm3) END,
    co_iaqi = CASE WHEN co_valid THEN iaqi(t.standard_version, 'co', '24h', co_mgm3) END,
    o3_iaqi = CASE WHEN o3_8h_valid THEN CASE WHEN reported_concentration('o3', o3_8h_max_ugm3) > 800 THEN iaqi(t.standard_version, 'o3', '1h', o3_1h_max_ugm3) ELSE iaqi(t.standard_version, 'o3', '8h', o3_8h_max_ugm3) END END,
    pm25_exceeds_limit = CASE WHEN pm25_valid THEN reported_concentration('pm25', pm25_ugm3) > s.pm25_24h_limit_ugm3 END
FROM aq_standards s WHERE s.standard_version = t.standard_version;
UPDATE ref_city_daily SET aqi = greatest(pm25_iaqi, pm10_iaqi, no2_iaqi, so2_iaqi, o3_iaqi, co_iaqi);
UPDATE ref_city_daily SET aqi_category = aqi_category(aqi),
    primary_pollutants = CASE WHEN aqi > 50 THEN array_remove(ARRAY[CASE WHEN pm25_iaqi = aqi THEN 'pm25' END, CASE WHEN pm10_iaqi = aqi THEN 'pm10' END, CASE WHEN no2_iaqi = aqi THEN 'no2' END, CASE WHEN so2_iaqi = aqi THEN 'so2' END, CASE WHEN o3_iaqi = aqi THEN 'o3' END, CASE WHEN co_iaqi = aqi THEN 'co' END], NULL) END;

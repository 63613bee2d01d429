-- Issue 24 point 2: anomaly detection and attribution may read micro sensors' corrected PM2.5 (setting
-- Anomalies:Pm25). Each anomaly and each episode attribution says which PM2.5 it took and, when corrected, the
-- calibration versions behind it, so a finding can be traced to the fit that shaped it.

ALTER TABLE anomalies
    ADD COLUMN pm25_values text NOT NULL DEFAULT 'raw' CHECK (pm25_values IN ('raw', 'corrected')),
    ADD COLUMN calibration_versions jsonb;
COMMENT ON COLUMN anomalies.pm25_values IS 'Which micro-sensor PM2.5 the detector read (Anomalies:Pm25): raw, as reported; corrected, sensor_hourly_means.pm25_corrected_ugm3 (raw for an hour without a correction) and 15-minute means corrected with their hour''s calibration and humidity. Stations are always raw. Rows written before migration 0024 are raw.';
COMMENT ON COLUMN anomalies.calibration_versions IS 'When pm25_values is corrected: per sensor of the row, the sensor_calibrations versions of its corrected hours in [started_at, ended_at), e.g. {"M0012": [3]} (pm25_calibration_versions()); {} when none of those hours was corrected. NULL when raw.';

ALTER TABLE episode_attributions
    ADD COLUMN pm25_values text NOT NULL DEFAULT 'raw' CHECK (pm25_values IN ('raw', 'corrected')),
    ADD COLUMN calibration_versions jsonb;
COMMENT ON COLUMN episode_attributions.pm25_values IS 'Which micro-sensor PM2.5 attribution read for the episode and its baseline days (Anomalies:Pm25), as anomalies.pm25_values.';
COMMENT ON COLUMN episode_attributions.calibration_versions IS 'When pm25_values is corrected: per sensor of the episode, the calibration versions of its corrected hours in the episode, as anomalies.calibration_versions. NULL when raw.';

CREATE FUNCTION pm25_calibration_versions(sensor_ids text[], from_hour timestamptz, to_hour timestamptz)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_object_agg(v.sensor_id, v.versions), '{}'::jsonb)
    FROM (
        SELECT c.sensor_id, jsonb_agg(DISTINCT c.calibration_version ORDER BY c.calibration_version) AS versions
        FROM sensor_hourly_calibrated c
        WHERE c.sensor_id = ANY (sensor_ids) AND c.hour_start >= from_hour AND c.hour_start < to_hour
          AND c.pm25_corrected_ugm3 IS NOT NULL
        GROUP BY c.sensor_id
    ) v
$$;
COMMENT ON FUNCTION pm25_calibration_versions IS 'Per sensor of sensor_ids, the sorted calibration versions of its corrected hourly means (sensor_hourly_calibrated) in [from_hour, to_hour), as a JSON object sensor_id -> [versions]; {} when none.';
GRANT EXECUTE ON FUNCTION pm25_calibration_versions(text[], timestamptz, timestamptz) TO airq_analyst;

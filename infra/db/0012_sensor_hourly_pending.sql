-- sensor_hourly is no longer updated in every ingest transaction. Each batch appends its hourly sums to
-- sensor_hourly_pending, a table with no key that is only ever appended to; fold_sensor_hourly() moves them
-- into sensor_hourly and marks their hours for the daily aggregation. The ingest worker folds every few
-- seconds, and every reader of sensor_hourly in the pipeline (aggregation, anomalies, attribution, reports)
-- folds before it reads.
-- Why: a 5,000-reading batch touches about 350 sensor hours, and updating each in place cost 16 to 21 µs in
-- PostgreSQL, 2 to 3 µs of machine time per reading; a fold every few seconds updates each sensor hour once
-- for many batches (docs/benchmarks.md, "Results, 2026-12-02 (morning): the hourly roll-up, folded").
-- What stays the same: sensor_hourly and sensor_hourly_means, their columns and meaning. What changes: while a
-- worker runs, sensor_hourly may lag sensor_readings by a few seconds (at most IngestOptions.FoldInterval).
-- Nothing is lost: a batch's pending rows commit with its readings; a fold deletes what it adds in one
-- transaction, and concurrent folds never take the same row twice.

CREATE TABLE sensor_hourly_pending (
    sensor_id     text NOT NULL,
    hour_start    timestamptz NOT NULL,
    pm25_sum      double precision NOT NULL,
    pm25_readings integer NOT NULL,
    pm10_sum      double precision NOT NULL,
    pm10_readings integer NOT NULL,
    no2_sum       double precision NOT NULL,
    no2_readings  integer NOT NULL,
    so2_sum       double precision NOT NULL,
    so2_readings  integer NOT NULL,
    o3_sum        double precision NOT NULL,
    o3_readings   integer NOT NULL,
    co_sum        double precision NOT NULL,
    co_readings   integer NOT NULL
);
COMMENT ON TABLE sensor_hourly_pending IS 'Internal: hourly sums of stored readings not yet added to sensor_hourly (the same columns; several rows may share a sensor and hour). fold_sensor_hourly() empties it; read sensor_hourly or sensor_hourly_means instead.';

-- One fold at a time (a transaction-level advisory lock, held to the end of the caller's transaction):
-- several workers fold every few seconds, and two DELETEs scanning a large pending table from different
-- places (synchronised scans) could otherwise each wait for rows the other took. A later fold finds what the
-- first left. Sorted by key before the upsert, so sensor hours and marked hours are always locked in order.
-- Each statement of a volatile SQL function gets a new snapshot, so the DELETE sees every row committed
-- before the lock was granted.
CREATE FUNCTION fold_sensor_hourly() RETURNS bigint LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock(hashtext('fold_sensor_hourly'));
    WITH taken AS (
        DELETE FROM sensor_hourly_pending RETURNING *
    ), summed AS (
        SELECT sensor_id, hour_start,
               sum(pm25_sum) AS pm25_sum, sum(pm25_readings)::integer AS pm25_readings,
               sum(pm10_sum) AS pm10_sum, sum(pm10_readings)::integer AS pm10_readings,
               sum(no2_sum) AS no2_sum, sum(no2_readings)::integer AS no2_readings,
               sum(so2_sum) AS so2_sum, sum(so2_readings)::integer AS so2_readings,
               sum(o3_sum) AS o3_sum, sum(o3_readings)::integer AS o3_readings,
               sum(co_sum) AS co_sum, sum(co_readings)::integer AS co_readings
        FROM taken
        GROUP BY sensor_id, hour_start
    ), added AS (
        INSERT INTO sensor_hourly AS h (sensor_id, hour_start, pm25_sum, pm25_readings, pm10_sum, pm10_readings,
                                        no2_sum, no2_readings, so2_sum, so2_readings, o3_sum, o3_readings, co_sum, co_readings)
        SELECT * FROM summed ORDER BY sensor_id, hour_start
        ON CONFLICT (sensor_id, hour_start) DO UPDATE SET
            pm25_sum = h.pm25_sum + excluded.pm25_sum, pm25_readings = h.pm25_readings + excluded.pm25_readings,
            pm10_sum = h.pm10_sum + excluded.pm10_sum, pm10_readings = h.pm10_readings + excluded.pm10_readings,
            no2_sum = h.no2_sum + excluded.no2_sum, no2_readings = h.no2_readings + excluded.no2_readings,
            so2_sum = h.so2_sum + excluded.so2_sum, so2_readings = h.so2_readings + excluded.so2_readings,
            o3_sum = h.o3_sum + excluded.o3_sum, o3_readings = h.o3_readings + excluded.o3_readings,
            co_sum = h.co_sum + excluded.co_sum, co_readings = h.co_readings + excluded.co_readings,
            updated_at = now()
        RETURNING 1
    ), marked AS (
        INSERT INTO aggregation_dirty_hours AS d (hour_start)
        SELECT DISTINCT hour_start FROM summed ORDER BY 1
        ON CONFLICT (hour_start) DO UPDATE SET generation = d.generation + 1
    )
    SELECT count(*) FROM added;
$$;
COMMENT ON FUNCTION fold_sensor_hourly IS 'Adds the pending hourly sums (sensor_hourly_pending) to sensor_hourly, marks their hours for the daily aggregation, and returns how many sensor hours it added to. Safe to run at any time and from several sessions at once (they take turns, through an advisory lock held until the caller''s transaction ends); run it in READ COMMITTED (the default).';

-- The worker appends and folds; the aggregation folds before it reads and, rebuilding hours from the raw
-- readings, appends their sums and folds them too. Analysts read sensor_hourly, never the pending rows.
REVOKE EXECUTE ON FUNCTION fold_sensor_hourly() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fold_sensor_hourly() TO airq_ingest, airq_analytics;
GRANT SELECT, INSERT, DELETE ON sensor_hourly_pending TO airq_ingest, airq_analytics;

-- Time series: sensor readings and pollution-source telemetry.
-- With TimescaleDB (extension available and preloaded, and airq.timescale not 'off'): hypertables with
-- compression and optional retention. Without it: native range partitions by month (UTC), created ahead by
-- ensure_monthly_partitions(). The table and column names are the same either way.
-- No foreign keys to sensors/pollution_sources: a per-row check would cost a third of COPY throughput, and the
-- ingest worker already admits only ids in the registry (others are dead-lettered as unknown_sensor/unknown_source).
-- Settings come from session variables set by `airq db migrate`: airq.timescale, airq.chunk_interval,
-- airq.compress_after, airq.retain_for, airq.partition_months_ahead.

CREATE FUNCTION ensure_monthly_partitions(parent regclass, from_time timestamptz, to_time timestamptz)
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    month_start timestamp := date_trunc('month', from_time AT TIME ZONE 'UTC');
    last_month  timestamp := date_trunc('month', to_time AT TIME ZONE 'UTC');
    created     integer := 0;
    partition   text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = parent) THEN
        RETURN 0; -- a hypertable (or plain table) needs no partitions made ahead
    END IF;
    IF last_month - month_start > interval '10 years' THEN
        RAISE EXCEPTION 'ensure_monthly_partitions: % to % spans more than 10 years', from_time, to_time;
    END IF;
    WHILE month_start <= last_month LOOP
        partition := format('%s_y%sm%s', parent::text, to_char(month_start, 'YYYY'), to_char(month_start, 'MM'));
        IF to_regclass(partition) IS NULL THEN
            BEGIN
                EXECUTE format('CREATE TABLE %I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                    partition, parent,
                    (month_start AT TIME ZONE 'UTC'), ((month_start + interval '1 month') AT TIME ZONE 'UTC'));
                created := created + 1;
            EXCEPTION WHEN duplicate_table THEN
                NULL; -- another worker created it a moment ago
            END;
        END IF;
        month_start := month_start + interval '1 month';
    END LOOP;
    RETURN created;
END $$;
COMMENT ON FUNCTION ensure_monthly_partitions IS 'Plain PostgreSQL only: creates the monthly (UTC) partitions of a time-series table covering from_time to to_time; returns how many it created. A no-op on hypertables.';

CREATE FUNCTION timescale_wanted() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('airq.timescale', true), 'auto') <> 'off'
       AND EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
       AND current_setting('shared_preload_libraries') LIKE '%timescaledb%'
$$;

DO $$
DECLARE
    use_timescale boolean := timescale_wanted();
    reading_columns text := $cols$
        sensor_id             text NOT NULL,
        observed_at           timestamptz NOT NULL,
        pm25_ugm3             real,
        pm10_ugm3             real,
        no2_ugm3              real,
        so2_ugm3              real,
        o3_ugm3               real,
        co_mgm3               real,
        temperature_c         real,
        relative_humidity_pct real,
        wind_speed_ms         real,
        wind_direction_deg    real,
        pressure_hpa          real,
        ingested_at           timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (sensor_id, observed_at)
    $cols$;
    telemetry_columns text := $cols$
        source_id          text NOT NULL,
        observed_at        timestamptz NOT NULL,
        particulate_mgm3   real,
        so2_mgm3           real,
        nox_mgm3           real,
        flue_gas_flow_m3h  real,
        operating_status   text CHECK (operating_status IN ('running', 'stopped', 'startup', 'maintenance')),
        ingested_at        timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source_id, observed_at)
    $cols$;
    chunk_interval interval := coalesce(nullif(current_setting('airq.chunk_interval', true), ''), '7 days')::interval;
    compress_after interval := coalesce(nullif(current_setting('airq.compress_after', true), ''), '30 days')::interval;
    retain_for     interval := coalesce(nullif(current_setting('airq.retain_for', true), ''), '0')::interval;
    months_ahead   integer  := coalesce(nullif(current_setting('airq.partition_months_ahead', true), ''), '3')::integer;
    t record;
BEGIN
    IF use_timescale THEN
        CREATE EXTENSION IF NOT EXISTS timescaledb;
        EXECUTE format('CREATE TABLE sensor_readings (%s)', reading_columns);
        EXECUTE format('CREATE TABLE source_telemetry (%s)', telemetry_columns);
        FOR t IN SELECT * FROM (VALUES ('sensor_readings', 'sensor_id'), ('source_telemetry', 'source_id')) AS v(tbl, segment) LOOP
            PERFORM create_hypertable(t.tbl::regclass, 'observed_at', chunk_time_interval => chunk_interval);
            EXECUTE format('ALTER TABLE %I SET (timescaledb.compress, timescaledb.compress_segmentby = %L, timescaledb.compress_orderby = %L)',
                t.tbl, t.segment, 'observed_at DESC');
            PERFORM add_compression_policy(t.tbl::regclass, compress_after);
            IF retain_for > interval '0' THEN
                PERFORM add_retention_policy(t.tbl::regclass, retain_for);
            END IF;
        END LOOP;
    ELSE
        EXECUTE format('CREATE TABLE sensor_readings (%s) PARTITION BY RANGE (observed_at)', reading_columns);
        EXECUTE format('CREATE TABLE source_telemetry (%s) PARTITION BY RANGE (observed_at)', telemetry_columns);
        PERFORM ensure_monthly_partitions('sensor_readings', now() - interval '13 months', now() + make_interval(months => months_ahead));
        PERFORM ensure_monthly_partitions('source_telemetry', now() - interval '13 months', now() + make_interval(months => months_ahead));
        -- create_hypertable makes this index itself; partitioned tables need it for time-range scans.
        CREATE INDEX sensor_readings_observed_at_idx ON sensor_readings (observed_at DESC);
        CREATE INDEX source_telemetry_observed_at_idx ON source_telemetry (observed_at DESC);
    END IF;
END $$;

COMMENT ON TABLE sensor_readings IS 'Raw sensor readings, one row per (sensor_id, observed_at); a repeated reading is never stored twice. observed_at is the end of the averaging interval. sensor_id is a sensors.sensor_id (checked by the ingest worker, not by a foreign key, for write speed).';
COMMENT ON COLUMN sensor_readings.pm25_ugm3 IS 'PM2.5, µg/m³';
COMMENT ON COLUMN sensor_readings.pm10_ugm3 IS 'PM10, µg/m³';
COMMENT ON COLUMN sensor_readings.no2_ugm3 IS 'NO2, µg/m³';
COMMENT ON COLUMN sensor_readings.so2_ugm3 IS 'SO2, µg/m³';
COMMENT ON COLUMN sensor_readings.o3_ugm3 IS 'O3, µg/m³';
COMMENT ON COLUMN sensor_readings.co_mgm3 IS 'CO, mg/m³';
COMMENT ON COLUMN sensor_readings.temperature_c IS 'Air temperature, °C';
COMMENT ON COLUMN sensor_readings.relative_humidity_pct IS 'Relative humidity, %';
COMMENT ON COLUMN sensor_readings.wind_speed_ms IS 'Wind speed, m/s';
COMMENT ON COLUMN sensor_readings.wind_direction_deg IS 'Wind direction, degrees clockwise from north, the direction the wind blows from';
COMMENT ON COLUMN sensor_readings.pressure_hpa IS 'Air pressure, hPa';
COMMENT ON COLUMN sensor_readings.ingested_at IS 'When the ingest worker stored the row';
COMMENT ON TABLE source_telemetry IS 'Continuous emission monitoring of pollution sources, one row per (source_id, observed_at). source_id is a pollution_sources.source_id (checked by the ingest worker, not by a foreign key).';
COMMENT ON COLUMN source_telemetry.particulate_mgm3 IS 'Particulate concentration in flue gas, mg/m³';
COMMENT ON COLUMN source_telemetry.so2_mgm3 IS 'SO2 concentration in flue gas, mg/m³';
COMMENT ON COLUMN source_telemetry.nox_mgm3 IS 'NOx concentration in flue gas, mg/m³';
COMMENT ON COLUMN source_telemetry.flue_gas_flow_m3h IS 'Flue gas flow, m³/h';
COMMENT ON COLUMN source_telemetry.operating_status IS 'running, stopped, startup or maintenance';

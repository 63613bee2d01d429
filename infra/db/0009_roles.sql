-- Database roles: what each part of the pipeline may do. Three group roles without login; logins are made
-- members of them with `airq db grant-analyst NAME` and `airq db grant-worker NAME --role ingest|analytics`.
--
--   airq_ingest     the ingest worker: reads the registry, writes the raw time series, the hourly sums and
--                   their dirty marks, its offsets and its status row. Nothing else.
--   airq_analytics  aggregation, anomalies, attribution and reports: reads every table, writes the derived
--                   tables (hourly sums when rebuilding, daily figures, anomalies, attribution, reports).
--                   It cannot write the registry, the raw time series or the ingest bookkeeping.
--   airq_analyst    people in SQL: reads the tables and views documented in docs/sql.md ("What to query"),
--                   and nothing else; no writes, no DDL, no temporary tables.
--
-- Roles belong to the whole server while this file runs once per database, so they are created only when
-- missing (several databases of one server, as in the tests, share them). Grants are per database.
-- A later migration that creates a table must grant on it (docs/schema.md, "Migrations"); future tables are
-- readable by airq_analytics through the default privileges below, nothing more.

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['airq_ingest', 'airq_analytics', 'airq_analyst'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL; -- another database's migration created it a moment ago
            END;
        END IF;
    END LOOP;
END $$;

-- Nobody but the owner creates objects in the schema (PostgreSQL 15's default; older servers granted it to all).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO airq_ingest, airq_analytics, airq_analyst;

-- Temporary tables: the ingest worker stages a replayed batch in one; analysts get none.
DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO airq_ingest, airq_analytics', current_database());
END $$;

-- Internal functions are not for everyone (PostgreSQL lets PUBLIC execute any new function).
REVOKE EXECUTE ON FUNCTION ensure_monthly_partitions(regclass, timestamptz, timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION timescale_wanted() FROM PUBLIC;
-- Creating a partition needs the parent's owner: the function runs as its owner (the schema owner), so the
-- ingest worker can make next month's partition without owning the table. It creates only monthly partitions
-- of a partitioned table, with a name derived from the parent, and refuses spans over 10 years.
ALTER FUNCTION ensure_monthly_partitions(regclass, timestamptz, timestamptz) SECURITY DEFINER SET search_path = public, pg_temp;
GRANT EXECUTE ON FUNCTION ensure_monthly_partitions(regclass, timestamptz, timestamptz) TO airq_ingest;

-- airq_ingest. schema_migrations: every command checks that the schema is up to date before it starts.
GRANT SELECT ON districts, townships, sensors, pollution_sources, enforcement_teams, enforcement_team_districts, schema_migrations TO airq_ingest;
-- RETURNING and the staging table (CREATE TEMP TABLE ... LIKE) read the time-series tables' keys.
GRANT SELECT, INSERT ON sensor_readings, source_telemetry TO airq_ingest;
-- Upserts (ON CONFLICT DO UPDATE) read the row they update.
GRANT SELECT, INSERT, UPDATE ON sensor_hourly, aggregation_dirty_hours, ingest_offsets, ingest_workers TO airq_ingest;

-- airq_analytics: reads everything, writes the derived tables. The list of what it may not write is explicit;
-- every other table that exists now (including any a report migration numbered before this one created) is
-- derived output.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO airq_analytics;
DO $$
DECLARE
    t regclass;
BEGIN
    FOR t IN
        SELECT c.oid::regclass FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND c.relname NOT IN ('districts', 'townships', 'sensors', 'pollution_sources', 'enforcement_teams',
                                'enforcement_team_districts', 'sensor_readings', 'source_telemetry', 'ingest_offsets',
                                'ingest_workers', 'schema_migrations', 'aq_standards', 'aq_iaqi_breakpoints',
                                'simulation_incidents')
    LOOP
        EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %s TO airq_analytics', t);
    END LOOP;
END $$;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO airq_analytics;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO airq_analytics;

-- airq_analyst: the tables and views of docs/sql.md, "What to query" (a test compares the two).
GRANT SELECT ON districts, townships, sensors, pollution_sources, enforcement_teams, enforcement_team_districts,
    sensor_readings, source_telemetry, sensor_hourly, sensor_hourly_means, sensor_daily, district_daily, city_daily,
    pm25_year_to_date, pm25_month_to_date, aq_standards, aq_iaqi_breakpoints, anomalies,
    episode_attributions, source_flags, enforcement_outcomes
    TO airq_analyst;
GRANT EXECUTE ON FUNCTION year_over_year(text, date, date, double precision), iaqi(text, text, text, double precision),
    aqi_category(integer), aq_standard_on(date) TO airq_analyst;


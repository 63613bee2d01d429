-- Aggregation: hourly partial sums kept by the ingest worker, daily figures with validity, AQI and
-- exceedances by the aggregation stage (`airq aggregate`), and year-over-year comparisons for analysts.
-- Pollutant columns use the same names and units as sensor_readings: pm25, pm10, no2, so2, o3 in µg/m³,
-- co in mg/m³. Local days are in the city's time zone (aggregation setting TimeZone, Asia/Shanghai by default).

-- Air-quality standards are dated reference data: each day is judged by the version in force on that day.
CREATE TABLE aq_standards (
    standard_version       text PRIMARY KEY,
    effective_from         date NOT NULL,
    effective_until        date,
    aqi_regulation         text NOT NULL,
    ambient_standard       text NOT NULL,
    pm25_24h_limit_ugm3    real NOT NULL CHECK (pm25_24h_limit_ugm3 > 0),
    pm25_annual_limit_ugm3 real NOT NULL CHECK (pm25_annual_limit_ugm3 > 0),
    CHECK (effective_until IS NULL OR effective_until > effective_from),
    EXCLUDE USING gist (daterange(effective_from, effective_until) WITH &&)
);
COMMENT ON TABLE aq_standards IS 'Versions of the national AQI regulation (HJ 633) and ambient standard (GB 3095, Grade II limits), each in force for local days effective_from (inclusive) to effective_until (exclusive; NULL: open). Every stored AQI or exceedance records the version it used.';
COMMENT ON COLUMN aq_standards.pm25_24h_limit_ugm3 IS 'Grade II 24-hour PM2.5 limit, µg/m³; a day above it is an exceedance day.';
COMMENT ON COLUMN aq_standards.pm25_annual_limit_ugm3 IS 'Grade II annual PM2.5 limit, µg/m³.';

CREATE TABLE aq_iaqi_breakpoints (
    standard_version text NOT NULL REFERENCES aq_standards,
    pollutant        text NOT NULL CHECK (pollutant IN ('pm25', 'pm10', 'no2', 'so2', 'o3', 'co')),
    averaging        text NOT NULL CHECK (averaging IN ('24h', '8h', '1h')),
    iaqi             smallint NOT NULL CHECK (iaqi BETWEEN 0 AND 500),
    concentration    double precision NOT NULL CHECK (concentration >= 0),
    PRIMARY KEY (standard_version, pollutant, averaging, iaqi)
);
COMMENT ON TABLE aq_iaqi_breakpoints IS 'IAQI breakpoints: the concentration (µg/m³; CO mg/m³) at which a pollutant''s individual AQI reaches iaqi, for an averaging period. Between breakpoints the IAQI is linear, rounded up to a whole number.';

INSERT INTO aq_standards VALUES
    ('2012',        '1900-01-01', '2026-03-01', 'HJ 633-2012', 'GB 3095-2012 Grade II', 75, 35),
    ('2026-phase1', '2026-03-01', '2031-01-01', 'HJ 633-2026', 'GB 3095-2026 Grade II, phase 1 (to the end of 2030)', 60, 30),
    ('2026-phase2', '2031-01-01', NULL,         'HJ 633-2026', 'GB 3095-2026 Grade II, phase 2 (from 2031)', 50, 25);

-- HJ 633-2012 table 1. HJ 633-2026 lowers the IAQI-100 breakpoint of PM2.5 to 60 and of PM10 to 120; the rest is unchanged.
INSERT INTO aq_iaqi_breakpoints (standard_version, pollutant, averaging, iaqi, concentration)
SELECT v.standard_version, b.pollutant, b.averaging, b.iaqi,
       CASE WHEN v.standard_version <> '2012' AND b.iaqi = 100 AND b.pollutant = 'pm25' THEN 60
            WHEN v.standard_version <> '2012' AND b.iaqi = 100 AND b.pollutant = 'pm10' THEN 120
            ELSE b.concentration END
FROM aq_standards v
CROSS JOIN (
    SELECT p.pollutant, p.averaging, x.iaqi, x.concentration
    FROM (VALUES
        ('so2',  '24h', ARRAY[0, 50, 150, 475, 800, 1600, 2100, 2620]),
        ('no2',  '24h', ARRAY[0, 40, 80, 180, 280, 565, 750, 940]),
        ('pm10', '24h', ARRAY[0, 50, 150, 250, 350, 420, 500, 600]),
        ('co',   '24h', ARRAY[0, 2, 4, 14, 24, 36, 48, 60]),
        ('o3',   '1h',  ARRAY[0, 160, 200, 300, 400, 800, 1000, 1200]),
        ('o3',   '8h',  ARRAY[0, 100, 160, 215, 265, 800]),
        ('pm25', '24h', ARRAY[0, 35, 75, 115, 150, 250, 350, 500])
    ) AS p(pollutant, averaging, concentrations)
    CROSS JOIN LATERAL unnest(p.concentrations, ARRAY[0, 50, 100, 150, 200, 300, 400, 500]) AS x(concentration, iaqi)
    WHERE x.concentration IS NOT NULL
) b;

CREATE FUNCTION aq_standard_on(local_day date) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT standard_version FROM aq_standards
    WHERE effective_from <= local_day AND (effective_until IS NULL OR local_day < effective_until)
$$;
COMMENT ON FUNCTION aq_standard_on IS 'The standard_version in force on a local day.';

CREATE FUNCTION iaqi(standard_version text, pollutant text, averaging text, concentration double precision)
RETURNS smallint LANGUAGE sql STABLE AS $$
    -- Linear between the breakpoints around the concentration, rounded up (HJ 633: IAQI is a whole number,
    -- any fraction raised). Above the top breakpoint the IAQI is the top one (500; 300 for O3 8-hour, where
    -- HJ 633 has the 1-hour O3 IAQI reported instead, which the daily AQI does).
    SELECT CASE WHEN iaqi.concentration IS NULL OR iaqi.concentration < 0 THEN NULL
                WHEN hi.iaqi IS NULL THEN (SELECT max(t.iaqi) FROM aq_iaqi_breakpoints t
                                           WHERE t.standard_version = iaqi.standard_version AND t.pollutant = iaqi.pollutant AND t.averaging = iaqi.averaging)
                WHEN iaqi.concentration = 0 THEN 0::smallint
                ELSE ceil(lo.iaqi + (hi.iaqi - lo.iaqi) * (iaqi.concentration - lo.concentration) / (hi.concentration - lo.concentration))::smallint END
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
        SELECT b.iaqi, b.concentration FROM aq_iaqi_breakpoints b
        WHERE b.standard_version = iaqi.standard_version AND b.pollutant = iaqi.pollutant AND b.averaging = iaqi.averaging
          AND b.concentration >= iaqi.concentration AND b.iaqi > 0
        ORDER BY b.iaqi LIMIT 1
    ) hi ON true
    LEFT JOIN LATERAL (
        SELECT b.iaqi, b.concentration FROM aq_iaqi_breakpoints b
        WHERE b.standard_version = iaqi.standard_version AND b.pollutant = iaqi.pollutant AND b.averaging = iaqi.averaging
          AND b.iaqi < hi.iaqi
        ORDER BY b.iaqi DESC LIMIT 1
    ) lo ON true
$$;
COMMENT ON FUNCTION iaqi IS 'Individual AQI of a concentration (µg/m³; CO mg/m³) under a standard_version and averaging period (24h, 8h, 1h), rounded up; the top IAQI above the top breakpoint.';

CREATE FUNCTION aqi_category(aqi integer) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN aqi IS NULL THEN NULL
                WHEN aqi <= 50 THEN 'excellent' WHEN aqi <= 100 THEN 'good'
                WHEN aqi <= 150 THEN 'lightly_polluted' WHEN aqi <= 200 THEN 'moderately_polluted'
                WHEN aqi <= 300 THEN 'heavily_polluted' ELSE 'severely_polluted' END
$$;
COMMENT ON FUNCTION aqi_category IS 'HJ 633 AQI category: excellent (0-50, 优), good (51-100, 良), lightly_polluted (101-150), moderately_polluted (151-200), heavily_polluted (201-300), severely_polluted (>300).';

-- Hourly partial aggregates: sums and counts, mergeable, so a batch of readings (on time or days late) is
-- added to its hours in the same transaction that stores it, and nobody has to read the raw rows again.
DO $$
BEGIN
    CREATE TABLE sensor_hourly (
        sensor_id     text NOT NULL,
        hour_start    timestamptz NOT NULL,
        pm25_sum      double precision NOT NULL DEFAULT 0,
        pm25_readings integer NOT NULL DEFAULT 0,
        pm10_sum      double precision NOT NULL DEFAULT 0,
        pm10_readings integer NOT NULL DEFAULT 0,
        no2_sum       double precision NOT NULL DEFAULT 0,
        no2_readings  integer NOT NULL DEFAULT 0,
        so2_sum       double precision NOT NULL DEFAULT 0,
        so2_readings  integer NOT NULL DEFAULT 0,
        o3_sum        double precision NOT NULL DEFAULT 0,
        o3_readings   integer NOT NULL DEFAULT 0,
        co_sum        double precision NOT NULL DEFAULT 0,
        co_readings   integer NOT NULL DEFAULT 0,
        updated_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (sensor_id, hour_start)
    );
    IF timescale_wanted() THEN
        PERFORM create_hypertable('sensor_hourly', 'hour_start', chunk_time_interval => interval '30 days');
    END IF;
END $$;
COMMENT ON TABLE sensor_hourly IS 'Per sensor and UTC hour: the sum and count of each pollutant''s readings with observed_at in (hour_start, hour_start + 1 hour]. Kept by the ingest worker in the same transaction as sensor_readings; read it through sensor_hourly_means.';
COMMENT ON COLUMN sensor_hourly.pm25_sum IS 'Sum of PM2.5 readings in the hour, µg/m³ (the mean is pm25_sum / pm25_readings).';
COMMENT ON COLUMN sensor_hourly.co_sum IS 'Sum of CO readings in the hour, mg/m³.';

CREATE VIEW sensor_hourly_means AS
SELECT h.sensor_id, s.district_id, h.hour_start,
       (h.pm25_sum / nullif(h.pm25_readings, 0))::real AS pm25_ugm3, h.pm25_readings, h.pm25_readings * s.reporting_interval_s >= 2700 AS pm25_valid,
       (h.pm10_sum / nullif(h.pm10_readings, 0))::real AS pm10_ugm3, h.pm10_readings, h.pm10_readings * s.reporting_interval_s >= 2700 AS pm10_valid,
       (h.no2_sum / nullif(h.no2_readings, 0))::real AS no2_ugm3, h.no2_readings, h.no2_readings * s.reporting_interval_s >= 2700 AS no2_valid,
       (h.so2_sum / nullif(h.so2_readings, 0))::real AS so2_ugm3, h.so2_readings, h.so2_readings * s.reporting_interval_s >= 2700 AS so2_valid,
       (h.o3_sum / nullif(h.o3_readings, 0))::real AS o3_ugm3, h.o3_readings, h.o3_readings * s.reporting_interval_s >= 2700 AS o3_valid,
       (h.co_sum / nullif(h.co_readings, 0))::real AS co_mgm3, h.co_readings, h.co_readings * s.reporting_interval_s >= 2700 AS co_valid,
       3600 / s.reporting_interval_s AS expected_readings
FROM sensor_hourly h JOIN sensors s USING (sensor_id);
COMMENT ON VIEW sensor_hourly_means IS 'Hourly means per sensor and pollutant. hour_start is UTC; the hour covers readings observed in (hour_start, hour_start + 1 hour]. An hourly mean is valid when its readings cover at least 45 minutes (readings × the sensor''s reporting_interval_s ≥ 2,700 s); invalid hours are kept here but left out of daily means.';

-- Hours whose sums changed since the aggregation last ran; the ingest worker marks them, `airq aggregate`
-- recomputes the local days they fall in and removes the marks it has dealt with.
CREATE TABLE aggregation_dirty_hours (
    hour_start timestamptz PRIMARY KEY,
    generation bigint NOT NULL DEFAULT 1
);
COMMENT ON TABLE aggregation_dirty_hours IS 'Internal: UTC hours with new readings not yet reflected in the daily tables. generation rises on every new mark, so a mark added while the aggregation runs is not lost.';

CREATE TABLE aggregation_runs (
    run_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz NOT NULL,
    time_zone       text NOT NULL,
    days            integer NOT NULL,
    first_day       date,
    last_day        date,
    hourly_rows     bigint NOT NULL,
    sensor_days     bigint NOT NULL
);
COMMENT ON TABLE aggregation_runs IS 'Each run of the aggregation: which local days it recomputed and how many hourly rows it read.';

-- Daily figures. The same pollutant columns at every level; a sensor's daily mean is the mean of its valid
-- hourly means and is valid with at least 20 of them; an area's daily mean is the mean of the valid sensor
-- daily means in it. AQI is the daily AQI (24-hour means, and O3 as its daily maximum 8-hour mean).
CREATE TABLE sensor_daily (
    sensor_id            text NOT NULL,
    day                  date NOT NULL,
    district_id          text NOT NULL,
    pm25_ugm3            real,
    pm25_valid_hours     smallint NOT NULL,
    pm25_valid           boolean NOT NULL,
    pm10_ugm3            real,
    pm10_valid_hours     smallint NOT NULL,
    pm10_valid           boolean NOT NULL,
    no2_ugm3             real,
    no2_valid_hours      smallint NOT NULL,
    no2_valid            boolean NOT NULL,
    so2_ugm3             real,
    so2_valid_hours      smallint NOT NULL,
    so2_valid            boolean NOT NULL,
    co_mgm3              real,
    co_valid_hours       smallint NOT NULL,
    co_valid             boolean NOT NULL,
    o3_ugm3              real,
    o3_valid_hours       smallint NOT NULL,
    o3_valid             boolean NOT NULL,
    o3_8h_max_ugm3       real,
    o3_8h_valid_windows  smallint NOT NULL,
    o3_8h_valid          boolean NOT NULL,
    o3_1h_max_ugm3       real,
    expected_readings    integer NOT NULL,
    pm25_readings        integer NOT NULL,
    aqi                  smallint,
    aqi_category         text,
    primary_pollutants   text[],
    pm25_iaqi            smallint,
    pm10_iaqi            smallint,
    no2_iaqi             smallint,
    so2_iaqi             smallint,
    co_iaqi              smallint,
    o3_iaqi              smallint,
    pm25_limit_ugm3      real NOT NULL,
    pm25_exceeds_limit   boolean,
    standard_version     text NOT NULL REFERENCES aq_standards,
    computed_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sensor_id, day)
);
CREATE INDEX sensor_daily_day_idx ON sensor_daily (day, district_id);

CREATE TABLE district_daily (
    district_id          text NOT NULL,
    day                  date NOT NULL,
    sensors              integer NOT NULL,
    pm25_ugm3            real,
    pm25_sensors         integer NOT NULL,
    pm25_valid           boolean NOT NULL,
    pm10_ugm3            real,
    pm10_sensors         integer NOT NULL,
    pm10_valid           boolean NOT NULL,
    no2_ugm3             real,
    no2_sensors          integer NOT NULL,
    no2_valid            boolean NOT NULL,
    so2_ugm3             real,
    so2_sensors          integer NOT NULL,
    so2_valid            boolean NOT NULL,
    co_mgm3              real,
    co_sensors           integer NOT NULL,
    co_valid             boolean NOT NULL,
    o3_8h_max_ugm3       real,
    o3_8h_sensors        integer NOT NULL,
    o3_8h_valid          boolean NOT NULL,
    o3_1h_max_ugm3       real,
    aqi                  smallint,
    aqi_category         text,
    primary_pollutants   text[],
    pm25_iaqi            smallint,
    pm10_iaqi            smallint,
    no2_iaqi             smallint,
    so2_iaqi             smallint,
    co_iaqi              smallint,
    o3_iaqi              smallint,
    pm25_limit_ugm3      real NOT NULL,
    pm25_exceeds_limit   boolean,
    standard_version     text NOT NULL REFERENCES aq_standards,
    computed_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (district_id, day)
);

CREATE TABLE city_daily (LIKE district_daily INCLUDING ALL);
ALTER TABLE city_daily DROP COLUMN district_id;
ALTER TABLE city_daily ADD PRIMARY KEY (day);
ALTER TABLE city_daily ADD FOREIGN KEY (standard_version) REFERENCES aq_standards;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['sensor_daily', 'district_daily', 'city_daily'] LOOP
        EXECUTE format($c$
            COMMENT ON COLUMN %1$I.day IS 'Local day in the city''s time zone; covers the hours starting at its local midnight to the next.';
            COMMENT ON COLUMN %1$I.pm25_ugm3 IS 'Daily mean PM2.5, µg/m³ (stored even when not valid).';
            COMMENT ON COLUMN %1$I.co_mgm3 IS 'Daily mean CO, mg/m³.';
            COMMENT ON COLUMN %1$I.o3_8h_max_ugm3 IS 'Daily maximum 8-hour moving mean of O3, µg/m³ (windows ending 08:00 to 24:00; a window needs 6 valid hours, the day 14 valid windows).';
            COMMENT ON COLUMN %1$I.o3_1h_max_ugm3 IS 'Daily maximum valid hourly O3 mean, µg/m³; used for the O3 IAQI when the 8-hour maximum exceeds 800.';
            COMMENT ON COLUMN %1$I.aqi IS 'Daily AQI: the largest IAQI of the valid pollutants (NULL when none is valid).';
            COMMENT ON COLUMN %1$I.aqi_category IS 'See aqi_category(): excellent, good, lightly_polluted, moderately_polluted, heavily_polluted, severely_polluted.';
            COMMENT ON COLUMN %1$I.primary_pollutants IS 'Pollutants whose IAQI equals the AQI, when the AQI is above 50 (HJ 633); NULL otherwise.';
            COMMENT ON COLUMN %1$I.pm25_limit_ugm3 IS 'The Grade II 24-hour PM2.5 limit in force that day (from aq_standards).';
            COMMENT ON COLUMN %1$I.pm25_exceeds_limit IS 'Whether the valid daily PM2.5 mean is above pm25_limit_ugm3; NULL when the day is not valid.';
            COMMENT ON COLUMN %1$I.standard_version IS 'The aq_standards version in force that day, used for the IAQI, AQI and limit.';
        $c$, t);
    END LOOP;
END $$;
COMMENT ON TABLE sensor_daily IS 'Daily figures per sensor and local day. A pollutant''s daily mean is the mean of its valid hourly means and is valid with at least 20 valid hours; expected_readings is what the sensor should have sent (from reporting_interval_s), pm25_readings what it did.';
COMMENT ON TABLE district_daily IS 'Daily figures per district: the mean of the valid sensor daily means. sensors: registered sensors in the district; <pollutant>_sensors: valid sensor days used. PM2.5 is valid when at least half of the registered sensors have a valid day; other pollutants when at least half of the sensors that reported them that day do.';
COMMENT ON TABLE city_daily IS 'Daily figures for the whole city, computed like district_daily over every sensor.';

-- Hourly sums for readings stored before this migration, so upgrading keeps history aggregated.
INSERT INTO sensor_hourly (sensor_id, hour_start, pm25_sum, pm25_readings, pm10_sum, pm10_readings, no2_sum, no2_readings,
                           so2_sum, so2_readings, o3_sum, o3_readings, co_sum, co_readings)
SELECT sensor_id, date_bin('1 hour', observed_at - interval '1 microsecond', timestamptz '2000-01-01 00:00:00+00'),
       coalesce(sum(pm25_ugm3::float8), 0), count(pm25_ugm3), coalesce(sum(pm10_ugm3::float8), 0), count(pm10_ugm3),
       coalesce(sum(no2_ugm3::float8), 0), count(no2_ugm3), coalesce(sum(so2_ugm3::float8), 0), count(so2_ugm3),
       coalesce(sum(o3_ugm3::float8), 0), count(o3_ugm3), coalesce(sum(co_mgm3::float8), 0), count(co_mgm3)
FROM sensor_readings
GROUP BY 1, 2;
INSERT INTO aggregation_dirty_hours (hour_start) SELECT DISTINCT hour_start FROM sensor_hourly;

-- Year over year: a pollutant's mean over a range of local days against the same range a year earlier.
CREATE FUNCTION year_over_year(pollutant text, from_day date, to_day date, min_valid_share double precision DEFAULT 324.0 / 365)
RETURNS TABLE (
    level                 text,
    area_id               text,
    area_name             text,
    days                  integer,
    mean_this             double precision,
    valid_days_this       integer,
    exceedance_days_this  integer,
    standards_this        text[],
    days_last             integer,
    mean_last             double precision,
    valid_days_last       integer,
    exceedance_days_last  integer,
    standards_last        text[],
    change                double precision,
    change_pct            double precision,
    comparable            boolean
)
LANGUAGE sql STABLE AS $$
    WITH periods AS (
        SELECT 'this' AS side, year_over_year.from_day AS first_day, year_over_year.to_day AS last_day
        UNION ALL
        SELECT 'last', (year_over_year.from_day - interval '1 year')::date, (year_over_year.to_day - interval '1 year')::date
    ), area_days AS (
        SELECT 'city' AS level, 'city' AS area_id, day, standard_version, pm25_exceeds_limit,
               CASE year_over_year.pollutant WHEN 'pm25' THEN pm25_ugm3 WHEN 'pm10' THEN pm10_ugm3 WHEN 'no2' THEN no2_ugm3
                    WHEN 'so2' THEN so2_ugm3 WHEN 'co' THEN co_mgm3 WHEN 'o3' THEN o3_8h_max_ugm3 END AS value,
               CASE year_over_year.pollutant WHEN 'pm25' THEN pm25_valid WHEN 'pm10' THEN pm10_valid WHEN 'no2' THEN no2_valid
                    WHEN 'so2' THEN so2_valid WHEN 'co' THEN co_valid WHEN 'o3' THEN o3_8h_valid END AS valid
        FROM city_daily
        UNION ALL
        SELECT 'district', district_id, day, standard_version, pm25_exceeds_limit,
               CASE year_over_year.pollutant WHEN 'pm25' THEN pm25_ugm3 WHEN 'pm10' THEN pm10_ugm3 WHEN 'no2' THEN no2_ugm3
                    WHEN 'so2' THEN so2_ugm3 WHEN 'co' THEN co_mgm3 WHEN 'o3' THEN o3_8h_max_ugm3 END,
               CASE year_over_year.pollutant WHEN 'pm25' THEN pm25_valid WHEN 'pm10' THEN pm10_valid WHEN 'no2' THEN no2_valid
                    WHEN 'so2' THEN so2_valid WHEN 'co' THEN co_valid WHEN 'o3' THEN o3_8h_valid END
        FROM district_daily
        UNION ALL
        SELECT 'sensor', sensor_id, day, standard_version, pm25_exceeds_limit,
               CASE year_over_year.pollutant WHEN 'pm25' THEN pm25_ugm3 WHEN 'pm10' THEN pm10_ugm3 WHEN 'no2' THEN no2_ugm3
                    WHEN 'so2' THEN so2_ugm3 WHEN 'co' THEN co_mgm3 WHEN 'o3' THEN o3_8h_max_ugm3 END,
               CASE year_over_year.pollutant WHEN 'pm25' THEN pm25_valid WHEN 'pm10' THEN pm10_valid WHEN 'no2' THEN no2_valid
                    WHEN 'so2' THEN so2_valid WHEN 'co' THEN co_valid WHEN 'o3' THEN o3_8h_valid END
        FROM sensor_daily
    ), sides AS (
        SELECT a.level, a.area_id, p.side,
               avg(a.value) FILTER (WHERE a.valid) AS mean,
               count(*) FILTER (WHERE a.valid)::integer AS valid_days,
               count(*) FILTER (WHERE a.valid AND a.pm25_exceeds_limit)::integer AS exceedance_days,
               array_agg(DISTINCT a.standard_version ORDER BY a.standard_version) AS standards
        FROM area_days a JOIN periods p ON a.day BETWEEN p.first_day AND p.last_day
        GROUP BY a.level, a.area_id, p.side
    ), areas AS (
        SELECT 1 AS level_order, 'city' AS level, 'city' AS area_id, 'whole city' AS area_name
        UNION ALL SELECT 2, 'district', district_id, name FROM districts
        UNION ALL SELECT 3, 'sensor', sensor_id, name FROM sensors
    ), lengths AS (
        SELECT (p.last_day - p.first_day + 1) AS days, (l.last_day - l.first_day + 1) AS days_last
        FROM periods p, periods l WHERE p.side = 'this' AND l.side = 'last'
    )
    SELECT a.level, a.area_id, a.area_name, n.days,
           t.mean, coalesce(t.valid_days, 0), CASE WHEN year_over_year.pollutant = 'pm25' THEN coalesce(t.exceedance_days, 0) END, t.standards,
           n.days_last,
           l.mean, coalesce(l.valid_days, 0), CASE WHEN year_over_year.pollutant = 'pm25' THEN coalesce(l.exceedance_days, 0) END, l.standards,
           c.ok_change, c.ok_pct, c.ok
    FROM areas a
    CROSS JOIN lengths n
    LEFT JOIN sides t ON t.level = a.level AND t.area_id = a.area_id AND t.side = 'this'
    LEFT JOIN sides l ON l.level = a.level AND l.area_id = a.area_id AND l.side = 'last'
    CROSS JOIN LATERAL (
        SELECT coalesce(t.valid_days, 0) >= ceil(year_over_year.min_valid_share * n.days)
           AND coalesce(l.valid_days, 0) >= ceil(year_over_year.min_valid_share * n.days_last)
           AND coalesce(t.valid_days, 0) > 0 AND coalesce(l.valid_days, 0) > 0 AS ok
    ) v
    CROSS JOIN LATERAL (
        SELECT v.ok, CASE WHEN v.ok THEN t.mean - l.mean END AS ok_change,
               CASE WHEN v.ok AND l.mean > 0 THEN 100 * (t.mean - l.mean) / l.mean END AS ok_pct
    ) c
    ORDER BY a.level_order, a.area_name
$$;
COMMENT ON FUNCTION year_over_year IS 'A pollutant''s (pm25, pm10, no2, so2, co, o3 = daily max 8-hour) mean of valid daily means over local days from_day..to_day (inclusive) and over the same days a year earlier, per city, district and sensor; change and change_pct only when comparable: each side has valid days on at least min_valid_share of its days (default 324/365, the GB 3095 annual rule). Exceedance days (PM2.5 only) count each day against the limit in force that day; standards_this/standards_last list the versions used, which differ across 2026-03-01.';

CREATE VIEW pm25_year_to_date AS
SELECT y.* FROM (SELECT max(day) AS last_day FROM city_daily) m
CROSS JOIN LATERAL year_over_year('pm25', date_trunc('year', m.last_day)::date, m.last_day) y
WHERE m.last_day IS NOT NULL AND y.level IN ('city', 'district');
COMMENT ON VIEW pm25_year_to_date IS 'PM2.5 year to date (1 January to the latest aggregated day) against the same days last year, for the city and each district; see year_over_year().';

CREATE VIEW pm25_month_to_date AS
SELECT y.* FROM (SELECT max(day) AS last_day FROM city_daily) m
CROSS JOIN LATERAL year_over_year('pm25', date_trunc('month', m.last_day)::date, m.last_day) y
WHERE m.last_day IS NOT NULL AND y.level IN ('city', 'district');
COMMENT ON VIEW pm25_month_to_date IS 'PM2.5 month to date against the same days last year, for the city and each district; see year_over_year().';

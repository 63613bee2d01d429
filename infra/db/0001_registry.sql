-- Registry: districts, townships, sensors, pollution sources and enforcement teams.
-- Loaded from infra/registry/*.csv by `airq registry import DIR` (upsert; all or nothing).

CREATE TABLE districts (
    district_id text PRIMARY KEY,
    name        text NOT NULL,
    name_local  text,
    latitude    double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude   double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180)
);
COMMENT ON TABLE districts IS 'Administrative districts of the city; each has an enforcement team. latitude/longitude: a representative centre, WGS84 degrees.';
COMMENT ON COLUMN districts.name_local IS 'Name in the local script (for example 沙坪坝区), used in reports.';

CREATE TABLE townships (
    township_id text PRIMARY KEY,
    district_id text NOT NULL REFERENCES districts,
    name        text NOT NULL,
    name_local  text
);
COMMENT ON TABLE townships IS 'Townships and sub-districts (街道/镇), the level below a district.';
CREATE INDEX townships_district_idx ON townships (district_id);

CREATE TABLE sensors (
    sensor_id            text PRIMARY KEY,
    name                 text NOT NULL,
    district_id          text NOT NULL REFERENCES districts,
    township_id          text NOT NULL REFERENCES townships,
    latitude             double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude            double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    kind                 text NOT NULL CHECK (kind IN ('national_station', 'micro_sensor')),
    reporting_interval_s integer NOT NULL CHECK (reporting_interval_s BETWEEN 10 AND 86400)
);
COMMENT ON TABLE sensors IS 'Ambient air-quality sensors. latitude/longitude in WGS84 degrees.';
COMMENT ON COLUMN sensors.kind IS 'national_station: reference-grade station reporting hourly means; micro_sensor: low-cost sensor reporting every few minutes.';
COMMENT ON COLUMN sensors.reporting_interval_s IS 'Seconds between readings the sensor should send; completeness is judged against this.';
CREATE INDEX sensors_district_idx ON sensors (district_id);

CREATE TABLE pollution_sources (
    source_id                   text PRIMARY KEY,
    name                        text NOT NULL,
    category                    text NOT NULL CHECK (category IN ('steel', 'cement', 'power', 'chemical', 'industrial_boiler', 'construction', 'road', 'storage_yard')),
    district_id                 text NOT NULL REFERENCES districts,
    township_id                 text NOT NULL REFERENCES townships,
    address                     text NOT NULL,
    latitude                    double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude                   double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    stack_height_m              double precision CHECK (stack_height_m BETWEEN 0 AND 400),
    has_telemetry               boolean NOT NULL,
    permitted_particulate_mgm3  double precision CHECK (permitted_particulate_mgm3 > 0),
    permitted_so2_mgm3          double precision CHECK (permitted_so2_mgm3 > 0),
    permitted_nox_mgm3          double precision CHECK (permitted_nox_mgm3 > 0),
    estimated_pm25_emission_g_s double precision NOT NULL CHECK (estimated_pm25_emission_g_s >= 0)
);
COMMENT ON TABLE pollution_sources IS 'Monitored or known pollution sources: stacks with continuous emission monitoring, dust sites, roads.';
COMMENT ON COLUMN pollution_sources.stack_height_m IS 'Stack height in metres; NULL for ground-level sources (construction, roads, yards).';
COMMENT ON COLUMN pollution_sources.has_telemetry IS 'Whether the source sends continuous emission monitoring data to topic airq.source-telemetry.v1.';
COMMENT ON COLUMN pollution_sources.permitted_particulate_mgm3 IS 'Permitted particulate concentration in flue gas, mg/m³ (NULL where no stack limit applies).';
COMMENT ON COLUMN pollution_sources.estimated_pm25_emission_g_s IS 'Registry estimate of the usual PM2.5 emission rate, g/s.';
CREATE INDEX pollution_sources_district_idx ON pollution_sources (district_id);

CREATE TABLE enforcement_teams (
    team_id          text PRIMARY KEY,
    name             text NOT NULL,
    recipient_emails text[] NOT NULL CHECK (cardinality(recipient_emails) > 0)
);
COMMENT ON TABLE enforcement_teams IS 'Teams that receive the daily report and inspect sources.';

CREATE TABLE enforcement_team_districts (
    team_id     text NOT NULL REFERENCES enforcement_teams ON DELETE CASCADE,
    district_id text NOT NULL REFERENCES districts,
    PRIMARY KEY (team_id, district_id)
);
COMMENT ON TABLE enforcement_team_districts IS 'Which districts each enforcement team covers.';

-- Anomalies: pollution episodes (neighbouring sensors, contiguous hours) and sensor faults, found by
-- `airq anomalies --date DAY` for one local day at a time (re-running a day replaces its rows).
CREATE TABLE anomalies (
    anomaly_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    day           date NOT NULL,
    category      text NOT NULL CHECK (category IN ('pollution', 'sensor_fault')),
    kinds         text[] NOT NULL CHECK (cardinality(kinds) > 0),
    severity      real NOT NULL CHECK (severity >= 0),
    sensor_ids    text[] NOT NULL CHECK (cardinality(sensor_ids) > 0),
    district_ids  text[] NOT NULL,
    township_ids  text[] NOT NULL,
    started_at    timestamptz NOT NULL,
    ended_at      timestamptz NOT NULL CHECK (ended_at > started_at),
    peak_ugm3     real,
    peak_sensor_id text,
    peak_at       timestamptz,
    detail        text NOT NULL,
    detected_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX anomalies_day_idx ON anomalies (day, category);
COMMENT ON TABLE anomalies IS 'One row per pollution episode (neighbouring sensors with anomalous PM2.5 in overlapping or adjacent hours), per district with daily exceedances, or per sensor fault, for a local day. Pollution kinds: exceedance_hourly, exceedance_daily, spike, above_neighbours; fault kinds: missing_data, flatline. Faults are kept apart from pollution: a faulty sensor-hour never joins an episode.';
COMMENT ON COLUMN anomalies.kinds IS 'What made the sensors anomalous (see the table comment); an episode may combine several.';
COMMENT ON COLUMN anomalies.severity IS 'Pollution episodes: peak hourly PM2.5 over the hourly limit (1.0 = at the limit); daily exceedances: the highest sensor daily mean over the 24-hour limit. Faults: hours affected over 24.';
COMMENT ON COLUMN anomalies.started_at IS 'Start of the first anomalous UTC hour; ended_at is the end of the last (exclusive).';
COMMENT ON COLUMN anomalies.peak_ugm3 IS 'Highest hourly mean PM2.5 in the episode, µg/m³ (NULL for faults).';
COMMENT ON COLUMN anomalies.detail IS 'The evidence in words, e.g. the baseline a spike stood out from.';

-- Attribution: for each pollution episode in `anomalies`, the registered sources most likely behind it, with
-- a probability from the trained model and the evidence in words; and what inspections later found.
-- Written by `airq attribute --date DAY` (re-running a day replaces its rows, as `airq anomalies` does).

CREATE TABLE episode_attributions (
    anomaly_id     bigint PRIMARY KEY REFERENCES anomalies ON DELETE CASCADE,
    day            date NOT NULL,
    verdict        text NOT NULL CHECK (verdict IN ('registered_source', 'unregistered_emitter', 'no_candidates')),
    candidates     integer NOT NULL CHECK (candidates >= 0),
    summary        text NOT NULL,
    model_version  text NOT NULL,
    attributed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX episode_attributions_day_idx ON episode_attributions (day);
COMMENT ON TABLE episode_attributions IS 'One row per pollution episode that attribution considered. verdict: registered_source (at least one flag in source_flags), unregistered_emitter (the model abstained: no registered source explains the episode well), no_candidates (no registered source within the search radius).';
COMMENT ON COLUMN episode_attributions.candidates IS 'Registered sources within the search radius that the model scored.';
COMMENT ON COLUMN episode_attributions.summary IS 'The verdict in words, e.g. "likely an unregistered emitter near Shapingba sensor S123".';

CREATE TABLE source_flags (
    flag_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    anomaly_id     bigint NOT NULL REFERENCES anomalies ON DELETE CASCADE,
    day            date NOT NULL,
    rank           smallint NOT NULL CHECK (rank >= 1),
    source_id      text NOT NULL REFERENCES pollution_sources,
    probability    real NOT NULL CHECK (probability BETWEEN 0 AND 1),
    explanation    text NOT NULL,
    features       jsonb NOT NULL,
    model_version  text NOT NULL,
    flagged_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (anomaly_id, rank)
);
CREATE INDEX source_flags_day_idx ON source_flags (day);
CREATE INDEX source_flags_source_idx ON source_flags (source_id, day);
COMMENT ON TABLE source_flags IS 'Sources flagged for inspection: for each pollution episode, up to three registered sources ranked by the model''s probability that the source caused it.';
COMMENT ON COLUMN source_flags.probability IS 'Calibrated probability (0 to 1) that this source caused the episode, from the model named in model_version.';
COMMENT ON COLUMN source_flags.explanation IS 'The largest feature contributions in words, e.g. "1.2 km upwind, wind 3 m/s towards the sensors, particulate at 3.4x its permitted limit from 02:00".';
COMMENT ON COLUMN source_flags.features IS 'The feature values the model scored (name -> number), so a person can check the explanation.';

CREATE TABLE enforcement_outcomes (
    outcome_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    flag_id             bigint REFERENCES source_flags ON DELETE SET NULL,
    source_id           text NOT NULL REFERENCES pollution_sources,
    episode_day         date NOT NULL,
    episode_started_at  timestamptz NOT NULL,
    episode_ended_at    timestamptz NOT NULL CHECK (episode_ended_at > episode_started_at),
    sensor_ids          text[] NOT NULL CHECK (cardinality(sensor_ids) > 0),
    finding             text NOT NULL CHECK (finding IN ('confirmed', 'not_confirmed')),
    inspected_on        date NOT NULL,
    team_id             text REFERENCES enforcement_teams,
    notes               text,
    recorded_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX enforcement_outcomes_source_idx ON enforcement_outcomes (source_id, episode_day);
COMMENT ON TABLE enforcement_outcomes IS 'What an inspection of a flagged source found. The episode (day, hours, sensors) is copied from the flag so the outcome survives a re-run of anomaly detection; later training runs use these rows as labels.';
COMMENT ON COLUMN enforcement_outcomes.finding IS 'confirmed: the inspection found the source emitting above its limit or otherwise causing the episode; not_confirmed: it did not.';

-- Ground truth of simulated worlds: every incident a simulation injected, so detected episodes and the sources
-- flagged for them can be scored later. Written by `airq demo` and by `airq simulate --record-truth`.
CREATE TABLE simulation_incidents (
    simulation     text NOT NULL,
    incident_no    integer NOT NULL CHECK (incident_no >= 1),
    source_id      text,
    kind           text NOT NULL CHECK (kind IN ('registered_source', 'open_burning', 'catering')),
    latitude       double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude      double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    started_at     timestamptz NOT NULL,
    ended_at       timestamptz NOT NULL CHECK (ended_at > started_at),
    emission_g_s   double precision NOT NULL CHECK (emission_g_s > 0),
    under_reported boolean NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (simulation, incident_no)
);
COMMENT ON TABLE simulation_incidents IS 'Ground truth of a simulation (seed, start, days): each injected incident. source_id is NULL for emitters the registry does not know (open burning, catering). emission_g_s: true PM2.5 emission during the incident. under_reported: the source''s own telemetry kept showing its usual level.';
COMMENT ON COLUMN simulation_incidents.simulation IS 'Which simulation: "seed 7 from 2026-11-21T00:00:00+08:00 for 1 day(s)"; the same seed and period give the same incidents.';

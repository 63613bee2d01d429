-- The enforcement console's workflow (docs/console.md#the-workflow): a flag is dispatched by the district lead to a
-- township officer or to the whole team, acknowledged, its finding recorded, and resolved by the lead.
--
-- flag_dispatches: one row per dispatched flag, a column pair (user, time) per step. The flag's source, day and
-- episode are copied so the row outlives a re-run of `airq attribute`, which deletes the day's source_flags
-- (flag_id then becomes NULL, as in enforcement_outcomes).
-- flag_findings: what the inspection found, with notes and an optional photo (JPEG or PNG, checked by its first
-- bytes, at most Console:PhotoMaxBytes). confirmed and not_confirmed are also written to enforcement_outcomes
-- (outcome_id) so `airq model train --outcomes` learns from them; could_not_inspect is no label and is not.
-- console_audit: every change made through the console: who, when, what and from which address.

CREATE TABLE flag_dispatches (
    dispatch_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    flag_id              bigint UNIQUE REFERENCES source_flags ON DELETE SET NULL,
    source_id            text NOT NULL REFERENCES pollution_sources,
    team_id              text NOT NULL REFERENCES enforcement_teams,
    flag_day             date NOT NULL,
    flagged_at           timestamptz NOT NULL,
    assigned_user_id     bigint REFERENCES console_users,
    dispatched_by        bigint NOT NULL REFERENCES console_users,
    dispatched_at        timestamptz NOT NULL,
    acknowledged_by      bigint REFERENCES console_users,
    acknowledged_at      timestamptz,
    resolved_by          bigint REFERENCES console_users,
    resolved_at          timestamptz,
    CHECK ((acknowledged_by IS NULL) = (acknowledged_at IS NULL)),
    CHECK ((resolved_by IS NULL) = (resolved_at IS NULL)),
    CHECK (resolved_at IS NULL OR acknowledged_at IS NOT NULL)
);
CREATE INDEX flag_dispatches_open_idx ON flag_dispatches (dispatched_at) WHERE acknowledged_at IS NULL AND resolved_at IS NULL;
CREATE INDEX flag_dispatches_team_idx ON flag_dispatches (team_id, flag_day);
COMMENT ON TABLE flag_dispatches IS 'Flags sent out for inspection through the console: who dispatched, acknowledged and resolved each, and when. assigned_user_id NULL means the whole team. Unacknowledged after Console:AcknowledgeWithin (4 h) a dispatch is overdue.';

CREATE TABLE flag_findings (
    dispatch_id    bigint PRIMARY KEY REFERENCES flag_dispatches,
    finding        text NOT NULL CHECK (finding IN ('confirmed', 'not_confirmed', 'could_not_inspect')),
    notes          text CHECK (length(notes) <= 2000),
    photo          bytea,
    photo_type     text CHECK (photo_type IN ('image/jpeg', 'image/png')),
    outcome_id     bigint REFERENCES enforcement_outcomes,
    recorded_by    bigint NOT NULL REFERENCES console_users,
    recorded_at    timestamptz NOT NULL,
    CHECK ((photo IS NULL) = (photo_type IS NULL))
);
COMMENT ON TABLE flag_findings IS 'The finding of a dispatched flag, recorded by the officer; confirmed and not_confirmed also go to enforcement_outcomes (outcome_id) as training labels.';

CREATE TABLE console_audit (
    audit_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES console_users,
    at           timestamptz NOT NULL,
    action       text NOT NULL CHECK (action IN ('dispatch', 'acknowledge', 'finding', 'resolve')),
    dispatch_id  bigint REFERENCES flag_dispatches,
    flag_id      bigint,
    detail       text NOT NULL,
    address      inet
);
CREATE INDEX console_audit_dispatch_idx ON console_audit (dispatch_id);
COMMENT ON TABLE console_audit IS 'Every change made through the console: who (user_id), when (at), what (action, detail) and from which address. Rows are only ever added.';

-- The console adds rows and moves a dispatch along; it never deletes, and the audit it can only append to.
GRANT SELECT, INSERT ON flag_dispatches, flag_findings TO airq_console;
GRANT UPDATE (acknowledged_by, acknowledged_at, resolved_by, resolved_at) ON flag_dispatches TO airq_console;
GRANT INSERT ON console_audit TO airq_console;
GRANT SELECT (outcome_id, flag_id, finding, recorded_at) ON enforcement_outcomes TO airq_console;
GRANT INSERT (flag_id, source_id, episode_day, episode_started_at, episode_ended_at, sensor_ids, finding, inspected_on, team_id, notes)
    ON enforcement_outcomes TO airq_console;
GRANT SELECT (user_id, name, role, team_id) ON console_users TO airq_console; -- already, for sign-in; the officers to dispatch to
GRANT SELECT ON district_daily TO airq_console; -- the city page's status per district
-- Photos, officers and addresses are the teams' business, not analysts' data (0009's default privileges would let
-- airq_analytics read every new table; docs/sql.md lists what analysts read).
REVOKE ALL ON flag_dispatches, flag_findings, console_audit FROM airq_analytics;

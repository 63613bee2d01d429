-- The enforcement console (docs/console.md): its users and its database role.
--
-- console_users: who may sign in to `airq console`, with their console role and team. Made by `airq user add`.
-- password_hash is PBKDF2-SHA256 in the form pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>; the
-- password itself is never stored. failed_sign_ins counts consecutive failures; after 5 (Console:LockoutFailures)
-- locked_until is set 15 minutes (Console:LockoutFor) ahead and no password is checked before then.
--
-- airq_console: the console's group role. It reads the registry and what the pipeline derived, and writes only the
-- sign-in bookkeeping of console_users; it cannot create users, change their roles or read anything it does not show.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'airq_console') THEN
        BEGIN
            CREATE ROLE airq_console NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- another database's migration created it a moment ago (roles belong to the server)
        END;
    END IF;
END $$;

CREATE TABLE console_users (
    user_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name             text NOT NULL UNIQUE CHECK (name ~ '^[a-z][a-z0-9._-]{0,62}$'),
    role             text NOT NULL CHECK (role IN ('township_officer', 'district_member', 'district_lead', 'city_supervisor', 'analyst')),
    team_id          text REFERENCES enforcement_teams,
    password_hash    text NOT NULL CHECK (password_hash LIKE 'pbkdf2-sha256$%'),
    failed_sign_ins  integer NOT NULL DEFAULT 0 CHECK (failed_sign_ins >= 0),
    locked_until     timestamptz,
    last_sign_in_at  timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    -- Officers and district teams see their team's districts only, so they must have one.
    CHECK (role IN ('city_supervisor', 'analyst') OR team_id IS NOT NULL)
);
COMMENT ON TABLE console_users IS 'Users of the enforcement console (airq user add). A user sees only their team''s districts, except city supervisors and analysts, who see all.';
COMMENT ON COLUMN console_users.password_hash IS 'pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>; never the password.';
COMMENT ON COLUMN console_users.locked_until IS 'No sign-in is accepted before this time (set after Console:LockoutFailures consecutive failures).';

GRANT USAGE ON SCHEMA public TO airq_console;
GRANT SELECT ON schema_migrations, districts, townships, sensors, pollution_sources, enforcement_teams,
    enforcement_team_districts, sensor_daily, anomalies, episode_attributions, source_flags TO airq_console;
GRANT SELECT (user_id, name, role, team_id, password_hash, failed_sign_ins, locked_until) ON console_users TO airq_console;
GRANT UPDATE (failed_sign_ins, locked_until, last_sign_in_at) ON console_users TO airq_console;

-- 0009's default privileges let airq_analytics read every new table; password hashes are none of its business.
REVOKE ALL ON console_users FROM airq_analytics;

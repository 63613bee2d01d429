-- The inspection decision and the persistent contributors (docs/reports.md, docs/attribution.md).
--
-- source_flags.to_inspect: whether the flag's probability reached the model's inspection threshold
-- (IAttributionModel.InspectAtOrAbove) when attribution wrote it. The report lists a source "to inspect" only for
-- such a flag; the rest go under "also near". Rows written before this migration were all listed, so they are true.
--
-- episode_contributors: for each attributed episode, the registered source on which the plume model (run on the
-- sources' reported, everyday emissions) puts the largest share of the modelled contribution, when that share is
-- at least half. A source that keeps dominating episodes this way is a permit-review matter, not an incident to
-- inspect; the view persistent_contributors adds it up per ISO week. Written by `airq attribute --date DAY` in the
-- same transaction as episode_attributions (re-running a day replaces its rows).

ALTER TABLE source_flags ADD COLUMN to_inspect boolean NOT NULL DEFAULT true;
-- The default only fills the existing rows: every new flag must say which it is.
ALTER TABLE source_flags ALTER COLUMN to_inspect DROP DEFAULT;
COMMENT ON COLUMN source_flags.to_inspect IS 'True when probability was at or above the model''s inspection threshold (InspectAtOrAbove) when the flag was written: the report lists the source to inspect; false: listed only under "also near". True for rows written before migration 0015.';

CREATE TABLE episode_contributors (
    anomaly_id     bigint PRIMARY KEY REFERENCES anomalies ON DELETE CASCADE,
    day            date NOT NULL,
    source_id      text NOT NULL REFERENCES pollution_sources,
    plume_share    real NOT NULL CHECK (plume_share BETWEEN 0.5 AND 1),
    plume_ugm3     real NOT NULL CHECK (plume_ugm3 >= 0),
    episode_hours  integer NOT NULL CHECK (episode_hours > 0),
    recorded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX episode_contributors_day_idx ON episode_contributors (day);
CREATE INDEX episode_contributors_source_idx ON episode_contributors (source_id, day);
COMMENT ON TABLE episode_contributors IS 'For each attributed pollution episode, the registered source the plume model (on reported emissions) puts at least half of the modelled contribution on; episodes without such a source have no row.';
COMMENT ON COLUMN episode_contributors.plume_share IS 'The source''s share (0.5 to 1) of the plume model''s contribution of all candidate sources within the search radius, over the episode''s sensor-hours.';
COMMENT ON COLUMN episode_contributors.plume_ugm3 IS 'The source''s modelled contribution on reported emissions, µg/m³ summed over the episode''s sensor-hours.';
COMMENT ON COLUMN episode_contributors.episode_hours IS 'Hours the episode lasted (ended_at - started_at, whole hours).';

-- Per ISO week (Monday to Sunday, local days): how many episodes, and episode-hours, each source dominated, beside
-- the week before (0 when it dominated none then). Only weeks in which the source dominated at least one episode.
CREATE VIEW persistent_contributors AS
WITH weekly AS (
    SELECT date_trunc('week', c.day)::date AS week_start, c.source_id,
           count(*)::integer AS episodes, sum(c.episode_hours)::integer AS episode_hours, avg(c.plume_share)::real AS mean_plume_share
    FROM episode_contributors c
    GROUP BY 1, 2
)
SELECT w.week_start, to_char(w.week_start, 'IYYY-"W"IW') AS iso_week, w.source_id, p.district_id,
       w.episodes, w.episode_hours, w.mean_plume_share,
       coalesce(b.episodes, 0) AS previous_episodes, coalesce(b.episode_hours, 0) AS previous_episode_hours
FROM weekly w
JOIN pollution_sources p ON p.source_id = w.source_id
LEFT JOIN weekly b ON b.source_id = w.source_id AND b.week_start = w.week_start - 7;
COMMENT ON VIEW persistent_contributors IS 'Per ISO week (week_start is its Monday) and source: the episodes and episode-hours in which the plume model on reported emissions put at least half of the modelled contribution on the source, and the same for the week before (previous_*, 0 when none). A permit-review list, not inspections.';

-- airq_analytics reads new tables through the default privileges of 0009 and writes only what it derives.
GRANT INSERT, UPDATE, DELETE ON episode_contributors TO airq_analytics;
GRANT SELECT ON persistent_contributors TO airq_analytics;
-- airq_analyst: both are in docs/sql.md, "What to query".
GRANT SELECT ON episode_contributors, persistent_contributors TO airq_analyst;

-- The enforcement console's remaining points of issue 23 (docs/console.md).
--
-- 1. The today page's hourly chart per episode reads the episode's sensors' hourly means (their usual level is the
--    median of the same local hour over the days before) and the flagged sources' emission telemetry.
GRANT SELECT ON sensor_hourly_means, source_telemetry TO airq_console;
-- The view reads sensor_hourly as its owner; its hypertable or partitions need no grant of their own.

-- 2. A district lead may send a dispatched flag to someone else before its finding: the dispatch row takes the new
--    assignee, lead and time, and its acknowledgement starts over; the audit keeps the history ('redispatch' rows).
GRANT UPDATE (assigned_user_id, dispatched_by, dispatched_at) ON flag_dispatches TO airq_console;
ALTER TABLE console_audit DROP CONSTRAINT console_audit_action_check;
ALTER TABLE console_audit ADD CONSTRAINT console_audit_action_check
    CHECK (action IN ('dispatch', 'redispatch', 'acknowledge', 'finding', 'resolve'));
-- "My open dispatches": the open dispatches of one assignee.
CREATE INDEX flag_dispatches_assignee_open_idx ON flag_dispatches (assigned_user_id) WHERE resolved_at IS NULL;

-- 3. The workflow for analysts (docs/sql.md): one row per dispatch with names, times and the finding, but no photo,
--    no client address and nothing of console_users beyond a name, which 0017 keeps from them. A view runs as its
--    owner, so airq_analyst reads these columns and nothing else of the tables below it.
CREATE VIEW flag_dispatch_history AS
SELECT d.dispatch_id, d.flag_id, d.source_id, p.district_id, d.team_id, d.flag_day, d.flagged_at,
       coalesce(assignee.name, 'the whole team') AS assigned_to,
       lead.name AS dispatched_by, d.dispatched_at,
       ack.name AS acknowledged_by, d.acknowledged_at,
       f.finding, f.notes AS finding_notes, f.photo IS NOT NULL AS finding_has_photo, recorder.name AS finding_recorded_by, f.recorded_at AS finding_recorded_at,
       f.outcome_id,
       res.name AS resolved_by, d.resolved_at,
       (SELECT count(*) FROM console_audit a WHERE a.dispatch_id = d.dispatch_id AND a.action = 'redispatch')::integer AS redispatches,
       extract(epoch FROM d.acknowledged_at - d.flagged_at) / 3600 AS hours_to_acknowledge,
       extract(epoch FROM f.recorded_at - d.flagged_at) / 3600 AS hours_to_finding
FROM flag_dispatches d
JOIN pollution_sources p USING (source_id)
JOIN console_users lead ON lead.user_id = d.dispatched_by
LEFT JOIN console_users assignee ON assignee.user_id = d.assigned_user_id
LEFT JOIN console_users ack ON ack.user_id = d.acknowledged_by
LEFT JOIN console_users res ON res.user_id = d.resolved_by
LEFT JOIN flag_findings f ON f.dispatch_id = d.dispatch_id
LEFT JOIN console_users recorder ON recorder.user_id = f.recorded_by;
COMMENT ON VIEW flag_dispatch_history IS 'The console workflow per dispatch: who was sent, who dispatched, acknowledged, recorded the finding and resolved, and when (UTC); the finding and its notes; hours from the flag to acknowledgement and to finding. dispatched_at is the latest (re)dispatch; redispatches counts the earlier ones. No photos, no addresses.';
GRANT SELECT ON flag_dispatch_history TO airq_analyst;
REVOKE ALL ON flag_dispatch_history FROM airq_analytics;

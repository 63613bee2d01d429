-- A stored offset beyond the end of its partition belongs to an earlier life of the topic (the embedded broker
-- was restarted, or the topic deleted and re-created): the worker reads the partition again from its first
-- offset and records the reset here, so that airq status shows it after the worker is gone.
ALTER TABLE ingest_offsets
    ADD COLUMN resets          integer NOT NULL DEFAULT 0 CHECK (resets >= 0),
    ADD COLUMN last_reset_at   timestamptz,
    ADD COLUMN last_reset_from bigint;
COMMENT ON COLUMN ingest_offsets.resets IS 'Times next_offset was found beyond the partition''s high watermark (a topic re-created or a broker restarted) and reset to its low watermark.';
COMMENT ON COLUMN ingest_offsets.last_reset_at IS 'When the last such reset happened; null if never.';
COMMENT ON COLUMN ingest_offsets.last_reset_from IS 'The stored next_offset the last reset discarded.';

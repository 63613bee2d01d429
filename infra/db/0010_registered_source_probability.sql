-- How sure attribution was that a registered source is behind each episode: the episode model's probability,
-- on which it decides to flag or to abstain (docs/attribution.md). Empty for rows written before this column.

ALTER TABLE episode_attributions ADD COLUMN registered_source_probability real
    CHECK (registered_source_probability BETWEEN 0 AND 1);
COMMENT ON COLUMN episode_attributions.registered_source_probability IS 'Probability (0 to 1) that one of the likeliest registered sources caused the episode rather than an emitter outside the registry; below the model''s threshold the verdict is unregistered_emitter. 0 for no_candidates; NULL for rows written before migration 0010.';

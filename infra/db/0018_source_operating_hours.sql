-- Optional operating hours per pollution source (issue 22 point 3): when a site works, from the registry rather than
-- a constant of one simulator. Local whole hours (the TimeZone setting): from operating_start_hour (inclusive) to
-- operating_end_hour (exclusive); an end at or before the start runs past midnight, 0 to 24 is around the clock.
-- Both null where the registry does not know them: attribution then learns them from the source's telemetry, or
-- treats every hour as possible and tells the model they are unknown.

ALTER TABLE pollution_sources
    ADD COLUMN operating_start_hour integer CHECK (operating_start_hour BETWEEN 0 AND 23),
    ADD COLUMN operating_end_hour   integer CHECK (operating_end_hour BETWEEN 1 AND 24),
    ADD CONSTRAINT pollution_sources_operating_hours_check CHECK (
        (operating_start_hour IS NULL) = (operating_end_hour IS NULL)
        AND (operating_start_hour IS NULL OR operating_end_hour <> operating_start_hour));

COMMENT ON COLUMN pollution_sources.operating_start_hour IS 'First local hour the source works (0-23); null when not known.';
COMMENT ON COLUMN pollution_sources.operating_end_hour IS 'Local hour it stops (1-24, exclusive; at or before the start: past midnight); null when not known.';

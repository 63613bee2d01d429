-- Where each ingest consumer group is in each Kafka partition, written in the same transaction as the rows
-- consumed up to there. A worker that is assigned a partition starts from here, so a rebalance or a crash
-- never re-reads what is stored, whatever happened to the Kafka offset commit (which follows, for tooling).
CREATE TABLE ingest_offsets (
    consumer_group text    NOT NULL,
    topic          text    NOT NULL,
    kafka_partition integer NOT NULL CHECK (kafka_partition >= 0),
    next_offset    bigint  NOT NULL CHECK (next_offset >= 0),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, topic, kafka_partition)
);
COMMENT ON TABLE ingest_offsets IS 'Next Kafka offset to consume per consumer group, topic and partition; committed atomically with the stored rows. To replay a topic, use a new consumer group or delete its rows here.';

-- Each ingest worker's counters, refreshed every few seconds while it runs; `airq status` reads them.
CREATE TABLE ingest_workers (
    worker_id         text PRIMARY KEY,
    host              text NOT NULL,
    pid               integer NOT NULL,
    consumer_group    text NOT NULL,
    started_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    stopped_at        timestamptz,
    messages          bigint NOT NULL,
    records           bigint NOT NULL,
    stored_readings   bigint NOT NULL,
    stored_telemetry  bigint NOT NULL,
    duplicates        bigint NOT NULL,
    rejected          jsonb NOT NULL,
    lag_messages      bigint,
    paused_ms         bigint NOT NULL,
    last_batch_ms     bigint NOT NULL,
    latency_p50_ms    bigint,
    latency_p99_ms    bigint
);
COMMENT ON TABLE ingest_workers IS 'Counters of each ingest worker since it started (rejected: count per reason code), refreshed every 5 seconds; a row not updated for 30 seconds belongs to a worker that is gone.';

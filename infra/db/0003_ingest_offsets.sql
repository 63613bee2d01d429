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

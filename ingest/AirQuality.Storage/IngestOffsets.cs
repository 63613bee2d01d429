using Dapper;
using Npgsql;

namespace AirQuality.Storage;

/// <summary>The <c>ingest_offsets</c> table: each consumer group's next offset per partition, kept with the data.</summary>
public static class IngestOffsets
{
    /// <summary>Records the offsets inside the caller's transaction; an offset never moves backwards.</summary>
    public static Task SaveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string consumerGroup, IReadOnlyList<PartitionOffset> offsets, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO ingest_offsets (consumer_group, topic, kafka_partition, next_offset)
            SELECT @consumerGroup, t, p, o FROM unnest(@topics, @partitions, @nextOffsets) AS x(t, p, o)
            ON CONFLICT (consumer_group, topic, kafka_partition)
            DO UPDATE SET next_offset = GREATEST(ingest_offsets.next_offset, excluded.next_offset), updated_at = now()
            """,
            new { consumerGroup, topics = offsets.Select(o => o.Topic).ToArray(), partitions = offsets.Select(o => o.Partition).ToArray(), nextOffsets = offsets.Select(o => o.NextOffset).ToArray() },
            transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// Moves a partition's stored offset back to <paramref name="nextOffset"/> and counts the reset: the stored one was
    /// beyond the end of the partition, so it came from an earlier life of the topic. The only write that moves an offset backwards.
    /// </summary>
    public static async Task ResetAsync(NpgsqlDataSource dataSource, string consumerGroup, string topic, int partition, long nextOffset, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE ingest_offsets
            SET last_reset_from = next_offset, next_offset = @nextOffset, resets = resets + 1, last_reset_at = now(), updated_at = now()
            WHERE consumer_group = @consumerGroup AND topic = @topic AND kafka_partition = @partition
            """, new { consumerGroup, topic, partition, nextOffset }, cancellationToken: cancellationToken));
    }

    /// <summary>The stored next offsets of <paramref name="consumerGroup"/> for the given partitions (absent ones are left out).</summary>
    public static async Task<IReadOnlyList<PartitionOffset>> LoadAsync(NpgsqlDataSource dataSource, string consumerGroup, IReadOnlyList<(string Topic, int Partition)> partitions, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Topic, int KafkaPartition, long NextOffset)>(new CommandDefinition("""
            SELECT o.topic, o.kafka_partition, o.next_offset
            FROM ingest_offsets o JOIN unnest(@topics, @partitions) AS x(t, p) ON o.topic = x.t AND o.kafka_partition = x.p
            WHERE o.consumer_group = @consumerGroup
            """,
            new { consumerGroup, topics = partitions.Select(p => p.Topic).ToArray(), partitions = partitions.Select(p => p.Partition).ToArray() },
            cancellationToken: cancellationToken));
        return rows.Select(r => new PartitionOffset(r.Topic, r.KafkaPartition, r.NextOffset)).ToList();
    }
}

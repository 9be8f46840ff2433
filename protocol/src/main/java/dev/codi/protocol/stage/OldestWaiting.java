package dev.codi.protocol.stage;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How long the oldest job waiting for a stage has waited: the timestamp of the record at each
 * partition's committed offset (the first record the group has not finished), read by a consumer
 * outside the group, which joins nothing and commits nothing. A partition whose only uncommitted
 * offset is a transaction marker has no waiting job. Blocking: call from a worker thread; one call
 * at a time.
 */
public final class OldestWaiting implements AutoCloseable {
    /** Longest one reading waits for the broker. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<byte[], byte[]> peeker;
    private boolean closed;

    /** @param readerConfig a consumer outside any group ({@code KafkaSettings.reader}); its deserializers are replaced */
    public OldestWaiting(Map<String, String> readerConfig) {
        Map<String, Object> config = new HashMap<>(readerConfig);
        config.put("key.deserializer", ByteArrayDeserializer.class.getName());
        config.put("value.deserializer", ByteArrayDeserializer.class.getName());
        config.put("max.poll.records", "16");
        this.peeker = new KafkaConsumer<>(config);
    }

    /**
     * Seconds between {@code nowMillis} and the timestamp of the oldest record waiting, 0 when none
     * waits.
     *
     * @param committed the group's next offset per partition (0 where it committed nothing)
     * @param ends      each partition's end offset
     */
    public synchronized double ageSeconds(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> ends, long nowMillis) {
        if (closed) {
            return 0;
        }
        Set<TopicPartition> waiting = new HashSet<>();
        ends.forEach((partition, end) -> {
            if (end > committed.getOrDefault(partition, 0L)) {
                waiting.add(partition);
            }
        });
        if (waiting.isEmpty()) {
            return 0;
        }
        peeker.assign(waiting);
        waiting.forEach(partition -> peeker.seek(partition, committed.getOrDefault(partition, 0L)));
        long oldest = Long.MAX_VALUE;
        Set<TopicPartition> open = new HashSet<>(waiting);
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        try {
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : peeker.poll(POLL)) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (open.remove(partition)) {
                        oldest = Math.min(oldest, record.timestamp());
                        peeker.pause(List.of(partition));
                    }
                }
                // Past its end with no record: only transaction markers (or aborted records) wait there.
                open.removeIf(partition -> peeker.position(partition) >= ends.get(partition));
            }
        } catch (WakeupException closing) {
            return 0;
        } finally {
            peeker.resume(peeker.paused());
        }
        return oldest == Long.MAX_VALUE ? 0 : Math.max(0, nowMillis - oldest) / 1000.0;
    }

    @Override
    public void close() {
        peeker.wakeup(); // a reading in progress gives up at once
        synchronized (this) {
            if (!closed) {
                closed = true;
                peeker.close(Duration.ZERO);
            }
        }
    }
}

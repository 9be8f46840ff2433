package dev.codi.protocol.stage;

import dev.codi.protocol.CloudEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The records that arrive while a batch is being processed and join it (continuous batching
 * across polls, docs/design.md "Batching"). The stage's consumer keeps polling while the batch
 * runs; each record it gets either waits here for the batch's worker to take it, or is left for
 * the next poll ("untaken": the consumer is rewound to it once the batch ends).
 *
 * <p>A batch takes at most {@code capacity} records besides the ones it started with, so it stays
 * within the stage's batch size and its commit is never further away than one batch. On every
 * partition the records taken come before the records left: a partition stops joining at its
 * first record that cannot join (not a valid event), and once the batch is full or closed nothing
 * joins any more. So committing after the last record taken never skips one left behind.
 *
 * <p>Thread-safe: the event loop offers records, the worker takes them, the event loop closes.
 */
final class Admission {
    /** A record that joins the batch: its event, or null for a record to pass over (a canceled job). */
    record Arrival(KafkaConsumerRecord<String, Buffer> record, CloudEvent event) {
    }

    private int capacity;
    private boolean open = true;
    private final ArrayDeque<Arrival> waiting = new ArrayDeque<>();
    private final List<Arrival> taken = new ArrayList<>();
    /** Partitions whose records no longer join (one of their records could not). */
    private final Set<TopicPartition> stopped = new HashSet<>();
    /** Per partition, the offset of the first record left for the next poll. */
    private final Map<TopicPartition, Long> firstLeft = new HashMap<>();

    Admission(int capacity) {
        this.capacity = capacity;
    }

    /** Whether the batch's work is done: nothing joins any more. */
    synchronized boolean closed() {
        return !open;
    }

    /** Whether the batch takes no more records: closed or full. */
    synchronized boolean full() {
        return !open || capacity == 0;
    }

    /** {@code record} joins the batch: the worker takes it at its next step. */
    synchronized void offer(KafkaConsumerRecord<String, Buffer> record, CloudEvent event) {
        TopicPartition partition = partitionOf(record);
        if (!open || capacity == 0 || stopped.contains(partition)) {
            leave(record);
            return;
        }
        waiting.add(new Arrival(record, event));
        capacity--;
    }

    /** {@code record} is left for the next poll, and so is every later record of its partition. */
    synchronized void leave(KafkaConsumerRecord<String, Buffer> record) {
        TopicPartition partition = partitionOf(record);
        stopped.add(partition);
        firstLeft.merge(partition, record.offset(), Math::min);
    }

    /** The worker takes every record that joined since it last looked; the events to work on (passed-over records are taken too). */
    synchronized List<CloudEvent> take() {
        List<CloudEvent> events = new ArrayList<>();
        while (!waiting.isEmpty()) {
            Arrival arrival = waiting.poll();
            taken.add(arrival);
            if (arrival.event() != null) {
                events.add(arrival.event());
            }
        }
        return events;
    }

    /** No record joins any more; what is still waiting is left for the next poll. */
    synchronized void close() {
        open = false;
        while (!waiting.isEmpty()) {
            leave(waiting.poll().record());
        }
    }

    /** The records the worker took (after {@link #close}: the final list). */
    synchronized List<Arrival> taken() {
        return List.copyOf(taken);
    }

    /** The events the worker took and worked on. */
    synchronized List<CloudEvent> takenEvents() {
        return taken.stream().map(Arrival::event).filter(event -> event != null).toList();
    }

    /** Per partition, the first record left for the next poll: where the consumer is rewound to once the batch ends. */
    synchronized Map<TopicPartition, Long> firstLeft() {
        return Map.copyOf(firstLeft);
    }

    static TopicPartition partitionOf(KafkaConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition());
    }
}

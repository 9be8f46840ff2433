package dev.codi.protocol.kafka;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.MalformedEventException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.common.PartitionInfo;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Follows one topic from its beginning, outside any consumer group (every follower sees every
 * partition), handing each CloudEvent to a handler on the event loop; {@link #start()} completes
 * once it has caught up with the end offsets found at start — once its position on every
 * partition is at or past that end (the last offsets may hold no record to deliver: transaction
 * markers, or records deleted by retention) — and fails, saying how far it got, when it has not
 * within {@code catchUpTimeout}. How state is rebuilt from Kafka with no other database
 * (docs/design.md §2): the gateway's job view and webhook state, the stages' set of canceled jobs.
 * Unreadable records are logged and skipped; a tombstone (a record with no value, how a compacted
 * topic deletes a key) goes to the tombstone handler with its key.
 */
public final class TopicFollower {
    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);

    private final Vertx vertx;
    private final KafkaSettings kafka;
    private final String topic;
    private final String clientIdPrefix;
    private final Consumer<CloudEvent> handler;
    private Consumer<KafkaConsumerRecord<String, Buffer>> tombstoneHandler = tombstone -> { };
    private java.util.function.Predicate<KafkaConsumerRecord<String, Buffer>> rawHandler = record -> false;
    /** How often the positions are compared with the end offsets while catching up. */
    private static final long CATCH_UP_CHECK_MILLIS = 100;
    /** The default bound on catching up at start. */
    public static final Duration DEFAULT_CATCH_UP_TIMEOUT = Duration.ofMinutes(5);

    private final Duration catchUpTimeout;
    private final Map<TopicPartition, Long> catchUpTargets = new HashMap<>();
    /** Per partition, records polled but not yet handed to the handler. */
    private final Map<TopicPartition, Integer> undelivered = new HashMap<>();
    private final Promise<Void> caughtUp = Promise.promise();
    private KafkaConsumer<String, Buffer> consumer;
    private long checkTimer = -1;
    private long timeoutTimer = -1;

    /** @param clientIdPrefix names the follower's Kafka client (a random suffix is added) */
    public TopicFollower(Vertx vertx, KafkaSettings kafka, String topic, String clientIdPrefix, Consumer<CloudEvent> handler) {
        this(vertx, kafka, topic, clientIdPrefix, handler, DEFAULT_CATCH_UP_TIMEOUT);
    }

    public TopicFollower(Vertx vertx, KafkaSettings kafka, String topic, String clientIdPrefix, Consumer<CloudEvent> handler,
                         Duration catchUpTimeout) {
        this.vertx = vertx;
        this.kafka = kafka;
        this.topic = topic;
        this.clientIdPrefix = clientIdPrefix;
        this.handler = handler;
        this.catchUpTimeout = catchUpTimeout;
    }

    /** Called on the event loop with each tombstone (its key and headers), in order with the records. */
    public TopicFollower onTombstone(Consumer<KafkaConsumerRecord<String, Buffer>> handler) {
        this.tombstoneHandler = handler;
        return this;
    }

    /**
     * Offered each record first, on the event loop: a handler that takes it (returns true) spares
     * parsing it, e.g. a reader that needs only its headers; the others go on as CloudEvents.
     */
    public TopicFollower onRawRecord(java.util.function.Predicate<KafkaConsumerRecord<String, Buffer>> handler) {
        this.rawHandler = handler;
        return this;
    }

    public Future<Void> start() {
        consumer = KafkaConsumer.create(vertx, kafka.reader(clientIdPrefix + "-" + UUID.randomUUID().toString().substring(0, 8)));
        consumer.handler(this::onRecord);
        // A poll's records reach the handler one by one after the poll; until they all have, the
        // consumer's position is ahead of what was handled and says nothing about catching up.
        consumer.batchHandler(batch -> {
            for (int i = 0; i < batch.size(); i++) {
                undelivered.merge(new TopicPartition(topic, batch.recordAt(i).partition()), 1, Integer::sum);
            }
        });
        consumer.exceptionHandler(error -> LOG.warn("{} follower: {}", topic, error.toString()));
        return consumer.partitionsFor(topic).compose(partitions -> {
            Set<TopicPartition> assigned = partitions.stream().map(PartitionInfo::getPartition)
                    .map(partition -> new TopicPartition(topic, partition)).collect(Collectors.toSet());
            if (assigned.isEmpty()) {
                return Future.failedFuture("topic " + topic + " has no partitions; create the topics first");
            }
            return consumer.endOffsets(assigned).compose(ends -> {
                ends.forEach((partition, end) -> {
                    if (end > 0) {
                        catchUpTargets.put(partition, end);
                    }
                });
                checkCaughtUp();
                return consumer.assign(assigned).compose(ignored -> consumer.seekToBeginning(assigned));
            });
        }).compose(ignored -> {
            if (!catchUpTargets.isEmpty()) {
                checkTimer = vertx.setPeriodic(CATCH_UP_CHECK_MILLIS, tick -> comparePositions());
                timeoutTimer = vertx.setTimer(catchUpTimeout.toMillis(), fired -> caughtUp.tryFail(
                        "could not read " + topic + " up to its end within " + catchUpTimeout.toSeconds()
                                + " s; partitions still behind (partition=end offset): " + catchUpTargets));
            }
            return caughtUp.future();
        }).onComplete(done -> {
            vertx.cancelTimer(checkTimer);
            vertx.cancelTimer(timeoutTimer);
        });
    }

    public Future<Void> stop() {
        vertx.cancelTimer(checkTimer);
        vertx.cancelTimer(timeoutTimer);
        return consumer == null ? Future.succeededFuture() : consumer.close();
    }

    /**
     * Caught up on a partition means its position is at or past the end offset found at start,
     * with every record polled before handled.
     */
    private void comparePositions() {
        for (Map.Entry<TopicPartition, Long> target : Map.copyOf(catchUpTargets).entrySet()) {
            consumer.position(target.getKey()).onSuccess(position -> {
                if (position >= target.getValue() && undelivered.getOrDefault(target.getKey(), 0) == 0) {
                    catchUpTargets.remove(target.getKey());
                    checkCaughtUp();
                }
            });
        }
    }

    private void onRecord(KafkaConsumerRecord<String, Buffer> record) {
        undelivered.computeIfPresent(new TopicPartition(record.topic(), record.partition()), (partition, count) -> count > 1 ? count - 1 : null);
        try {
            if (rawHandler.test(record)) {
                // taken as it is
            } else if (record.value() == null) {
                tombstoneHandler.accept(record);
            } else {
                handler.accept(CloudEventRecords.fromRecord(record));
            }
        } catch (MalformedEventException | RuntimeException e) {
            LOG.warn("skipping unreadable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
        }
        if (!catchUpTargets.isEmpty()) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            Long target = catchUpTargets.get(partition);
            if (target != null && record.offset() + 1 >= target) {
                catchUpTargets.remove(partition);
                checkCaughtUp();
            }
        }
    }

    private void checkCaughtUp() {
        if (catchUpTargets.isEmpty()) {
            caughtUp.tryComplete();
        }
    }
}

package dev.codi.gateway.webhooks;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.MalformedEventException;
import dev.codi.protocol.Topics;
import dev.codi.gateway.metrics.GatewayMetrics;
import dev.codi.protocol.Stage;
import dev.codi.protocol.logging.JobLog;
import dev.codi.protocol.kafka.CloudEventRecords;
import dev.codi.protocol.kafka.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Delivers webhooks from Kafka: first attempts from the deliveries topic, attempt k from retry
 * tier k. Consumer group {@value #GROUP}. Each delivery is settled on its own (delivered,
 * rescheduled on the next tier, or dead-lettered) while the worker goes on polling: a slow
 * receiver delays only its own deliveries, never another tenant's. A partition's offset is
 * committed up to its oldest delivery not yet settled, so a gateway that stops in the middle
 * of the schedule loses nothing: whoever consumes next finds the pending attempts. A settlement
 * that Kafka refuses (the next tier's record not acknowledged) is tried again, never dropped.
 *
 * <p>Every record of a tier waits the same delay, so each partition is in due order: when the
 * head of a partition is not due yet, the partition is paused and rewound to it until then.
 */
public final class WebhookWorker {
    public static final String GROUP = "gateway-webhooks";
    private static final Logger LOG = LoggerFactory.getLogger(WebhookWorker.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** A paused partition is looked at again after at most this long (a rebalance may have moved it). */
    private static final long MAX_HOLD_MILLIS = 30_000;
    /** Deliveries under way at once; past it the worker stops fetching until some settle. */
    static final int MAX_IN_FLIGHT = 256;
    /** Longest wait before a refused settlement is tried again. */
    private static final long MAX_SETTLE_BACKOFF_MILLIS = 30_000;
    /** How many delivered webhook ids the worker remembers, so a redelivered record is not sent twice. */
    private static final int REMEMBERED_DELIVERIES = 100_000;

    private final Vertx vertx;
    private final KafkaSettings kafka;
    private final Topics topics;
    private final RetrySchedule schedule;
    private final WebhookState state;
    private final WebhookSecrets secrets;
    private final WebhookDelivery delivery;
    private final KafkaProducer<String, Buffer> producer;
    private final Clock clock;
    private final RandomGenerator random;
    /** Per partition: offsets fetched and not yet settled, and the offset after the last one fetched. */
    private final Map<TopicPartition, TreeSet<Long>> unsettled = new HashMap<>();
    private final Map<TopicPartition, Long> fetchedUpTo = new HashMap<>();
    private final Set<String> delivered = java.util.Collections.newSetFromMap(new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_DELIVERIES;
        }
    });
    /** The attempt under way per webhook id: a second record of the same webhook waits for it. */
    private final Map<String, Future<Void>> attempting = new HashMap<>();
    /** Completed once no delivery is under way while stopping. */
    private final Promise<Void> drained = Promise.promise();
    private int inFlight;
    private boolean throttled;
    private KafkaConsumer<String, Buffer> consumer;
    private volatile boolean stopping;

    public WebhookWorker(Vertx vertx, KafkaSettings kafka, Topics topics, RetrySchedule schedule, WebhookState state,
                         WebhookSecrets secrets, WebhookDelivery delivery, KafkaProducer<String, Buffer> producer,
                         Clock clock, RandomGenerator random) {
        this.vertx = vertx;
        this.kafka = kafka;
        this.topics = topics;
        this.schedule = schedule;
        this.state = state;
        this.secrets = secrets;
        this.delivery = delivery;
        this.producer = producer;
        this.clock = clock;
        this.random = random;
    }

    /** The topics this worker consumes: the deliveries topic and one retry tier per later attempt. */
    public List<String> inputTopics() {
        List<String> inputs = new ArrayList<>();
        inputs.add(topics.webhookDeliveries());
        for (int tier = 1; tier < schedule.attempts(); tier++) {
            inputs.add(topics.webhookRetry(tier));
        }
        return inputs;
    }

    public Future<Void> start() {
        consumer = KafkaConsumer.create(vertx, kafka.consumer(GROUP, GROUP + "-" + UUID.randomUUID().toString().substring(0, 8), 64));
        consumer.partitionsRevokedHandler(revoked -> revoked.forEach(partition -> {
            unsettled.remove(partition);
            fetchedUpTo.remove(partition);
        }));
        return consumer.subscribe(new HashSet<>(inputTopics())).onSuccess(subscribed -> vertx.runOnContext(next -> pollLoop()));
    }

    /**
     * Stops fetching, lets the deliveries under way finish and commits what they settled (for at
     * most {@code drainTimeout}), then leaves the group: a restart sends again only what was cut off.
     */
    public Future<Void> stop(Duration drainTimeout) {
        stopping = true;
        if (consumer == null) {
            return Future.succeededFuture();
        }
        if (inFlight == 0) {
            drained.tryComplete();
        }
        long timer = vertx.setTimer(Math.max(1, drainTimeout.toMillis()), late -> drained.tryComplete());
        return drained.future().compose(done -> {
            vertx.cancelTimer(timer);
            return consumer.close();
        });
    }

    private void pollLoop() {
        if (stopping) {
            return;
        }
        consumer.poll(POLL).onComplete(polled -> {
            if (polled.succeeded() && !stopping) {
                take(polled.result());
            } else if (!stopping) {
                LOG.warn("webhook poll failed: {}", polled.cause().toString());
            }
            if (!stopping) {
                vertx.runOnContext(next -> pollLoop());
            }
        });
    }

    /** Starts an attempt for every due record; holds a partition back at its first record not yet due. */
    private void take(KafkaConsumerRecords<String, Buffer> records) {
        Instant now = clock.instant();
        Set<TopicPartition> held = new HashSet<>();
        for (int i = 0; i < records.size(); i++) {
            KafkaConsumerRecord<String, Buffer> record = records.recordAt(i);
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            if (held.contains(partition)) {
                continue;
            }
            WebhookMessage message;
            try {
                message = WebhookMessage.fromJson(CloudEventRecords.fromRecord(record).data());
            } catch (MalformedEventException | RuntimeException e) {
                LOG.warn("skipping unreadable webhook record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
                begin(partition, record.offset());
                settled(partition, record.offset());
                continue;
            }
            if (message.dueAt().isAfter(now)) {
                held.add(partition);
                long waitMillis = Math.min(MAX_HOLD_MILLIS, Duration.between(now, message.dueAt()).toMillis() + 1);
                consumer.pause(partition)
                        .compose(paused -> consumer.seek(partition, record.offset()))
                        .onSuccess(rewound -> vertx.setTimer(waitMillis, fired -> {
                            if (!stopping) {
                                consumer.resume(partition);
                            }
                        }));
                continue;
            }
            begin(partition, record.offset());
            long offset = record.offset();
            attempt(message).onComplete(done -> settle(partition, offset, message, done.succeeded() ? null : done.cause(), 0));
        }
        throttle();
    }

    private void begin(TopicPartition partition, long offset) {
        unsettled.computeIfAbsent(partition, p -> new TreeSet<>()).add(offset);
        fetchedUpTo.merge(partition, offset + 1, Math::max);
        inFlight++;
    }

    /**
     * An attempt ended; if settling it failed (Kafka refused the next tier's record), the attempt is made
     * again later: a delivered webhook is remembered and not sent twice, a failed one is merely retried sooner.
     */
    private void settle(TopicPartition partition, long offset, WebhookMessage message, Throwable failure, int failures) {
        if (failure == null) {
            settled(partition, offset);
            return;
        }
        long backoff = Math.min(MAX_SETTLE_BACKOFF_MILLIS, 500L << Math.min(failures, 10));
        LOG.warn("webhook {} could not be settled (tried {} times), trying again in {} ms: {}", message.webhookId(), failures + 1,
                backoff, failure.toString());
        vertx.setTimer(backoff, retry -> attempt(message).onComplete(done ->
                settle(partition, offset, message, done.succeeded() ? null : done.cause(), failures + 1)));
    }

    /** Commits the partition up to its oldest unsettled record. */
    private void settled(TopicPartition partition, long offset) {
        inFlight--;
        TreeSet<Long> open = unsettled.get(partition);
        if (open == null || !open.remove(offset) || drained.future().isComplete()) {
            drainedIfIdle();
            return; // revoked meanwhile: its new owner redoes what was not committed
        }
        long commitUpTo = open.isEmpty() ? fetchedUpTo.get(partition) : open.first();
        Future<?> committed = consumer.commit(Map.of(partition, new OffsetAndMetadata(commitUpTo, null)))
                .onFailure(error -> LOG.debug("webhook commit of {} failed (redone on the next settle): {}", partition, error.toString()));
        if (stopping) {
            committed.onComplete(done -> drainedIfIdle());
        } else {
            throttle();
        }
    }

    private void drainedIfIdle() {
        if (stopping && inFlight == 0) {
            drained.tryComplete();
        }
    }

    /** Stops fetching while too many deliveries are under way, and fetches again once fewer are. */
    private void throttle() {
        if (!throttled && inFlight >= MAX_IN_FLIGHT) {
            throttled = true;
            consumer.assignment().compose(consumer::pause);
        } else if (throttled && inFlight < MAX_IN_FLIGHT / 2) {
            throttled = false;
            consumer.assignment().compose(consumer::resume);
        }
    }

    /** Makes one attempt and settles it: nothing more, the next tier, the dead-letter topic, or a disabled endpoint. */
    private Future<Void> attempt(WebhookMessage message) {
        Future<Void> earlier = attempting.get(message.webhookId());
        Future<Void> attempt = earlier == null ? attemptNow(message)
                : earlier.transform(finished -> attemptNow(message)); // sent at most once at a time, then remembered
        attempting.put(message.webhookId(), attempt);
        return attempt.onComplete(done -> attempting.remove(message.webhookId(), attempt));
    }

    private Future<Void> attemptNow(WebhookMessage message) {
        Instant now = clock.instant();
        if (delivered.contains(message.webhookId())) {
            return Future.succeededFuture(); // delivered before this record came again (a rewind or a redelivery)
        }
        if (state.isDisabled(message.owner(), message.url())) {
            return deadLetter(message.next(now, "endpoint disabled: it answered 410 Gone to an earlier delivery"));
        }
        return delivery.attempt(message, secrets.signing(message.owner(), now), now).<Void>compose(outcome -> {
            try (JobLog ignored = JobLog.of(message.jobId(), Stage.GATEWAY.serviceName())) {
                LOG.info("webhook {} attempt {} to {}: {}", message.webhookId(), message.attempt() + 1, message.url(), outcome.detail());
            }
            GatewayMetrics.webhookAttempt(outcome.result().name().toLowerCase(), message.attempt() + 1);
            return switch (outcome.result()) {
                case DELIVERED -> {
                    delivered.add(message.webhookId());
                    yield Future.<Void>succeededFuture();
                }
                case GONE -> disable(message);
                case REFUSED -> deadLetter(message.next(now, "refused by the SSRF guard: " + outcome.detail()));
                case RETRY -> {
                    int next = message.attempt() + 1;
                    if (next >= schedule.attempts()) {
                        yield deadLetter(message.next(now, outcome.detail()));
                    }
                    WebhookMessage retry = message.next(clock.instant().plus(schedule.delayBefore(next, random)), outcome.detail());
                    yield producer.send(CloudEventRecords.toRecord(topics.webhookRetry(next),
                            retry.toCloudEvent(WebhookMessage.TYPE_ATTEMPT, clock.instant()))).<Void>mapEmpty();
                }
            };
        });
    }

    private Future<Void> disable(WebhookMessage message) {
        CloudEvent disabled = new CloudEvent("endpoint/" + message.owner() + "/" + message.webhookId(),
                dev.codi.protocol.Stage.GATEWAY.eventSource(), WebhookState.TYPE_ENDPOINT_DISABLED,
                "endpoint/" + message.owner() + "/" + dev.codi.gateway.auth.ApiKeys.sha256Hex(message.url()), clock.instant(),
                new JsonObject().put("owner", message.owner()).put("url", message.url()));
        state.applySetting(disabled);
        return producer.send(CloudEventRecords.toRecord(topics.webhookSettings(), disabled)).mapEmpty();
    }

    private Future<Void> deadLetter(WebhookMessage last) {
        CloudEvent dead = last.toCloudEvent(WebhookMessage.TYPE_DEAD, clock.instant());
        state.applyDeadLetter(dead);
        return producer.send(CloudEventRecords.toRecord(topics.webhookDeadLetter(), dead)).mapEmpty();
    }
}

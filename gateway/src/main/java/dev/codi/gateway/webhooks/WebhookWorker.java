package dev.codi.gateway.webhooks;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.MalformedEventException;
import dev.codi.protocol.Topics;
import dev.codi.protocol.kafka.CloudEventRecords;
import dev.codi.protocol.kafka.KafkaSettings;
import io.vertx.core.Future;
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
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Delivers webhooks from Kafka: first attempts from the deliveries topic, attempt k from retry
 * tier k. Consumer group {@value #GROUP}, offsets committed only once an attempt is settled
 * (delivered, rescheduled on the next tier, or dead-lettered), so a gateway that stops in the
 * middle of the schedule loses nothing: whoever consumes next finds the pending attempts.
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
        return consumer.subscribe(new HashSet<>(inputTopics())).onSuccess(subscribed -> vertx.runOnContext(next -> pollLoop()));
    }

    public Future<Void> stop() {
        stopping = true;
        return consumer == null ? Future.succeededFuture() : consumer.close();
    }

    private void pollLoop() {
        if (stopping) {
            return;
        }
        consumer.poll(POLL).compose(this::handle).onComplete(done -> {
            if (done.failed() && !stopping) {
                LOG.warn("webhook batch not committed, it will be redelivered: {}", done.cause().toString());
            }
            if (!stopping) {
                vertx.runOnContext(next -> pollLoop());
            }
        });
    }

    private Future<Void> handle(KafkaConsumerRecords<String, Buffer> records) {
        Instant now = clock.instant();
        Map<TopicPartition, OffsetAndMetadata> settled = new HashMap<>();
        Set<TopicPartition> held = new HashSet<>();
        List<Future<?>> work = new ArrayList<>();
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
                settled.put(partition, new OffsetAndMetadata(record.offset() + 1, null));
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
            work.add(attempt(message));
            settled.put(partition, new OffsetAndMetadata(record.offset() + 1, null));
        }
        return Future.all(work).compose(done -> settled.isEmpty() ? Future.<Void>succeededFuture() : consumer.commit(settled).mapEmpty());
    }

    /** Makes one attempt and settles it: nothing more, the next tier, the dead-letter topic, or a disabled endpoint. */
    private Future<Void> attempt(WebhookMessage message) {
        Instant now = clock.instant();
        if (state.isDisabled(message.owner(), message.url())) {
            return deadLetter(message.next(now, "endpoint disabled: it answered 410 Gone to an earlier delivery"));
        }
        return delivery.attempt(message, secrets.signing(message.owner(), now), now).<Void>compose(outcome -> {
            LOG.info("webhook {} attempt {} to {}: {}", message.webhookId(), message.attempt() + 1, message.url(), outcome.detail());
            return switch (outcome.result()) {
                case DELIVERED -> Future.<Void>succeededFuture();
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

package dev.codi.gateway.webhooks;

import dev.codi.gateway.jobs.JobRepresentation;
import dev.codi.gateway.view.JobChange;
import dev.codi.protocol.Stage;
import dev.codi.protocol.Topics;
import dev.codi.protocol.events.JobEvent;
import dev.codi.protocol.kafka.CloudEventRecords;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Turns job changes into webhook messages on the deliveries topic. Runs as a listener of the job
 * view, also while the view is rebuilt at start: an event whose message was never enqueued (the
 * gateway was down when it happened) is enqueued then, one already enqueued is not (the
 * deliveries topic says which). Progress is only sent live, at most {@link #PROGRESS_INTERVAL}
 * apart per job. Payload (Standard Webhooks): {@code {"type", "timestamp", "data": <job>}}, with
 * artifacts as presigned URLs, never inline.
 */
public final class WebhookTrigger {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookTrigger.class);
    /** docs/design.md §4: job.progress at most 2 per second. */
    public static final Duration PROGRESS_INTERVAL = Duration.ofMillis(500);
    /** Events older than this are not sent when found at start (the deliveries topic may have forgotten them). */
    public static final Duration MAX_EVENT_AGE = Duration.ofDays(1);
    /** The longest wait between two tries to enqueue a webhook while Kafka refuses it. */
    static final Duration MAX_ENQUEUE_BACKOFF = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final WebhookState state;
    private final JobRepresentation representation;
    private final KafkaProducer<String, Buffer> producer;
    private final Topics topics;
    private final RetrySchedule schedule;
    private final Clock clock;
    private final RandomGenerator random;
    private final Map<String, Instant> lastProgress = new HashMap<>();
    private boolean live;

    public WebhookTrigger(Vertx vertx, WebhookState state, JobRepresentation representation, KafkaProducer<String, Buffer> producer,
                          Topics topics, RetrySchedule schedule, Clock clock, RandomGenerator random) {
        this.vertx = vertx;
        this.state = state;
        this.representation = representation;
        this.producer = producer;
        this.topics = topics;
        this.schedule = schedule;
        this.clock = clock;
        this.random = random;
    }

    /** The view has caught up: what follows happens now. */
    public void goLive() {
        live = true;
    }

    public void onChange(JobChange change) {
        JobEvent event = change.event();
        if (event instanceof JobEvent.Queued queued && queued.webhook() != null) {
            state.subscribe(queued.jobId(), queued.job().owner(), WebhookSubscription.fromJson(queued.webhook()));
            return;
        }
        WebhookState.Subscriber subscriber = state.subscriber(change.job().id());
        String type = webhookType(event);
        if (subscriber == null || type == null || !subscriber.subscription().events().contains(type)) {
            return;
        }
        Instant now = clock.instant();
        Instant happened = change.job().updatedAt();
        if (type.equals(WebhookSubscription.PROGRESS)) {
            Instant last = lastProgress.get(change.job().id());
            if (!live || (last != null && Duration.between(last, happened).compareTo(PROGRESS_INTERVAL) < 0)) {
                return;
            }
            lastProgress.put(change.job().id(), happened);
        }
        if (change.job().status().terminal()) {
            lastProgress.remove(change.job().id());
        }
        String webhookId = webhookId(change.eventId());
        if (state.wasEnqueued(webhookId) || happened.plus(MAX_EVENT_AGE).isBefore(now)) {
            return;
        }
        state.markEnqueued(webhookId);
        vertx.executeBlocking(() -> new JsonObject().put("type", type).put("timestamp", happened.toString())
                        .put("data", representation.render(change.job())).encode(), true)
                .onSuccess(body -> enqueue(new WebhookMessage(webhookId, subscriber.owner(), change.job().id(),
                        subscriber.subscription().url(), type, body, 0, now.plus(schedule.delayBefore(0, random)), null), 0))
                .onFailure(error -> LOG.warn("could not render webhook {} of job {}: {}", type, change.job().id(), error.toString()));
    }

    /**
     * Puts the first attempt on the deliveries topic; while Kafka refuses it, tries again after a
     * backoff that doubles up to {@link #MAX_ENQUEUE_BACKOFF}, so a broker outage delays webhooks
     * and loses none (and a gateway restart re-derives what it never enqueued from the view).
     */
    private void enqueue(WebhookMessage message, int failures) {
        producer.send(CloudEventRecords.toRecord(topics.webhookDeliveries(), message.toCloudEvent(WebhookMessage.TYPE_ATTEMPT,
                        clock.instant())))
                .onFailure(error -> {
                    long backoff = Math.min(MAX_ENQUEUE_BACKOFF.toMillis(), 500L << Math.min(failures, 10));
                    LOG.warn("could not enqueue webhook {} of job {} (tried {} times), trying again in {} ms: {}", message.type(),
                            message.jobId(), failures + 1, backoff, error.toString());
                    vertx.setTimer(backoff, retry -> enqueue(message, failures + 1));
                });
    }

    /** The webhook type of a job event, or null when it has none (job.started is the first stage starting). */
    static String webhookType(JobEvent event) {
        if (event instanceof JobEvent.Started started) {
            return started.stage() == Stage.ENCODER ? WebhookSubscription.STARTED : null;
        }
        if (event instanceof JobEvent.Progress) {
            return WebhookSubscription.PROGRESS;
        }
        if (event instanceof JobEvent.Succeeded) {
            return WebhookSubscription.SUCCEEDED;
        }
        if (event instanceof JobEvent.Failed) {
            return WebhookSubscription.FAILED;
        }
        if (event instanceof JobEvent.Canceled) {
            return WebhookSubscription.CANCELED;
        }
        return null;
    }

    /** A Standard Webhooks message id derived from the job event's id: the same on every retry and every gateway. */
    static String webhookId(String eventId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(eventId.getBytes(StandardCharsets.UTF_8));
            return "msg_" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}

package dev.codi.gateway.webhooks;

import dev.codi.protocol.CloudEvent;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the gateway knows about webhooks, folded from Kafka like the job view (no other database):
 * from the settings topic, each key's secret generation and the endpoints a 410 disabled; from
 * the dead-letter topic, the deliveries that failed their last attempt and which were replayed;
 * from the deliveries topic, which events were already enqueued (so a restarted gateway does
 * not send them twice). Confined to the gateway's event loop.
 */
public final class WebhookState {
    public static final String TYPE_SECRET_ROTATED = "dev.codi.webhook.secret-rotated";
    public static final String TYPE_ENDPOINT_DISABLED = "dev.codi.webhook.endpoint-disabled";
    public static final String TYPE_REPLAYED = "dev.codi.webhook.replayed";

    /** @param generation 0 until the first rotation */
    public record Rotation(int generation, Instant rotatedAt) {
    }

    /** A delivery that failed its last attempt. */
    public record DeadDelivery(WebhookMessage message, Instant failedAt, Instant replayedAt) {
        public JsonObject toJson() {
            return new JsonObject().put("webhook_id", message.webhookId()).put("type", message.type())
                    .put("url", message.url()).put("attempts", message.attempt()).put("last_error", message.lastError())
                    .put("failed_at", failedAt.toString()).put("replayed_at", replayedAt == null ? null : replayedAt.toString());
        }
    }

    private final Map<String, Rotation> rotations = new HashMap<>();
    private final Set<String> disabledEndpoints = new HashSet<>();
    private final Map<String, Map<String, DeadDelivery>> deadByJob = new HashMap<>();
    private final Set<String> enqueued = new HashSet<>();
    private final Map<String, Subscriber> subscribers = new HashMap<>();

    /** A job's webhook and the API key it belongs to. */
    public record Subscriber(String owner, WebhookSubscription subscription) {
    }

    public void subscribe(String jobId, String owner, WebhookSubscription subscription) {
        subscribers.put(jobId, new Subscriber(owner, subscription));
    }

    /** The job's webhook, or null when it has none. */
    public Subscriber subscriber(String jobId) {
        return subscribers.get(jobId);
    }

    /** One dead delivery of a job, or null. */
    public DeadDelivery deadDelivery(String jobId, String webhookId) {
        return deadByJob.getOrDefault(jobId, Map.of()).get(webhookId);
    }

    public Rotation rotation(String owner) {
        return rotations.getOrDefault(owner, new Rotation(0, null));
    }

    public boolean isDisabled(String owner, String url) {
        return disabledEndpoints.contains(owner + " " + url);
    }

    public List<DeadDelivery> deadDeliveries(String jobId) {
        return new ArrayList<>(deadByJob.getOrDefault(jobId, Map.of()).values());
    }

    public boolean wasEnqueued(String webhookId) {
        return enqueued.contains(webhookId);
    }

    public void markEnqueued(String webhookId) {
        enqueued.add(webhookId);
    }

    /** Folds a record of the settings topic. */
    public void applySetting(CloudEvent event) {
        JsonObject data = event.data();
        switch (event.type()) {
            case TYPE_SECRET_ROTATED -> {
                Rotation rotation = new Rotation(data.getInteger("generation"), Instant.parse(data.getString("rotated_at")));
                rotations.merge(data.getString("owner"), rotation, (a, b) -> a.generation() >= b.generation() ? a : b);
            }
            case TYPE_ENDPOINT_DISABLED -> disabledEndpoints.add(data.getString("owner") + " " + data.getString("url"));
            default -> { }
        }
    }

    /** Folds a record of the webhook dead-letter topic. */
    public void applyDeadLetter(CloudEvent event) {
        if (WebhookMessage.TYPE_DEAD.equals(event.type())) {
            WebhookMessage message = WebhookMessage.fromJson(event.data());
            deadByJob.computeIfAbsent(message.jobId(), id -> new LinkedHashMap<>())
                    .put(message.webhookId(), new DeadDelivery(message, event.time(), null));
        } else if (TYPE_REPLAYED.equals(event.type())) {
            Map<String, DeadDelivery> dead = deadByJob.get(event.jobId());
            String webhookId = event.data().getString("webhook_id");
            if (dead != null && dead.containsKey(webhookId)) {
                DeadDelivery entry = dead.get(webhookId);
                dead.put(webhookId, new DeadDelivery(entry.message(), entry.failedAt(), event.time()));
            }
        }
    }

    /** Folds a record of the deliveries topic. */
    public void applyDelivery(CloudEvent event) {
        if (WebhookMessage.TYPE_ATTEMPT.equals(event.type())) {
            enqueued.add(event.data().getString("webhook_id"));
        }
    }
}

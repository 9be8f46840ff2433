package dev.codi.gateway.webhooks;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.Stage;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * One webhook delivery attempt as it travels through Kafka (first attempts on the deliveries
 * topic, later ones on the retry tiers, the last failure on the webhook dead-letter topic). The
 * body is fixed when the event happens, so every attempt sends the same bytes under the same
 * {@code webhook-id}; only {@code webhook-timestamp} and the signature change.
 *
 * @param webhookId the Standard Webhooks message id: the job event's id, stable across retries
 * @param attempt   0-based number of this attempt
 * @param dueAt     not before this instant
 * @param lastError what went wrong with the previous attempt, or null
 */
public record WebhookMessage(String webhookId, String owner, String jobId, String url, String type, String body,
                             int attempt, Instant dueAt, String lastError) {
    public static final String TYPE_ATTEMPT = "dev.codi.webhook.attempt";
    public static final String TYPE_DEAD = "dev.codi.webhook.dead";

    public WebhookMessage next(Instant dueAt, String error) {
        return new WebhookMessage(webhookId, owner, jobId, url, type, body, attempt + 1, dueAt, error);
    }

    public WebhookMessage replay(Instant now) {
        return new WebhookMessage(webhookId, owner, jobId, url, type, body, 0, now, null);
    }

    public CloudEvent toCloudEvent(String cloudEventType, Instant time) {
        return new CloudEvent(webhookId + "/attempt/" + attempt + (TYPE_DEAD.equals(cloudEventType) ? "/dead" : ""),
                Stage.GATEWAY.eventSource(), cloudEventType, jobId, time, toJson());
    }

    public JsonObject toJson() {
        return new JsonObject().put("webhook_id", webhookId).put("owner", owner).put("job_id", jobId).put("url", url)
                .put("type", type).put("body", body).put("attempt", attempt).put("due_at", dueAt.toString())
                .put("last_error", lastError);
    }

    public static WebhookMessage fromJson(JsonObject json) {
        return new WebhookMessage(json.getString("webhook_id"), json.getString("owner"), json.getString("job_id"),
                json.getString("url"), json.getString("type"), json.getString("body"), json.getInteger("attempt"),
                Instant.parse(json.getString("due_at")), json.getString("last_error"));
    }
}

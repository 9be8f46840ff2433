package dev.codi.gateway.webhooks;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A job's {@code "webhook": {"url": "...", "events": [...]}}: where to send which of its events.
 * Without {@code events}, the final three are sent.
 */
public record WebhookSubscription(String url, Set<String> events) {
    public static final String STARTED = "job.started";
    public static final String PROGRESS = "job.progress";
    public static final String SUCCEEDED = "job.succeeded";
    public static final String FAILED = "job.failed";
    public static final String CANCELED = "job.canceled";
    public static final List<String> EVENT_TYPES = List.of(STARTED, PROGRESS, SUCCEEDED, FAILED, CANCELED);
    public static final Set<String> DEFAULT_EVENTS = Set.of(SUCCEEDED, FAILED, CANCELED);

    public WebhookSubscription {
        events = Set.copyOf(events);
    }

    /** Validates the request's {@code webhook} member (the URL's SSRF check is separate); throws IllegalArgumentException. */
    public static WebhookSubscription parse(Object value) {
        if (!(value instanceof JsonObject webhook)) {
            throw new IllegalArgumentException("'webhook' must be an object {\"url\": \"https://...\", \"events\": [...]}");
        }
        for (String field : webhook.fieldNames()) {
            if (!field.equals("url") && !field.equals("events")) {
                throw new IllegalArgumentException("unknown field 'webhook." + field + "'; a webhook has url and events");
            }
        }
        if (!(webhook.getValue("url") instanceof String url)) {
            throw new IllegalArgumentException("webhook.url must be a string");
        }
        Object eventsValue = webhook.getValue("events");
        if (eventsValue == null) {
            return new WebhookSubscription(url, DEFAULT_EVENTS);
        }
        if (!(eventsValue instanceof JsonArray array) || array.isEmpty()) {
            throw new IllegalArgumentException("webhook.events must be a non-empty array of " + EVENT_TYPES);
        }
        Set<String> events = new LinkedHashSet<>();
        for (Object event : array) {
            if (!(event instanceof String name) || !EVENT_TYPES.contains(name)) {
                throw new IllegalArgumentException("webhook.events: unknown event " + event + "; expected any of " + EVENT_TYPES);
            }
            events.add(name);
        }
        return new WebhookSubscription(url, events);
    }

    public JsonObject toJson() {
        return new JsonObject().put("url", url).put("events", new JsonArray(EVENT_TYPES.stream().filter(events::contains).toList()));
    }

    public static WebhookSubscription fromJson(JsonObject json) {
        return json == null ? null : new WebhookSubscription(json.getString("url"),
                Set.copyOf(json.getJsonArray("events").stream().map(String.class::cast).toList()));
    }
}

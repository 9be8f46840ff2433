package dev.codi.protocol.stage;

import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How a stage behaves under faults, from its deployment config (CODI_* names, like every setting).
 *
 * @param maxDeliveryAttempts deliveries of one record that may end with the stage dying before it
 *                            is dead-lettered (CODI_MAX_DELIVERY_ATTEMPTS, default 3)
 * @param maxBackoff          longest wait before a batch whose publish or commit failed is redone
 *                            (CODI_RETRY_BACKOFF_MAX_MS, default 30000); the wait doubles from 200 ms
 * @param keepAlive           how often a stage busy with a batch polls its paused partitions to stay
 *                            in its consumer group (CODI_POLL_KEEPALIVE_MS, default 1000)
 * @param catchUpTimeout      longest a stage may take at start to read the cancellations up to the
 *                            end of job-events before it gives up loudly (CODI_CATCH_UP_TIMEOUT_SECONDS, default 300)
 * @param workDelivery        how the stage takes jobs off its work topic: a share group or a consumer group
 *                            (CODI_WORK_DELIVERY, {@code share} or {@code group}, default {@code group})
 * @param variables           the whole config as strings (test hooks read theirs from it)
 */
public record StageSettings(int maxDeliveryAttempts, Duration maxBackoff, Duration keepAlive, Duration catchUpTimeout,
                            WorkDelivery workDelivery, Map<String, String> variables) {
    public static final String MAX_DELIVERY_ATTEMPTS = "CODI_MAX_DELIVERY_ATTEMPTS";
    public static final String RETRY_BACKOFF_MAX_MS = "CODI_RETRY_BACKOFF_MAX_MS";
    public static final String POLL_KEEPALIVE_MS = "CODI_POLL_KEEPALIVE_MS";
    public static final String CATCH_UP_TIMEOUT_SECONDS = "CODI_CATCH_UP_TIMEOUT_SECONDS";
    public static final String WORK_DELIVERY = "CODI_WORK_DELIVERY";
    /** A share group's broker-side delivery limit is at most 10 (group.share.max.delivery.count.limit's default). */
    static final int MAX_SHARE_DELIVERY_ATTEMPTS = 9;

    public StageSettings {
        if (maxDeliveryAttempts < 1) {
            throw new IllegalArgumentException(MAX_DELIVERY_ATTEMPTS + " must be at least 1, got " + maxDeliveryAttempts);
        }
        if (maxBackoff.toMillis() < 200) {
            throw new IllegalArgumentException(RETRY_BACKOFF_MAX_MS + " must be at least 200, got " + maxBackoff.toMillis());
        }
        if (keepAlive.toMillis() < 10) {
            throw new IllegalArgumentException(POLL_KEEPALIVE_MS + " must be at least 10, got " + keepAlive.toMillis());
        }
        if (catchUpTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException(CATCH_UP_TIMEOUT_SECONDS + " must be at least 1, got " + catchUpTimeout.toSeconds());
        }
        if (workDelivery == WorkDelivery.SHARE && maxDeliveryAttempts > MAX_SHARE_DELIVERY_ATTEMPTS) {
            throw new IllegalArgumentException(MAX_DELIVERY_ATTEMPTS + " must be at most " + MAX_SHARE_DELIVERY_ATTEMPTS
                    + " with " + WORK_DELIVERY + "=share (the broker's delivery limit is 10), got " + maxDeliveryAttempts);
        }
        variables = Map.copyOf(variables);
    }

    public static StageSettings from(JsonObject config) {
        Map<String, String> variables = new HashMap<>();
        config.forEach(entry -> variables.put(entry.getKey(), String.valueOf(entry.getValue())));
        return new StageSettings(
                Integer.parseInt(variables.getOrDefault(MAX_DELIVERY_ATTEMPTS, "3")),
                Duration.ofMillis(Long.parseLong(variables.getOrDefault(RETRY_BACKOFF_MAX_MS, "30000"))),
                Duration.ofMillis(Long.parseLong(variables.getOrDefault(POLL_KEEPALIVE_MS, "1000"))),
                catchUpTimeout(variables),
                WorkDelivery.parse(variables.getOrDefault(WORK_DELIVERY, "group")),
                variables);
    }

    /** CODI_CATCH_UP_TIMEOUT_SECONDS, default 300: how long any reader of a topic may take to catch up at start. */
    public static Duration catchUpTimeout(Map<String, String> variables) {
        return Duration.ofSeconds(Long.parseLong(variables.getOrDefault(CATCH_UP_TIMEOUT_SECONDS, "300")));
    }
}

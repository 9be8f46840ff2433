package dev.codi.protocol;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Objects;

/**
 * A CloudEvents 1.0 event with a JSON payload (the subset of attributes we use).
 *
 * <p>{@code id} is deterministic per job, stage and kind of event, so a stage that runs twice
 * on the same input (at-least-once delivery) emits the same ids and consumers drop the repeat
 * (Debezium's idempotent-consumer pattern).
 *
 * @param subject the job id; also the Kafka record key
 * @param trace   the W3C trace context of the work that produced the event (the CloudEvents
 *                distributed-tracing extension: {@code traceparent}, {@code tracestate}), or
 *                {@link DistributedTrace#NONE}
 */
public record CloudEvent(String id, String source, String type, String subject, Instant time, JsonObject data,
                         DistributedTrace trace) {
    public static final String SPEC_VERSION = "1.0";
    public static final String DATA_CONTENT_TYPE = "application/json";

    public CloudEvent {
        requireText(id, "id");
        requireText(source, "source");
        requireText(type, "type");
        requireText(subject, "subject");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(trace, "trace");
    }

    /** An event that carries no trace context. */
    public CloudEvent(String id, String source, String type, String subject, Instant time, JsonObject data) {
        this(id, source, type, subject, time, data, DistributedTrace.NONE);
    }

    /** This event, carrying {@code trace} instead. */
    public CloudEvent withTrace(DistributedTrace trace) {
        return new CloudEvent(id, source, type, subject, time, data, trace);
    }

    private static void requireText(String value, String attribute) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("CloudEvent attribute '" + attribute + "' must be non-empty");
        }
    }

    public String jobId() {
        return subject;
    }
}

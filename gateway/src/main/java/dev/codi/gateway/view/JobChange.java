package dev.codi.gateway.view;

import dev.codi.protocol.events.JobEvent;

/**
 * One change of a job in the view: the id of the event that caused it (unique, stable across
 * gateways and restarts), the event, and the job as it was right after.
 */
public record JobChange(String eventId, JobEvent event, JobRecord job) {
    private static final String TYPE_PREFIX = "dev.codi.";

    /** The client-facing name of the change: {@code dev.codi.job.progress} → {@code job.progress} (SSE event, webhook type). */
    public String name() {
        return clientName(event.type());
    }

    public static String clientName(String eventType) {
        return eventType.startsWith(TYPE_PREFIX) ? eventType.substring(TYPE_PREFIX.length()) : eventType;
    }
}

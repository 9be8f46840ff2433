package dev.codi.protocol;

/**
 * The CloudEvents distributed-tracing extension: the W3C Trace Context of the work that produced
 * an event, so that whoever consumes it continues the same trace (CloudEvents
 * {@code extensions/distributed-tracing.md}; W3C Trace Context §3). In Kafka binary mode the two
 * attributes travel as the {@code ce_traceparent} and {@code ce_tracestate} headers.
 *
 * @param traceparent {@code version-traceid-parentid-flags}, or null when the event carries no trace
 * @param tracestate  vendor-specific trace state, or null
 */
public record DistributedTrace(String traceparent, String tracestate) {
    public static final DistributedTrace NONE = new DistributedTrace(null, null);

    public DistributedTrace {
        if (traceparent != null && traceparent.isBlank()) {
            traceparent = null;
        }
        if (tracestate != null && (tracestate.isBlank() || traceparent == null)) {
            tracestate = null;
        }
    }

    public boolean isPresent() {
        return traceparent != null;
    }

    /** The trace id of {@code traceparent} (32 hex digits), or null when there is none or it is malformed. */
    public String traceId() {
        if (traceparent == null || traceparent.length() < 55 || traceparent.charAt(2) != '-' || traceparent.charAt(35) != '-') {
            return null;
        }
        return traceparent.substring(3, 35);
    }
}

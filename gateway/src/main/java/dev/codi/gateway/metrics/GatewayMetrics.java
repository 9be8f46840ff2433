package dev.codi.gateway.metrics;

import dev.codi.protocol.metrics.ProcessMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the gateway tells Prometheus (docs/operations.md), all in one place: requests by route and
 * status, the job-event streams open, and webhook attempts by outcome and attempt number. The
 * process's other meters (JVM, stages sharing the JVM) are in {@link ProcessMetrics}.
 */
public final class GatewayMetrics {
    private static final MeterRegistry REGISTRY = ProcessMetrics.registry();
    private static final AtomicInteger STREAMS_OPEN = new AtomicInteger();
    /** Latency buckets of the request timer: from a cached GET to a long Prefer: wait (a few, to keep series few). */
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(250),
            Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(120)};

    static {
        Gauge.builder("codi.gateway.sse.streams", STREAMS_OPEN, AtomicInteger::get)
                .description("Job-event streams (text/event-stream) open").register(REGISTRY);
    }

    private GatewayMetrics() {
    }

    /** Creates the process's registry and the gateway's meters (a blocking first use: call it off the event loop). */
    public static void start() {
        REGISTRY.config();
    }

    /**
     * The router's first handler: times the request and counts it, when its response ends, by
     * method, route template (never the raw path: job ids would make every request its own series)
     * and status.
     */
    public static void timeRequest(RoutingContext context) {
        Timer.Sample sample = Timer.start(REGISTRY);
        context.addEndHandler(ended -> sample.stop(Timer.builder("codi.gateway.http.requests")
                .description("HTTP requests the gateway answered")
                .tags("method", context.request().method().name(), "route", routeOf(context),
                        "status", Integer.toString(context.response().getStatusCode()))
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(REGISTRY)));
        context.next();
    }

    private static String routeOf(RoutingContext context) {
        Route route = context.currentRoute();
        String path = route == null ? null : route.getPath();
        if (path != null && !path.endsWith("*") && !path.equals("/")) {
            return path;
        }
        return context.response().getStatusCode() == 404 ? "unmatched" : "other";
    }

    /** A job-event stream opened; run what this returns when it closes (once is counted, however often it runs). */
    public static Runnable streamOpened() {
        STREAMS_OPEN.incrementAndGet();
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                STREAMS_OPEN.decrementAndGet();
            }
        };
    }

    /** One webhook delivery attempt ended ({@code attempt} counts from 1). */
    public static void webhookAttempt(String outcome, int attempt) {
        Counter.builder("codi.gateway.webhook.attempts").description("Webhook delivery attempts by outcome and attempt number")
                .tags("outcome", outcome, "attempt", Integer.toString(attempt)).register(REGISTRY).increment();
    }

    /** A hanging transaction on a partition of {@code topic} was ended, its records published again. */
    public static void hangingTransactionEnded(String topic) {
        Counter.builder("codi.gateway.hanging.transactions.ended")
                .description("Transactions found hanging (unknown to their coordinator, holding back committed readers) and ended")
                .tags("topic", topic).register(REGISTRY).increment();
    }

    /** Serves {@code /metrics}: every meter of the process in Prometheus' text format. */
    public static void scrape(RoutingContext context) {
        context.response().putHeader("Content-Type", ProcessMetrics.CONTENT_TYPE).end(ProcessMetrics.scrape());
    }
}

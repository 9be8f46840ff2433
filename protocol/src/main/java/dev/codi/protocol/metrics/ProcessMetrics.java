package dev.codi.protocol.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.util.EnumSet;

/**
 * The one meter registry of a process, scraped by Prometheus at {@code /metrics} (the gateway's
 * port, a stage's admin port). One per JVM, like the JVM it describes: when several services share
 * a JVM (the embedded pipeline), their meters are told apart by their {@code stage} tag.
 */
public final class ProcessMetrics {
    /** Prometheus text exposition format 0.0.4, what {@link #scrape()} writes. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final PrometheusMeterRegistry REGISTRY = create();

    private ProcessMetrics() {
    }

    public static MeterRegistry registry() {
        return REGISTRY;
    }

    /**
     * A Vert.x instance that reports its HTTP servers and clients, event bus and pools to this
     * registry (Vert.x's Micrometer metrics: {@code vertx_http_server_requests_total},
     * {@code vertx_pool_*}, {@code vertx_eventbus_*} once the event bus is used). Labels stay
     * bounded: an HTTP request is labelled by the Vert.x Web route templates that matched, never
     * by its path nor the remote address; a pool by type and name (a process has a few: Vert.x's
     * own and one per stage instance); the event bus by side, never by address (reply addresses
     * are unique per message).
     */
    public static Vertx vertx() {
        MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
                .setEnabled(true)
                .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE,
                        Label.POOL_NAME, Label.EB_SIDE));
        return Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(metrics))
                .withMetrics(new MicrometerMetricsFactory(REGISTRY))
                .build();
    }

    /** Every meter of the process in Prometheus' text format. */
    public static String scrape() {
        return REGISTRY.scrape();
    }

    private static PrometheusMeterRegistry create() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        return registry;
    }
}

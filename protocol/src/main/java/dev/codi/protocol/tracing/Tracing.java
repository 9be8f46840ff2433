package dev.codi.protocol.tracing;

import dev.codi.protocol.DistributedTrace;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OpenTelemetry for one codi service, from its configuration: on when an OTLP endpoint is
 * configured ({@value #ENDPOINT} or {@value #TRACES_ENDPOINT}), off otherwise. Off means the API's
 * no-op implementation: no exporter, no thread, no network, and a trace context that arrives on an
 * event is passed on unchanged.
 *
 * <p>On, the SDK is configured by OpenTelemetry's own autoconfiguration from the standard
 * {@code OTEL_*} variables (the deployment config's, which standalone services take from their
 * environment): {@code OTEL_EXPORTER_OTLP_HEADERS}, {@code OTEL_TRACES_SAMPLER},
 * {@code OTEL_RESOURCE_ATTRIBUTES}, {@code OTEL_BSP_SCHEDULE_DELAY} and the rest. Spans are exported
 * over OTLP/HTTP with protobuf ({@code http/protobuf}, the JDK's HTTP client); metrics and logs are
 * not exported (Prometheus scrapes the metrics, logs go to stderr). {@code OTEL_SERVICE_NAME}
 * defaults to the service's name.
 */
public final class Tracing {
    public static final String ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public static final String TRACES_ENDPOINT = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    /** The prefix of the standard variables handed to OpenTelemetry's autoconfiguration. */
    public static final String VARIABLE_PREFIX = "OTEL_";
    public static final String SERVICE_NAME = "OTEL_SERVICE_NAME";

    /** One SDK per service and configuration in a JVM (several stages share a JVM under {@code codi serve}). */
    private static final Map<String, OpenTelemetry> INSTANCES = new ConcurrentHashMap<>();

    private static final TextMapGetter<DistributedTrace> FROM_EVENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(DistributedTrace trace) {
            return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(DistributedTrace trace, String key) {
            return trace == null ? null : switch (key) {
                case "traceparent" -> trace.traceparent();
                case "tracestate" -> trace.tracestate();
                default -> null;
            };
        }
    };

    private Tracing() {
    }

    /** The OTEL_* variables of {@code environment}, as deployment config (for a JVM that runs several services). */
    public static JsonObject variablesFrom(Map<String, String> environment) {
        JsonObject variables = new JsonObject();
        environment.forEach((name, value) -> {
            if (name.startsWith(VARIABLE_PREFIX)) {
                variables.put(name, value);
            }
        });
        return variables;
    }

    /** True when {@code config} names an OTLP endpoint for traces. */
    public static boolean enabled(JsonObject config) {
        return !config.getString(ENDPOINT, "").isBlank() || !config.getString(TRACES_ENDPOINT, "").isBlank();
    }

    /** The OpenTelemetry of {@code serviceName} under {@code config}: the SDK when enabled, else the no-op. */
    public static OpenTelemetry openTelemetry(JsonObject config, String serviceName) {
        if (!enabled(config)) {
            return OpenTelemetry.noop();
        }
        Map<String, String> properties = new TreeMap<>();
        properties.put("otel.service.name", serviceName);
        config.forEach(entry -> {
            if (entry.getKey().startsWith(VARIABLE_PREFIX) && entry.getValue() != null) {
                properties.put(entry.getKey().toLowerCase(Locale.ROOT).replace('_', '.'), String.valueOf(entry.getValue()));
            }
        });
        properties.put("otel.traces.exporter", "otlp");
        properties.put("otel.metrics.exporter", "none");
        properties.put("otel.logs.exporter", "none");
        properties.put("otel.exporter.otlp.protocol", "http/protobuf");
        properties.put("otel.propagators", "tracecontext");
        return INSTANCES.computeIfAbsent(properties.toString(), key -> AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> new HashMap<>(properties))
                .build()
                .getOpenTelemetrySdk());
    }

    /** The trace context {@code trace} carries, as a parent for the spans of the work it asks for. */
    public static Context extract(DistributedTrace trace) {
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), trace, FROM_EVENT);
    }

    /** The CloudEvents distributed-tracing extension for work done within {@code span}. */
    public static DistributedTrace of(Span span) {
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), carrier, Map::put);
        return carrier.containsKey("traceparent")
                ? new DistributedTrace(carrier.get("traceparent"), carrier.get("tracestate")) : DistributedTrace.NONE;
    }

    /** The trace id of {@code span} for log lines (32 hex digits), or null when it has none. */
    public static String traceId(Span span) {
        return span.getSpanContext().isValid() ? span.getSpanContext().getTraceId() : null;
    }
}

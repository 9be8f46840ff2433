package dev.codi.gateway.http;

import dev.codi.protocol.tracing.JobTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * The server span of a request that starts a job's trace: a child of the client's own trace when
 * the request carries a W3C {@code traceparent} header, else a new trace. It ends when the
 * response does, with the status (OpenTelemetry's HTTP semantic conventions).
 */
public final class RequestTracing {
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final TextMapGetter<MultiMap> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(MultiMap headers) {
            return headers.names();
        }

        @Override
        public String get(MultiMap headers, String key) {
            return headers == null ? null : headers.get(key);
        }
    };

    private final Tracer tracer;

    public RequestTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer(JobTracing.INSTRUMENTATION);
    }

    /** Starts the span of {@code context}'s request, matched by {@code route}; it ends with the response. */
    public Span start(RoutingContext context, String route) {
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), context.request().headers(), HEADERS);
        String method = context.request().method().name();
        Span span = tracer.spanBuilder(method + " " + route).setParent(parent).setSpanKind(SpanKind.SERVER)
                .setAttribute(METHOD, method).setAttribute(ROUTE, route).startSpan();
        context.addEndHandler(ended -> {
            int status = context.response().getStatusCode();
            span.setAttribute(STATUS, (long) status);
            if (status >= 500 || ended.failed()) {
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        });
        return span;
    }
}

package dev.codi.protocol.tracing;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.DistributedTrace;
import dev.codi.protocol.events.EventTypes;
import dev.codi.protocol.logging.JobLog;
import dev.codi.protocol.stage.Outbound;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stage's spans: one per job it processes, a child of the trace its input event carries
 * (the CloudEvents distributed-tracing extension), named {@code process <stage>} and carrying the
 * job id and the stage. The events the stage emits for a job carry that span's trace context on,
 * so the next stage continues the same trace; log lines about the job carry its trace id, and
 * each job processed gets one line saying how it ended and how long it took.
 * Thread-safe: spans begin and end on the stage's worker thread, progress events are stamped from it.
 */
public final class JobTracing {
    private static final Logger LOG = LoggerFactory.getLogger(JobTracing.class);
    public static final AttributeKey<String> JOB_ID = AttributeKey.stringKey("codi.job.id");
    public static final AttributeKey<String> STAGE = AttributeKey.stringKey("codi.stage");
    public static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("cloudevents.event_type");
    public static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("cloudevents.event_id");
    public static final String INSTRUMENTATION = "dev.codi";

    private final Tracer tracer;
    private final String stage;
    /** The spans of the jobs being processed, by job id. */
    private final Map<String, Span> active = new ConcurrentHashMap<>();
    /** When each of them began ({@link System#nanoTime}). */
    private final Map<String, Long> began = new ConcurrentHashMap<>();

    public JobTracing(OpenTelemetry openTelemetry, String stage) {
        this.tracer = openTelemetry.getTracer(INSTRUMENTATION);
        this.stage = stage;
    }

    /** Starts the span of each job of a batch. */
    public void begin(List<CloudEvent> batch) {
        for (CloudEvent event : batch) {
            Span span = tracer.spanBuilder("process " + stage)
                    .setParent(Tracing.extract(event.trace()))
                    .setSpanKind(SpanKind.CONSUMER)
                    .setAttribute(JOB_ID, event.jobId())
                    .setAttribute(STAGE, stage)
                    .setAttribute(EVENT_TYPE, event.type())
                    .setAttribute(EVENT_ID, event.id())
                    .startSpan();
            active.put(event.jobId(), span);
            began.put(event.jobId(), System.nanoTime());
        }
    }

    /**
     * Makes {@code job}'s span the current one on this thread (object-store calls become its
     * children) and puts the job, the stage and the trace id in the log context, until closed.
     * With a null job (a batch of several), only the stage goes in the log context.
     */
    public JobScope enter(CloudEvent job) {
        Span span = job == null ? null : active.get(job.jobId());
        Scope scope = span == null ? Scope.noop() : span.makeCurrent();
        JobLog log = JobLog.of(job == null ? null : job.jobId(), stage, span == null ? null : Tracing.traceId(span));
        return new JobScope(scope, log);
    }

    /** {@code event} carrying the trace context of its job's span, when that job is being processed here. */
    public CloudEvent stamp(CloudEvent event) {
        Span span = active.get(event.jobId());
        if (span == null) {
            return event;
        }
        DistributedTrace trace = Tracing.of(span);
        return trace.isPresent() ? event.withTrace(trace) : event;
    }

    /** Every outbound event of a batch, stamped. */
    public List<Outbound> stamp(List<Outbound> outbound) {
        List<Outbound> stamped = new ArrayList<>(outbound.size());
        for (Outbound out : outbound) {
            stamped.add(new Outbound(out.topic(), stamp(out.event())));
        }
        return stamped;
    }

    /**
     * Ends the spans of a batch; a job whose outputs include {@code job.failed}, or that produced
     * nothing because the batch failed, ends with an error status.
     */
    public void end(List<CloudEvent> batch, List<Outbound> outbound, Throwable error) {
        for (CloudEvent event : batch) {
            Span span = active.remove(event.jobId());
            Long start = began.remove(event.jobId());
            if (span == null) {
                continue;
            }
            String outcome = "processed";
            if (error != null) {
                span.recordException(error);
                span.setStatus(StatusCode.ERROR, error.toString());
                outcome = "failed: " + error;
            } else if (outbound != null && outbound.stream().anyMatch(out -> out.event().jobId().equals(event.jobId())
                    && EventTypes.JOB_FAILED.equals(out.event().type()))) {
                span.setStatus(StatusCode.ERROR, "job failed");
                outcome = "failed";
            }
            span.end();
            try (JobLog ignored = JobLog.of(event.jobId(), stage, Tracing.traceId(span))) {
                LOG.info("{}: job {} {} in {} ms", stage, event.jobId(), outcome,
                        start == null ? 0 : (System.nanoTime() - start) / 1_000_000);
            }
        }
    }

    /** The scope of work about one job: its span current, its log context set. */
    public static final class JobScope implements AutoCloseable {
        private final Scope scope;
        private final JobLog log;

        private JobScope(Scope scope, JobLog log) {
            this.scope = scope;
            this.log = log;
        }

        @Override
        public void close() {
            log.close();
            scope.close();
        }
    }
}

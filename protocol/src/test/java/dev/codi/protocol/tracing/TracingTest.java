package dev.codi.protocol.tracing;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.DistributedTrace;
import dev.codi.protocol.logging.JobLog;
import dev.codi.protocol.stage.Outbound;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TracingTest {
    private static final DistributedTrace FROM_GATEWAY =
            new DistributedTrace("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null);

    @Test
    void withoutAnOtlpEndpointTracingIsTheNoOpAndPassesTheTraceOnUnchanged() {
        OpenTelemetry off = Tracing.openTelemetry(new JsonObject().put("OTEL_SERVICE_NAME", "x"), "encoder-service");
        assertThat(off).isSameAs(OpenTelemetry.noop());

        JobTracing tracing = new JobTracing(off, "encoder-service");
        CloudEvent in = event("dev.codi.job.submitted").withTrace(FROM_GATEWAY);
        tracing.begin(List.of(in));
        List<Outbound> out;
        try (JobTracing.JobScope ignored = tracing.enter(in)) {
            assertThat(MDC.get(JobLog.TRACE_ID)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            out = tracing.stamp(List.of(new Outbound("t", event("dev.codi.job.conditioned"))));
        }
        tracing.end(List.of(in), out, null);

        assertThat(out.get(0).event().trace()).isEqualTo(FROM_GATEWAY);
        assertThat(MDC.get(JobLog.TRACE_ID)).isNull();
        assertThat(tracing.stamp(event("dev.codi.job.progress")).trace()).as("a job no longer processed is not stamped")
                .isEqualTo(DistributedTrace.NONE);
    }

    @Test
    void anEndpointTurnsTheSdkOnAndEachJobGetsItsOwnSpanInTheCallersTrace() {
        // Nothing listens on the discard port; export fails quietly after the test, and nothing waits on it.
        JsonObject config = new JsonObject().put(Tracing.ENDPOINT, "http://127.0.0.1:9").put("OTEL_BSP_SCHEDULE_DELAY", "3600000");
        OpenTelemetry on = Tracing.openTelemetry(config, "decoder-service");
        assertThat(on).isNotSameAs(OpenTelemetry.noop());
        assertThat(Tracing.openTelemetry(config, "decoder-service")).as("one SDK per service").isSameAs(on);

        JobTracing tracing = new JobTracing(on, "decoder-service");
        CloudEvent in = event("dev.codi.job.sampled").withTrace(FROM_GATEWAY);
        tracing.begin(List.of(in));
        CloudEvent stamped = tracing.stamp(event("dev.codi.job.succeeded"));
        tracing.end(List.of(in), List.of(), null);

        assertThat(stamped.trace().traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(stamped.trace().traceparent()).as("the stage's own span is the parent of what follows")
                .doesNotContain("00f067aa0ba902b7");
    }

    private static CloudEvent event(String type) {
        return new CloudEvent("job_1/" + type, "/codi/test", type, "job_1", Instant.parse("2026-11-25T10:00:00Z"), new JsonObject());
    }
}

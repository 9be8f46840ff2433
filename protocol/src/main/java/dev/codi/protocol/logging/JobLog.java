package dev.codi.protocol.logging;

import org.slf4j.MDC;

/**
 * The log context of work about one job: every line logged inside it carries {@value #JOB_ID},
 * {@value #STAGE} and, when the job's events carry a W3C trace context, {@value #TRACE_ID}
 * (JSON logs put them in the line's {@code mdc} member). Use in try-with-resources around per-job
 * work on the thread doing it; closing restores what was there before.
 */
public final class JobLog implements AutoCloseable {
    public static final String JOB_ID = "job_id";
    public static final String STAGE = "stage";
    public static final String TRACE_ID = "trace_id";

    private final String previousJob;
    private final String previousStage;
    private final String previousTrace;

    private JobLog(String jobId, String stage, String traceId) {
        previousJob = MDC.get(JOB_ID);
        previousStage = MDC.get(STAGE);
        previousTrace = MDC.get(TRACE_ID);
        put(JOB_ID, jobId);
        put(STAGE, stage);
        put(TRACE_ID, traceId);
    }

    public static JobLog of(String jobId, String stage) {
        return new JobLog(jobId, stage, null);
    }

    public static JobLog of(String jobId, String stage, String traceId) {
        return new JobLog(jobId, stage, traceId);
    }

    @Override
    public void close() {
        put(JOB_ID, previousJob);
        put(STAGE, previousStage);
        put(TRACE_ID, previousTrace);
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}

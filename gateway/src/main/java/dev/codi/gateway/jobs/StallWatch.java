package dev.codi.gateway.jobs;

import dev.codi.gateway.view.JobRecord;
import dev.codi.gateway.view.JobView;
import dev.codi.protocol.Stage;
import dev.codi.protocol.events.JobEvent;
import io.vertx.core.Vertx;
import dev.codi.protocol.logging.JobLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Fails, with a reason the client can act on, every job that has made no progress for
 * {@code timeout}, instead of leaving it pending forever (whatever lost it: a stage down for
 * good, a record deleted by retention). The failure's event id is fixed per job, so several
 * gateways watching at once still show one completion. A job that later completes after all
 * keeps its first terminal state.
 */
public final class StallWatch {
    public static final String TIMEOUT_VARIABLE = "CODI_JOB_STALL_TIMEOUT_SECONDS";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
    private static final Logger LOG = LoggerFactory.getLogger(StallWatch.class);

    private final Vertx vertx;
    private final JobView view;
    private final JobSubmitter submitter;
    private final Duration timeout;
    private final Clock clock;
    private long timer = -1;

    public StallWatch(Vertx vertx, JobView view, JobSubmitter submitter, Duration timeout, Clock clock) {
        if (timeout.toSeconds() < 1) {
            throw new IllegalArgumentException(TIMEOUT_VARIABLE + " must be at least 1, got " + timeout.toSeconds());
        }
        this.vertx = vertx;
        this.view = view;
        this.submitter = submitter;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** Looks every quarter of the timeout (at most every 30 s); call on the view's event loop. */
    public void start() {
        long period = Math.max(250, Math.min(timeout.toMillis() / 4, 30_000));
        timer = vertx.setPeriodic(period, tick -> failStalled());
    }

    public void stop() {
        vertx.cancelTimer(timer);
    }

    private void failStalled() {
        Instant now = clock.instant();
        for (JobRecord job : view.unfinishedSince(now.minus(timeout))) {
            String reason = "the job made no progress for " + timeout.toSeconds() + " s while " + job.status().wireName()
                    + "; it was given up (submit it again)";
            try (JobLog ignored = JobLog.of(job.id(), Stage.GATEWAY.serviceName())) {
                LOG.warn("job {}: {}", job.id(), reason);
            }
            submitter.publishEvent(new JobEvent.Failed(job.id(), Stage.GATEWAY, reason))
                    .onFailure(error -> LOG.warn("could not fail stalled job {}: {}", job.id(), error.toString()));
        }
    }
}

package dev.codi.gateway.jobs;

import dev.codi.gateway.RandomIds;
import dev.codi.gateway.http.Problem;
import dev.codi.gateway.uploads.Uploads;
import dev.codi.gateway.view.JobArchive;
import dev.codi.gateway.view.JobSnapshot;
import dev.codi.gateway.view.JobStateWriter;
import dev.codi.gateway.view.JobView;
import dev.codi.gateway.view.OwnedJob;
import dev.codi.protocol.Topics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How long a job lives, and what happens after (docs/design.md, "Bounded job state"). A finished
 * job expires {@code retention} after it was created: a periodic sweep deletes its objects (inputs,
 * latents, artifacts and the kept snapshot, by the prefix {@code jobs/{id}/}) and then writes a
 * tombstone for it on the job-state and cancellations topics, which makes every gateway and stage
 * forget it and lets compaction drop its records. Each gateway sweeps the jobs of the job-events
 * partitions whose snapshots it writes, so no two gateways sweep the same job. A job id holds its
 * creation time, so a job no gateway knows any more answers 410 Gone rather than 404.
 *
 * <p>Uploads expire after the same time, and the same sweep deletes theirs ({@link Uploads}):
 * each gateway those whose ids fall in its partitions, as it does jobs.
 *
 * <p>The sweep deletes; no bucket lifecycle rule is set: the sweep must write the tombstones
 * anyway, S3 lifecycle expiry counts whole days, and the embedded S3 server has no lifecycle API.
 */
public final class JobRetention {
    private static final Logger LOG = LoggerFactory.getLogger(JobRetention.class);
    /** Jobs one sweep expires at most; the next sweep goes on. */
    private static final int SWEEP_BATCH = 1_000;

    private final Vertx vertx;
    private final JobView view;
    private final JobArchive archive;
    private final Uploads uploads;
    private final JobStateWriter writer;
    private final KafkaProducer<String, Buffer> producer;
    private final Topics topics;
    private final Duration retention;
    private final Duration sweepInterval;
    private final Clock clock;
    private long timer = -1;
    private boolean sweeping;

    public JobRetention(Vertx vertx, JobView view, JobArchive archive, Uploads uploads, JobStateWriter writer,
                        KafkaProducer<String, Buffer> producer, Topics topics, Duration retention, Duration sweepInterval, Clock clock) {
        this.vertx = vertx;
        this.view = view;
        this.archive = archive;
        this.uploads = uploads;
        this.writer = writer;
        this.producer = producer;
        this.topics = topics;
        this.retention = retention;
        this.sweepInterval = sweepInterval;
        this.clock = clock;
    }

    public void start() {
        timer = vertx.setPeriodic(sweepInterval.toMillis(), tick -> sweep());
    }

    public void stop() {
        vertx.cancelTimer(timer);
    }

    /** Whether a job with this id is past its retention (known or not). */
    public boolean expired(String jobId) {
        return RandomIds.createdAt(JobSubmitter.JOB_ID_PREFIX, jobId)
                .map(created -> created.plus(retention).isBefore(clock.instant())).orElse(false);
    }

    /**
     * Route handler for {@code /v1/jobs/{id}...}: makes sure the view holds the job when it exists
     * (reading a finished one back from the object store when it left memory), answers 410 when
     * it expired, and otherwise lets the route answer (404 for a job that never was).
     */
    public void locate(RoutingContext context) {
        String jobId = context.pathParam("id");
        if (view.get(jobId).isPresent()) {
            context.next();
            return;
        }
        if (expired(jobId)) {
            context.fail(gone(jobId));
            return;
        }
        find(jobId).onSuccess(found -> context.next()).onFailure(context::fail);
    }

    /** The job from the view, or read back from the object store into it when it left memory; empty when there is none. */
    public Future<java.util.Optional<dev.codi.gateway.view.JobRecord>> find(String jobId) {
        java.util.Optional<dev.codi.gateway.view.JobRecord> held = view.get(jobId);
        if (held.isPresent()) {
            return Future.succeededFuture(held);
        }
        return vertx.executeBlocking(() -> archive.find(jobId), false).map(found -> found.map(view::remember));
    }

    private Problem gone(String jobId) {
        Instant created = RandomIds.createdAt(JobSubmitter.JOB_ID_PREFIX, jobId).orElseThrow();
        return new Problem(410, "/problems/job-expired", "The job has expired",
                "job " + jobId + " was created at " + created + " and expired " + retention.toSeconds()
                        + " s later; its inputs and artifacts are deleted");
    }

    /**
     * One round: the expired finished jobs of this gateway's partitions, objects first, then
     * tombstones; then the expired uploads of its partitions.
     */
    void sweep() {
        if (sweeping) {
            return;
        }
        List<JobView.Listed> expired = new ArrayList<>();
        for (JobView.Listed job : view.finishedBefore(clock.instant().minus(retention), SWEEP_BATCH)) {
            if (writer.ownsJob(job.job().id())) {
                expired.add(job);
            }
        }
        sweeping = true;
        Future<Void> round = Future.succeededFuture();
        for (JobView.Listed job : expired) {
            round = round.compose(ignored -> expire(job.owner(), job.job()));
        }
        round.compose(jobsDone -> vertx.executeBlocking(() -> uploads.deleteExpired(writer::ownsJob), false))
                .onComplete(done -> {
                    sweeping = false;
                    if (done.failed()) {
                        LOG.warn("retention sweep stopped, the next goes on: {}", done.cause().toString());
                    } else if (!expired.isEmpty() || done.result() > 0) {
                        LOG.info("retention: {} jobs expired, {} upload objects deleted", expired.size(), done.result());
                    }
                });
    }

    /** Deletes one job's objects, then forgets it everywhere through its tombstones. */
    Future<Void> expire(String owner, OwnedJob job) {
        return vertx.executeBlocking(() -> archive.delete(job.id()), false)
                .compose(deleted -> Future.all(producer.send(tombstone(topics.jobState(), job, owner)),
                        producer.send(tombstone(topics.cancellations(), job, owner))))
                .mapEmpty();
    }

    private static KafkaProducerRecord<String, Buffer> tombstone(String topic, OwnedJob job, String owner) {
        KafkaProducerRecord<String, Buffer> record = KafkaProducerRecord.create(topic, job.id(), null);
        record.addHeader(JobSnapshot.CREATED_HEADER, job.createdAt().toString());
        record.addHeader(JobSnapshot.OWNER_HEADER, owner);
        return record;
    }
}

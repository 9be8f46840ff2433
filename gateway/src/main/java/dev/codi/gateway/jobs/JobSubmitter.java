package dev.codi.gateway.jobs;

import dev.codi.gateway.RandomIds;
import dev.codi.gateway.view.JobView;
import dev.codi.media.MediaType;
import dev.codi.media.Modality;
import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.DistributedTrace;
import dev.codi.protocol.InputRef;
import dev.codi.protocol.JobSpec;
import dev.codi.protocol.Stage;
import dev.codi.protocol.Topics;
import dev.codi.protocol.events.EventTypes;
import dev.codi.protocol.events.JobEvent;
import dev.codi.protocol.kafka.CloudEventRecords;
import dev.codi.storage.ObjectKeys;
import dev.codi.storage.ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.producer.KafkaProducer;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Puts a validated job into the pipeline: media inputs to object storage (claim check), then, in
 * one Kafka transaction, "queued" on the job-events topic (so the job view knows the job before
 * any stage does) and the job itself on the jobs topic. Both records are keyed by the job id.
 * Either both become visible or neither does: a crash between the two can leave no job queued
 * forever that no stage will ever see.
 *
 * <p>What it publishes on job-events it also folds into this gateway's {@link JobView} once
 * Kafka acknowledged it (read-your-writes): the view's snapshots follow a little behind, and a
 * client reading its job right after the answer must find it. The view then meets the same event
 * ids in the snapshots and skips them. Callbacks run on the gateway's event loop, the view's thread.
 */
public final class JobSubmitter {
    public static final String JOB_ID_PREFIX = "job_";

    private final ObjectStore store;
    private final KafkaProducer<String, Buffer> producer;
    private final AtomicPublisher atomic;
    private final Topics topics;
    private final JobView view;
    private final Clock clock;
    private final RandomGenerator random;

    public JobSubmitter(ObjectStore store, KafkaProducer<String, Buffer> producer, AtomicPublisher atomic, Topics topics,
                        JobView view, Clock clock, RandomGenerator random) {
        this.store = store;
        this.producer = producer;
        this.atomic = atomic;
        this.topics = topics;
        this.view = view;
        this.clock = clock;
        this.random = random;
    }

    public String newJobId() {
        return RandomIds.timed(JOB_ID_PREFIX, clock.instant(), random);
    }

    /** Blocking: writes the inputs to object storage and returns the job as the pipeline sees it. */
    public JobSpec storeInputs(String jobId, String owner, NewJob request) {
        Map<Modality, InputRef> inputs = new EnumMap<>(Modality.class);
        request.inputs().forEach((modality, file) -> {
            if (file.storedKey() != null) {
                inputs.put(modality, new InputRef.StoredObject(file.storedKey(), file.type().contentType()));
            } else if (file.type() == MediaType.TEXT) {
                inputs.put(modality, new InputRef.InlineText(new String(file.bytes(), StandardCharsets.UTF_8)));
            } else {
                String key = ObjectKeys.input(jobId, modality.wireName(), file.type().extension().replaceFirst("^\\.", ""));
                store.put(key, file.bytes(), file.type().contentType());
                inputs.put(modality, new InputRef.StoredObject(key, file.type().contentType()));
            }
        });
        return new JobSpec(jobId, owner, clock.instant(), inputs, request.weights(), request.outputs(), request.params());
    }

    /**
     * Publishes "queued" (the job, with the client's Idempotency-Key and webhook when given) and
     * the job itself in one transaction; completes once Kafka committed both and the view holds the job.
     * Both events carry {@code trace}, the trace the job's request started, on to the stages.
     */
    public Future<Void> publish(JobEvent.Queued queued, DistributedTrace trace) {
        JobSpec job = queued.job();
        CloudEvent queuedEvent = queued.toCloudEvent(clock.instant()).withTrace(trace);
        CloudEvent submitted = new CloudEvent(job.id() + "/submitted", Stage.GATEWAY.eventSource(),
                EventTypes.JOB_SUBMITTED, job.id(), clock.instant(), job.toJson(), trace);
        return atomic.publish(List.of(CloudEventRecords.toRecord(topics.jobEvents(), queuedEvent),
                        CloudEventRecords.toRecord(topics.jobs(), submitted)))
                .onSuccess(ack -> view.apply(queuedEvent, queued));
    }

    /**
     * Cancels a job: "canceled" on job-events (the job's history) and on the compacted cancellations
     * topic (what the stages watch) in one transaction, so a stage never stops a job the view
     * still shows running, nor the reverse. Completes once Kafka committed both and the view folded it.
     */
    public Future<Void> cancel(JobEvent.Canceled canceled) {
        CloudEvent cloudEvent = canceled.toCloudEvent(clock.instant());
        return atomic.publish(List.of(CloudEventRecords.toRecord(topics.jobEvents(), cloudEvent),
                        CloudEventRecords.toRecord(topics.cancellations(), cloudEvent)))
                .onSuccess(ack -> view.apply(cloudEvent, canceled));
    }

    /** Publishes one job event on the job-events topic; completes once Kafka acknowledged it and the view folded it. */
    public Future<Void> publishEvent(JobEvent event) {
        CloudEvent cloudEvent = event.toCloudEvent(clock.instant());
        return producer.send(CloudEventRecords.toRecord(topics.jobEvents(), cloudEvent))
                .onSuccess(ack -> view.apply(cloudEvent, event))
                .mapEmpty();
    }
}

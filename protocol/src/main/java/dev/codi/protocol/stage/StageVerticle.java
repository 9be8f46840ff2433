package dev.codi.protocol.stage;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.MalformedEventException;
import dev.codi.protocol.PipelineConfig;
import dev.codi.protocol.Stage;
import dev.codi.protocol.Topics;
import dev.codi.protocol.events.JobEvent;
import dev.codi.protocol.kafka.CloudEventRecords;
import dev.codi.protocol.logging.JobLog;
import dev.codi.protocol.tracing.JobTracing;
import dev.codi.protocol.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The loop every pipeline stage runs: poll a batch (at most {@code maxBatch} records, waiting at
 * most {@code maxWait} — dynamic batching), process it on a worker thread, publish the outputs,
 * and only then commit the input offsets. A crash anywhere before the commit makes another
 * instance of the group redo the batch; deterministic event ids make the repeat invisible.
 *
 * <p>Under faults (docs/reliability.md):
 * <ul>
 *   <li>The group never moves past a record whose outputs were not acknowledged: when a publish
 *       or the commit fails, the consumer is rewound to the batch and the batch is redone after a
 *       backoff that grows up to {@link StageSettings#maxBackoff()}.</li>
 *   <li>A job whose work failed for a transient reason (an object store that does not answer)
 *       is {@linkplain #retryLater retried later}: its partition is rewound to it and committed
 *       only up to it; the other jobs of the batch go on.</li>
 *   <li>While a batch is processed the consumer keeps polling, so the member stays in its group
 *       however long the batch takes ({@code max.poll.interval.ms}). In a stage that
 *       {@linkplain #joinsArrivals() lets jobs join a running batch}, the records it gets join the
 *       batch until the batch holds {@code maxBatch} ({@link Admission}); otherwise, and once the
 *       batch is full, its partitions are paused.</li>
 *   <li>A record whose processing kills the JVM is counted ({@link DeliveryAttempts}): after a
 *       delivery that did not return, every record of that batch is retried alone, and after
 *       {@link StageSettings#maxDeliveryAttempts()} such deliveries it goes to the dead-letter
 *       topic and its job fails.</li>
 * </ul>
 * A record that is not a valid event goes to the dead-letter topic with its reason; a job that
 * fails gets a {@code job.failed} event. Neither stops the loop: a worker never dies of a bad
 * message.
 */
public abstract class StageVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(StageVerticle.class);
    private static final long FIRST_BACKOFF_MILLIS = 200;
    /** How often an idle stage moves its committed offsets past transaction markers. */
    private static final Duration IDLE_COMMIT_INTERVAL = Duration.ofSeconds(5);
    /** The longest a poll waits while a batch that still takes jobs runs (see {@link #joinLoop}). */
    private static final long JOINING_POLL_MILLIS = 5;
    /** Header naming the stage instance that published a progress event (which instance works on what). */
    public static final String INSTANCE_HEADER = "codi_instance";

    protected PipelineConfig pipeline;
    protected Topics topics;
    protected final Clock clock = Clock.systemUTC();
    private StageSettings settings;
    private KafkaConsumer<String, Buffer> consumer;
    /** Set instead of {@link #consumer} when the work topic is consumed through a share group ({@link WorkDelivery#SHARE}). */
    private ShareWorkQueue shareQueue;
    private KafkaProducer<String, Buffer> producer;
    private Admin admin;
    private WorkerExecutor modelExecutor;
    private CancellationWatch cancellations;
    private CrashPoint crashPoint;
    private volatile boolean stopping;
    private final String instanceId = UUID.randomUUID().toString().substring(0, 8);
    private final StageHealth health = new StageHealth();
    private volatile StageMetrics metrics;
    private volatile JobTracing tracing;
    /** Offsets this instance committed last, per partition, and whether a delivery marker is on it. */
    private final Map<TopicPartition, OffsetAndMetadata> lastCommitted = new HashMap<>();
    /** Jobs of the batch being processed whose work is to be redone later (written on the worker thread). */
    private final Set<String> retryJobIds = ConcurrentHashMap.newKeySet();
    /** Outputs of the batch being processed that {@link #publishAhead} sent, by event id, and the jobs they belong to. */
    private final Map<String, Future<?>> sentAhead = new ConcurrentHashMap<>();
    private final Set<String> jobsSentAhead = ConcurrentHashMap.newKeySet();
    /** The records joining the batch being processed, when the stage lets jobs join it; read by the worker. */
    private volatile Admission admission;
    private boolean processing;
    private long backoffMillis;
    private long lastIdleCommitNanos;

    protected abstract Stage stage();

    /** The topic this stage consumes. */
    protected abstract String inputTopic();

    /** The CloudEvents type this stage accepts on its input topic. */
    protected abstract String inputType();

    /** Set-up before consuming starts (load the model, connect to storage); runs on a worker thread. */
    protected abstract void prepare() throws Exception;

    /**
     * Processes a batch of valid input events. Runs on a worker thread: blocking is fine here.
     * Per-job failures must be turned into {@link JobEvent.Failed} outputs, not thrown; a job that
     * failed for a transient reason is handed to {@link #retryLater} instead.
     */
    protected abstract List<Outbound> process(List<CloudEvent> batch) throws Exception;

    /**
     * Whether jobs that arrive while a batch is processed may join it: {@link #process} then takes
     * them with {@link #admitArrivals()} whenever it can start more work (the diffusion stage, between
     * two denoising steps). Their records are committed with the batch.
     */
    protected boolean joinsArrivals() {
        return false;
    }

    /**
     * The valid events of jobs that arrived since the last call and join the batch being processed
     * (none in a stage that does not {@link #joinsArrivals() let them join}, or once the batch holds
     * {@code maxBatch}). Every event returned must be among the jobs {@link #process} answers for.
     * Called from {@link #process} on the worker thread.
     */
    protected List<CloudEvent> admitArrivals() {
        Admission joining = admission;
        if (joining == null) {
            return List.of();
        }
        List<CloudEvent> events = joining.take();
        if (!events.isEmpty()) {
            tracing.begin(events);
        }
        return events;
    }

    /**
     * Publishes one output of the batch being processed before the batch ends, so the next stage
     * starts on a job that is done while the others still run. The output must also be among what
     * {@link #process} returns: the batch sends it again only if this send failed, and commits only
     * once one of them succeeded. Safe to call from the worker thread.
     */
    protected void publishAhead(Outbound output) {
        CloudEvent event = tracing.stamp(output.event());
        Promise<Void> sent = Promise.promise();
        sentAhead.put(event.id(), sent.future());
        jobsSentAhead.add(event.jobId());
        context.runOnContext(ignored -> {
            if (stopping) {
                sent.fail("stage is stopping");
                return;
            }
            producer.send(CloudEventRecords.toRecord(output.topic(), event)).<Void>mapEmpty().onComplete(sent);
        });
    }

    /** Releases what {@link #prepare()} took; runs on a worker thread. */
    protected void release() {
    }

    /** What this stage reports to Prometheus; the stage's own code adds to it (denoiser steps). */
    protected StageMetrics metrics() {
        return metrics;
    }

    /** What liveness and readiness probes report for this stage. */
    public StageHealth health() {
        return health;
    }

    @Override
    public Future<?> start() {
        pipeline = PipelineConfig.from(config());
        topics = pipeline.topics();
        settings = StageSettings.from(config());
        health.watchDecoders(DecoderLiveness.from(settings.variables()));
        crashPoint = CrashPoint.fromConfig(settings.variables());
        String clientId = stage().serviceName() + "-" + instanceId;
        modelExecutor = vertx.createSharedWorkerExecutor(clientId, 1, 30, TimeUnit.MINUTES);
        return modelExecutor.executeBlocking(() -> {
                    metrics = new StageMetrics(stage().serviceName()); // the process's registry starts here, off the event loop
                    tracing = new JobTracing(Tracing.openTelemetry(config(), stage().serviceName()), stage().serviceName());
                    prepare();
                    return null;
                })
                .compose(ready -> {
                    cancellations = new CancellationWatch(vertx, pipeline.kafka(), topics.cancellations(), clientId + "-cancellations",
                            settings.catchUpTimeout());
                    return cancellations.start();
                })
                .compose(ready -> {
                    producer = KafkaProducer.create(vertx, pipeline.kafka().producer(clientId));
                    admin = Admin.create(pipeline.kafka().admin());
                    if (settings.workDelivery() == WorkDelivery.SHARE) {
                        metrics.watchShareGroup(vertx, admin, stage().consumerGroup(), inputTopic(), producer.unwrap(),
                                pipeline.kafka().reader(clientId + "-oldest-waiting"));
                        shareQueue = new ShareWorkQueue(context, stage(), inputTopic(), inputType(), topics, settings, pipeline.kafka(),
                                clientId, pipeline.maxBatch(), Duration.ofMillis(pipeline.maxWaitMillis()), producer, cancellations,
                                metrics, health, crashPoint, this::processOnWorker);
                        return shareQueue.start(admin);
                    }
                    consumer = KafkaConsumer.create(vertx,
                            pipeline.kafka().consumer(stage().consumerGroup(), clientId, pipeline.maxBatch()));
                    metrics.watch(vertx, admin, stage().consumerGroup(), inputTopic(), consumer.unwrap(), producer.unwrap(),
                            pipeline.kafka().reader(clientId + "-oldest-waiting"));
                    consumer.partitionsAssignedHandler(this::onAssigned);
                    consumer.exceptionHandler(error -> LOG.warn("{} consumer: {}", stage().serviceName(), error.toString()));
                    return consumer.subscribe(inputTopic());
                })
                .onSuccess(subscribed -> {
                    LOG.info("{} {} consuming {} as {} group {}", stage().serviceName(), instanceId, inputTopic(),
                            settings.workDelivery() == WorkDelivery.SHARE ? "share" : "consumer", stage().consumerGroup());
                    health.started();
                    if (shareQueue == null) {
                        vertx.runOnContext(next -> pollLoop());
                    }
                });
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        health.stopping();
        if (metrics != null) {
            metrics.close();
        }
        // Close without committing: whatever is in flight is redone by another instance.
        Future<Void> closedConsumer = shareQueue != null ? shareQueue.stop()
                : consumer == null ? Future.succeededFuture() : consumer.close();
        Future<Void> closedProducer = producer == null ? Future.succeededFuture() : producer.close();
        Future<Void> closedWatch = cancellations == null ? Future.succeededFuture() : cancellations.stop();
        if (admin != null) {
            admin.close(Duration.ZERO);
        }
        return Future.join(closedConsumer, closedProducer, closedWatch)
                .eventually(() -> modelExecutor.executeBlocking(() -> {
                    release();
                    return null;
                }))
                .eventually(() -> {
                    modelExecutor.close();
                    return Future.succeededFuture();
                });
    }

    /** True once the stage is shutting down; long work checks it and gives up. */
    protected boolean stopping() {
        return stopping;
    }

    /**
     * True once the job was canceled (a {@code job.canceled} event on job-events). Jobs canceled
     * before their batch is handed to {@link #process} never reach it; long work polls this.
     */
    protected boolean isCanceled(String jobId) {
        return cancellations.isCanceled(jobId);
    }

    /**
     * Marks a job of the current batch as failed for a transient reason (storage unreachable):
     * its outputs, if any, are dropped by the caller, its record is not committed, and it is
     * delivered again after a backoff. Safe to call from the worker thread.
     */
    protected void retryLater(CloudEvent event, Throwable cause) {
        try (JobLog ignored = JobLog.of(event.jobId(), stage().serviceName())) {
            LOG.warn("{}: job {} will be retried: {}", stage().serviceName(), event.jobId(), cause.toString());
        }
        retryJobIds.add(event.jobId());
    }

    /**
     * Work about one job of a batch of several: its span is current (object-store calls join its
     * trace) and its log lines carry its id and trace id, until closed. A batch of one job is
     * already in its job's scope.
     */
    protected JobTracing.JobScope inJob(CloudEvent event) {
        return tracing.enter(event);
    }

    /** Publishes a job event right away (progress); safe to call from the worker thread. */
    protected void emitNow(JobEvent event) {
        Outbound outbound = new Outbound(topics.jobEvents(), tracing.stamp(event.toCloudEvent(clock.instant())));
        context.runOnContext(ignored -> {
            if (!stopping) {
                producer.send(CloudEventRecords.toRecord(outbound.topic(), outbound.event()).addHeader(INSTANCE_HEADER, instanceId))
                        .onFailure(error -> LOG.warn("could not publish {}: {}", outbound.event().id(), error.getMessage()));
            }
        });
    }

    protected Outbound jobEvent(JobEvent event) {
        return new Outbound(topics.jobEvents(), event.toCloudEvent(clock.instant()));
    }

    private void onAssigned(Set<TopicPartition> assigned) {
        // Another member may have worked on these meanwhile: what this instance committed is stale.
        assigned.forEach(lastCommitted::remove);
        if (processing) {
            consumer.pause(assigned);
        }
    }

    private void pollLoop() {
        if (stopping) {
            return;
        }
        consumer.poll(Duration.ofMillis(pipeline.maxWaitMillis()))
                .compose(this::handle)
                .onComplete(done -> {
                    health.looped(done.succeeded());
                    long delay = 0;
                    if (done.failed()) {
                        backoffMillis = Math.min(settings.maxBackoff().toMillis(),
                                backoffMillis == 0 ? FIRST_BACKOFF_MILLIS : backoffMillis * 2);
                        delay = backoffMillis;
                        if (!stopping) {
                            LOG.warn("{} batch not committed, it is redone in {} ms: {}", stage().serviceName(), delay,
                                    done.cause().toString());
                        }
                    } else {
                        backoffMillis = 0;
                    }
                    if (!stopping) {
                        if (delay == 0) {
                            vertx.runOnContext(next -> pollLoop());
                        } else {
                            vertx.setTimer(delay, next -> pollLoop());
                        }
                    }
                });
    }

    /**
     * While idle, commits each owned partition's position where it is past the committed offset.
     * A transaction's commit marker takes an offset after the last record a stage processes; without
     * this the group would show a lag of one per partition forever, and an autoscaler reading lag
     * would never scale the stage down.
     */
    private Future<Void> commitIdlePositions() {
        long now = System.nanoTime();
        if (now - lastIdleCommitNanos < IDLE_COMMIT_INTERVAL.toNanos()) {
            return Future.succeededFuture();
        }
        lastIdleCommitNanos = now;
        // The committed offsets come from the coordinator where this instance has not committed since
        // it was assigned the partition: committing the position over them would erase the delivery
        // markers they carry, and a record that kills the stage would be counted from 1 again.
        return consumer.assignment().compose(owned -> deliveryMarkers(owned).compose(committedOffsets -> {
            Map<TopicPartition, OffsetAndMetadata> advanced = new ConcurrentHashMap<>();
            List<Future<?>> positions = new ArrayList<>();
            for (TopicPartition partition : owned) {
                OffsetAndMetadata committed = committedOffsets.get(partition);
                positions.add(consumer.position(partition).onSuccess(position -> {
                    if (committed == null || position > committed.getOffset()) {
                        advanced.put(partition, new OffsetAndMetadata(position, null));
                    }
                }));
            }
            return Future.all(positions).compose(done -> advanced.isEmpty() ? Future.<Void>succeededFuture() : commit(advanced));
        }));
    }

    /** One batch: what each partition of it starts at, and what to do with its records. */
    private Future<Void> handle(KafkaConsumerRecords<String, Buffer> records) {
        if (records.isEmpty()) {
            return commitIdlePositions();
        }
        Map<TopicPartition, Long> firstOffsets = firstOffsets(records);
        return deliveryMarkers(firstOffsets.keySet()).compose(committed -> {
            // A partition whose records were taken on before without returning starts with suspects:
            // each is delivered alone (or, past the limit, dead-lettered), one after another.
            for (Map.Entry<TopicPartition, Long> first : firstOffsets.entrySet()) {
                TopicPartition partition = first.getKey();
                List<DeliveryAttempts.Suspects> suspects = DeliveryAttempts.suspectsAt(committed.get(partition), first.getValue());
                if (!suspects.isEmpty()) {
                    int unfinished = suspects.get(0).attempts();
                    KafkaConsumerRecord<String, Buffer> suspect = recordAt(records, partition, first.getValue());
                    return rewind(firstOffsets).compose(rewound -> unfinished >= settings.maxDeliveryAttempts()
                            ? deadLetterPoison(suspect, unfinished, suspects)
                            : handleBatch(List.of(suspect), Map.of(partition, first.getValue()), Map.of(partition, suspects))
                                    .compose(done -> consumer.seek(partition, suspect.offset() + 1)));
                }
            }
            List<KafkaConsumerRecord<String, Buffer>> all = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                all.add(records.recordAt(i));
            }
            return handleBatch(all, firstOffsets, Map.of());
        });
    }

    /**
     * Processes {@code batch}, which starts at {@code firstOffsets}, publishes its outputs and commits it.
     * {@code suspects} holds, for a batch of one suspect record, the suspects its partition starts with.
     */
    private Future<Void> handleBatch(List<KafkaConsumerRecord<String, Buffer>> batch, Map<TopicPartition, Long> firstOffsets,
                                     Map<TopicPartition, List<DeliveryAttempts.Suspects>> suspects) {
        List<KafkaProducerRecord<String, Buffer>> deadLetters = new ArrayList<>();
        Map<CloudEvent, KafkaConsumerRecord<String, Buffer>> valid = new LinkedHashMap<>();
        for (KafkaConsumerRecord<String, Buffer> record : batch) {
            try {
                CloudEvent event = CloudEventRecords.fromRecord(record);
                if (!inputType().equals(event.type())) {
                    throw new MalformedEventException("unexpected event type '" + event.type() + "' on " + record.topic()
                            + ", expected " + inputType());
                }
                if (cancellations.isCanceled(event.jobId())) {
                    try (JobLog ignored = JobLog.of(event.jobId(), stage().serviceName())) {
                        LOG.info("{}: skipping canceled job {}", stage().serviceName(), event.jobId());
                    }
                } else {
                    valid.put(event, record);
                }
            } catch (MalformedEventException e) {
                LOG.warn("{}: record {}-{}@{} to dead letters: {}", stage().serviceName(), record.topic(),
                        record.partition(), record.offset(), e.getMessage());
                deadLetters.add(DeadLetters.of(topics.deadLetter(), stage().serviceName(), record, e.getMessage()));
            }
        }
        List<CloudEvent> events = new ArrayList<>(valid.keySet());
        Map<TopicPartition, Long> lastOffsets = new HashMap<>();
        batch.forEach(record -> lastOffsets.merge(Admission.partitionOf(record), record.offset(), Math::max));
        Map<TopicPartition, OffsetAndMetadata> markers = new HashMap<>();
        firstOffsets.forEach((partition, offset) -> markers.put(partition, suspects.containsKey(partition)
                ? DeliveryAttempts.aloneMarker(suspects.get(partition))
                : DeliveryAttempts.marker(offset, lastOffsets.get(partition), 1)));
        // The partitions that hold a delivery marker of this batch, and where the batch starts on each.
        Map<TopicPartition, Long> marked = new ConcurrentHashMap<>(firstOffsets);
        Admission joining = suspects.isEmpty() && joinsArrivals() && batch.size() < pipeline.maxBatch()
                ? new Admission(pipeline.maxBatch() - batch.size()) : null;
        Future<ShareWorkQueue.Processed> outputs = events.isEmpty()
                ? Future.succeededFuture(new ShareWorkQueue.Processed(List.of(), Set.of(), Map.of()))
                : commit(markers).compose(done -> whileProcessing(processOnWorker(events, joining), joining, marked));
        List<KafkaConsumerRecord<String, Buffer>> done = new ArrayList<>(batch);
        return outputs.compose(processed -> {
            if (stopping) {
                return Future.failedFuture("stage is stopping");
            }
            if (joining != null) {
                for (Admission.Arrival arrival : joining.taken()) {
                    done.add(arrival.record());
                    if (arrival.event() != null) {
                        valid.put(arrival.event(), arrival.record());
                    }
                }
            }
            Set<String> retry = processed.retry();
            List<Future<?>> sent = new ArrayList<>();
            deadLetters.forEach(record -> sent.add(producer.send(record)));
            processed.outputs().stream()
                    .filter(out -> !retry.contains(out.event().jobId()))
                    .forEach(out -> sent.add(processed.publish(producer, out)));
            // Counted once sent: a batch whose publish failed is redone, and would count its dead letters again.
            return Future.all(sent).map(sentAll -> {
                metrics.deadLettered(deadLetters.size());
                return retry;
            });
        }).compose(retry -> {
            if (crashPoint != null) {
                crashPoint.maybeHalt(CrashPoint.Point.BEFORE_COMMIT, events);
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = commitOffsets(done, valid, retry);
            // The suspects not yet delivered alone stay suspect, with the counts they came with.
            suspects.forEach((partition, list) -> offsets.computeIfPresent(partition,
                    (same, offset) -> DeliveryAttempts.committedAt(offset.getOffset(), list)));
            // A partition marked for records that then did not join: its marker goes, the group stays where it was.
            marked.forEach((partition, offset) -> offsets.putIfAbsent(partition, new OffsetAndMetadata(offset, null)));
            Map<TopicPartition, Long> leftBehind = joining == null ? Map.of() : joining.firstLeft();
            Future<Void> committed = commit(offsets).compose(commitDone -> rewind(leftBehind));
            if (retry.isEmpty()) {
                return committed;
            }
            // Redeliver the retried jobs after a backoff: rewind their partitions to them.
            return committed.compose(rewound -> rewind(earliest(toOffsets(offsets), leftBehind)))
                    .compose(rewound -> Future.failedFuture(new WaitingForRetry(retry.size())));
        }).recover(error -> {
            if (error instanceof WaitingForRetry) {
                return Future.failedFuture(error);
            }
            // This delivery returned (it failed, it did not die): the marker it left must not count
            // against the batch's records when they come again.
            marked.forEach((partition, offset) -> lastCommitted.put(partition,
                    DeliveryAttempts.committedAt(offset, suspects.getOrDefault(partition, List.of()))));
            Map<TopicPartition, Long> leftBehind = joining == null ? Map.of() : joining.firstLeft();
            return rewind(earliest(marked, leftBehind)).transform(rewound -> Future.failedFuture(error));
        });
    }

    /** Per partition, the smaller offset of the two. */
    private static Map<TopicPartition, Long> earliest(Map<TopicPartition, Long> a, Map<TopicPartition, Long> b) {
        Map<TopicPartition, Long> merged = new HashMap<>(a);
        b.forEach((partition, offset) -> merged.merge(partition, offset, Math::min));
        return merged;
    }

    /** The batch is committed up to the jobs that wait for a transient failure to pass; they come again after a backoff. */
    private static final class WaitingForRetry extends RuntimeException {
        WaitingForRetry(int jobs) {
            super(jobs + " job(s) wait for a transient failure to pass", null, false, false);
        }
    }

    /**
     * Runs {@code work} with this stage's partitions paused while polling on, so the consumer
     * stays in its group (its {@code max.poll.interval.ms} is met) however long the work takes.
     * Records a keep-alive poll returns anyway (a partition assigned meanwhile) are given back.
     */
    private <T> Future<T> whileProcessing(Future<T> work, Admission joining, Map<TopicPartition, Long> marked) {
        if (joining != null) {
            return whileJoining(work, joining, marked);
        }
        processing = true;
        consumer.assignment().compose(consumer::pause).onFailure(error -> LOG.debug("pause: {}", error.toString()));
        long timer = vertx.setPeriodic(settings.keepAlive().toMillis(), tick -> consumer.poll(Duration.ZERO)
                .onSuccess(records -> {
                    health.looped(true);
                    if (!records.isEmpty()) {
                        rewind(firstOffsets(records));
                    }
                }));
        return work.onComplete(done -> {
            vertx.cancelTimer(timer);
            processing = false;
            consumer.assignment().compose(consumer::resume).onFailure(error -> LOG.debug("resume: {}", error.toString()));
        });
    }

    /**
     * Runs {@code work} while the consumer keeps polling, and the records it gets join the batch
     * ({@link Admission}) until the batch is full; then the partitions are paused, and polling goes
     * on only to keep the member in its group. Completes once the work is done and the last poll
     * has returned, so every record polled has either joined or is known to be left behind.
     */
    private <T> Future<T> whileJoining(Future<T> work, Admission joining, Map<TopicPartition, Long> marked) {
        processing = true;
        admission = joining;
        Promise<Void> polled = Promise.promise();
        joinLoop(joining, marked, false, polled);
        return work.transform(done -> {
            joining.close();
            return polled.future().transform(stopped -> {
                admission = null;
                processing = false;
                return consumer.assignment().compose(consumer::resume)
                        .onFailure(error -> LOG.debug("resume: {}", error.toString()))
                        .transform(resumed -> done.succeeded() ? Future.succeededFuture(done.result())
                                : Future.<T>failedFuture(done.cause()));
            });
        });
    }

    private void joinLoop(Admission joining, Map<TopicPartition, Long> marked, boolean paused, Promise<Void> polled) {
        if (joining.closed()) {
            polled.complete();
            return;
        }
        boolean full = joining.full();
        Future<Void> pause = full && !paused
                ? consumer.assignment().compose(consumer::pause).recover(error -> Future.succeededFuture())
                : Future.succeededFuture();
        // Short polls while the batch may still take jobs: once its work is done the batch waits for
        // the poll in flight before it publishes, and a record that arrives ends a poll at once anyway.
        Duration wait = full ? Duration.ofMillis(pipeline.maxWaitMillis())
                : Duration.ofMillis(Math.min(pipeline.maxWaitMillis(), JOINING_POLL_MILLIS));
        pause.compose(ready -> consumer.poll(wait))
                .compose(records -> join(joining, records, marked))
                .onComplete(done -> {
                    health.looped(done.succeeded());
                    vertx.runOnContext(next -> joinLoop(joining, marked, full || paused, polled));
                });
    }

    /**
     * Records polled while a batch runs: each joins the batch, or is left for the next poll. A
     * partition new to the batch first gets its delivery marker checked (a record there may have
     * stopped a stage before: it is left, to be delivered alone) and set; a record that is not a
     * valid event is left for the next poll to dead-letter, and so is the rest of its partition.
     */
    private Future<Void> join(Admission joining, KafkaConsumerRecords<String, Buffer> records, Map<TopicPartition, Long> marked) {
        if (records.isEmpty()) {
            return Future.succeededFuture();
        }
        List<KafkaConsumerRecord<String, Buffer>> all = new ArrayList<>();
        Map<TopicPartition, Long> firstOfNew = new HashMap<>();
        Map<TopicPartition, Long> lastOfNew = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            KafkaConsumerRecord<String, Buffer> record = records.recordAt(i);
            all.add(record);
            TopicPartition partition = Admission.partitionOf(record);
            if (!marked.containsKey(partition)) {
                firstOfNew.merge(partition, record.offset(), Math::min);
                lastOfNew.merge(partition, record.offset(), Math::max);
            }
        }
        Future<Set<TopicPartition>> refused = firstOfNew.isEmpty() || joining.full()
                ? Future.succeededFuture(firstOfNew.keySet())
                : deliveryMarkers(firstOfNew.keySet()).compose(committed -> {
                    Set<TopicPartition> suspects = new HashSet<>();
                    Map<TopicPartition, OffsetAndMetadata> newMarkers = new HashMap<>();
                    firstOfNew.forEach((partition, offset) -> {
                        if (!DeliveryAttempts.suspectsAt(committed.get(partition), offset).isEmpty()) {
                            suspects.add(partition);
                        } else {
                            // The range may hold records left for the next poll: they are suspects too if this stage dies.
                            newMarkers.put(partition, DeliveryAttempts.marker(offset, lastOfNew.get(partition), 1));
                        }
                    });
                    return (newMarkers.isEmpty() ? Future.<Void>succeededFuture() : commit(newMarkers))
                            .onSuccess(markedNow -> newMarkers.forEach((partition, marker) -> marked.put(partition, marker.getOffset())))
                            .map(markedNow -> suspects);
                });
        return refused.map(suspects -> {
            for (KafkaConsumerRecord<String, Buffer> record : all) {
                TopicPartition partition = Admission.partitionOf(record);
                CloudEvent event = suspects.contains(partition) || !marked.containsKey(partition) ? null : joinable(record);
                if (event == null) {
                    joining.leave(record);
                } else if (cancellations.isCanceled(event.jobId())) {
                    joining.offer(record, null);
                } else {
                    joining.offer(record, event);
                }
            }
            return (Void) null;
        }).recover(error -> {
            LOG.debug("{}: records polled while a batch runs are left for the next poll: {}", stage().serviceName(), error.toString());
            all.forEach(joining::leave);
            return Future.succeededFuture();
        });
    }

    /** The record's event, if it is a valid event of this stage's input type; null otherwise. */
    private CloudEvent joinable(KafkaConsumerRecord<String, Buffer> record) {
        try {
            CloudEvent event = CloudEventRecords.fromRecord(record);
            return inputType().equals(event.type()) ? event : null;
        } catch (MalformedEventException e) {
            return null;
        }
    }

    /**
     * The committed offset (and its metadata) of each partition, from this instance's memory or,
     * for partitions it has not committed since they were assigned, from the group coordinator
     * (through the admin client: the consumer's own single-partition lookup is gone from Kafka 4's clients).
     */
    private Future<Map<TopicPartition, OffsetAndMetadata>> deliveryMarkers(Set<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> known = new HashMap<>();
        Set<org.apache.kafka.common.TopicPartition> unknown = new java.util.HashSet<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata mine = lastCommitted.get(partition);
            if (mine != null) {
                known.put(partition, mine);
            } else {
                unknown.add(new org.apache.kafka.common.TopicPartition(partition.getTopic(), partition.getPartition()));
            }
        }
        if (unknown.isEmpty()) {
            return Future.succeededFuture(known);
        }
        ListConsumerGroupOffsetsSpec spec = new ListConsumerGroupOffsetsSpec().topicPartitions(unknown);
        return Future.fromCompletionStage(admin.listConsumerGroupOffsets(Map.of(stage().consumerGroup(), spec))
                        .partitionsToOffsetAndMetadata(stage().consumerGroup()).toCompletionStage(), context)
                .map(committed -> {
                    committed.forEach((partition, offset) -> {
                        if (offset != null) {
                            known.put(new TopicPartition(partition.topic(), partition.partition()),
                                    new OffsetAndMetadata(offset.offset(), offset.metadata()));
                        }
                    });
                    return known;
                });
    }

    /** Dead-letters a record that was taken on {@code attempts} times without its stage returning, and fails its job. */
    private Future<Void> deadLetterPoison(KafkaConsumerRecord<String, Buffer> record, int attempts,
                                          List<DeliveryAttempts.Suspects> suspects) {
        String reason = stage().serviceName() + " stopped " + attempts + " times while processing this record";
        try (JobLog ignored = JobLog.of(record.key(), stage().serviceName())) {
            LOG.error("{}: record {}-{}@{} to dead letters: {}", stage().serviceName(), record.topic(), record.partition(),
                    record.offset(), reason);
        }
        List<Future<?>> sent = new ArrayList<>();
        sent.add(producer.send(DeadLetters.of(topics.deadLetter(), stage().serviceName(), record, reason)));
        if (record.key() != null) {
            sent.add(producer.send(CloudEventRecords.toRecord(topics.jobEvents(),
                    jobEvent(new JobEvent.Failed(record.key(), stage(), "the job could not be processed: " + reason)).event())));
        }
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        return Future.all(sent).onSuccess(done -> metrics.deadLettered(1))
                .compose(done -> commit(Map.of(partition, DeliveryAttempts.committedAt(record.offset() + 1, suspects))))
                .compose(done -> consumer.seek(partition, record.offset() + 1));
    }

    /**
     * Runs {@link #process} on the model's worker thread. Its outputs come back with the jobs it
     * handed to {@link #retryLater}; a bug in it fails every job of the batch.
     */
    private Future<ShareWorkQueue.Processed> processOnWorker(List<CloudEvent> events) {
        return processOnWorker(events, null);
    }

    /** As {@link #processOnWorker(List)}, with the jobs of {@code joining} joining the batch while it runs. */
    private Future<ShareWorkQueue.Processed> processOnWorker(List<CloudEvent> events, Admission joining) {
        return modelExecutor.executeBlocking(() -> {
            retryJobIds.clear();
            sentAhead.clear();
            jobsSentAhead.clear();
            if (crashPoint != null) {
                crashPoint.maybeHalt(CrashPoint.Point.PROCESSING, events);
            }
            long began = System.nanoTime();
            List<Outbound> processed = null;
            Throwable failure = null;
            tracing.begin(events);
            try (JobTracing.JobScope ignored = tracing.enter(events.size() == 1 && joining == null ? events.get(0) : null)) {
                processed = tracing.stamp(process(events));
            } catch (Exception | Error e) {
                failure = e;
                throw e;
            } finally {
                tracing.end(withJoined(events, joining), processed, failure);
            }
            Set<String> retry = Set.copyOf(retryJobIds);
            metrics.batchProcessed(withJoined(events, joining), System.nanoTime() - began, processed, retry);
            return new ShareWorkQueue.Processed(processed, retry, Map.copyOf(sentAhead));
        }, true).recover(error -> {
            // Jobs whose outputs went ahead are on their way; the others are reported failed.
            List<CloudEvent> unfinished = withJoined(events, joining).stream()
                    .filter(event -> !jobsSentAhead.contains(event.jobId())).toList();
            return Future.succeededFuture(new ShareWorkQueue.Processed(failAll(unfinished, error), Set.of(), Map.copyOf(sentAhead)));
        });
    }

    private static List<CloudEvent> withJoined(List<CloudEvent> events, Admission joining) {
        if (joining == null) {
            return events;
        }
        List<CloudEvent> all = new ArrayList<>(events);
        all.addAll(joining.takenEvents());
        return all;
    }

    /** A bug in process() must not lose jobs silently: every job of the batch is reported failed. */
    private List<Outbound> failAll(List<CloudEvent> batch, Throwable error) {
        LOG.error("{} failed a batch of {}", stage().serviceName(), batch.size(), error);
        metrics.failed(batch.size());
        List<Outbound> failures = new ArrayList<>();
        for (CloudEvent event : batch) {
            failures.add(jobEvent(new JobEvent.Failed(event.jobId(), stage(),
                    stage().serviceName() + " could not process the job: " + error)));
        }
        return failures;
    }

    /**
     * What to commit: per partition, the offset after its last record, or the offset of its
     * first record that waits to be retried (the group must not move past it).
     */
    private static Map<TopicPartition, OffsetAndMetadata> commitOffsets(List<KafkaConsumerRecord<String, Buffer>> batch,
                                                                       Map<CloudEvent, KafkaConsumerRecord<String, Buffer>> valid,
                                                                       Set<String> retry) {
        Map<TopicPartition, Long> next = new HashMap<>();
        for (KafkaConsumerRecord<String, Buffer> record : batch) {
            next.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
        }
        valid.forEach((event, record) -> {
            if (retry.contains(event.jobId())) {
                next.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::min);
            }
        });
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        next.forEach((partition, offset) -> offsets.put(partition, new OffsetAndMetadata(offset, null)));
        return offsets;
    }

    /**
     * Commits the offsets of the partitions this member still owns. A partition revoked while its
     * batch ran belongs to another member now, which may already have worked past the batch and
     * committed further: committing it here would move the group back over records that member
     * considers done, and leave a lag that nothing works off.
     */
    private Future<Void> commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        return consumer.assignment().compose(owned -> {
            Map<TopicPartition, OffsetAndMetadata> ownOffsets = new HashMap<>(offsets);
            ownOffsets.keySet().retainAll(owned);
            if (ownOffsets.isEmpty()) {
                return Future.<Void>succeededFuture();
            }
            return consumer.commit(ownOffsets).onSuccess(done -> lastCommitted.putAll(ownOffsets)).<Void>mapEmpty();
        });
    }

    /** Moves the consumer back to {@code offsets} on the partitions it still owns, so their records come again. */
    private Future<Void> rewind(Map<TopicPartition, Long> offsets) {
        return consumer.assignment().compose(owned -> {
            List<Future<?>> seeks = new ArrayList<>();
            offsets.forEach((partition, offset) -> {
                if (owned.contains(partition)) {
                    seeks.add(consumer.seek(partition, offset));
                }
            });
            return Future.all(seeks).<Void>mapEmpty();
        });
    }

    private static Map<TopicPartition, Long> toOffsets(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, Long> plain = new HashMap<>();
        offsets.forEach((partition, offset) -> plain.put(partition, offset.getOffset()));
        return plain;
    }

    private static Map<TopicPartition, Long> firstOffsets(KafkaConsumerRecords<String, Buffer> records) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            KafkaConsumerRecord<String, Buffer> record = records.recordAt(i);
            first.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::min);
        }
        return first;
    }

    private static KafkaConsumerRecord<String, Buffer> recordAt(KafkaConsumerRecords<String, Buffer> records,
                                                               TopicPartition partition, long offset) {
        for (int i = 0; i < records.size(); i++) {
            KafkaConsumerRecord<String, Buffer> record = records.recordAt(i);
            if (record.topic().equals(partition.getTopic()) && record.partition() == partition.getPartition()
                    && record.offset() == offset) {
                return record;
            }
        }
        throw new IllegalStateException("no record at " + partition + "@" + offset + " in the batch");
    }
}

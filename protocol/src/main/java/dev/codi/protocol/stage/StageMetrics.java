package dev.codi.protocol.stage;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.events.EventTypes;
import dev.codi.protocol.metrics.ProcessMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a stage tells Prometheus (docs/operations.md), all in one place: its backlog, its jobs by
 * outcome, how long and how large its batches are, how long a denoiser step takes, and its Kafka
 * clients' own metrics. Every meter carries the {@code stage} tag (the stage's service name).
 *
 * <p>The backlog is the consumer lag of the stage's group on its input topic (the sum over
 * partitions of end offset minus committed offset), read through the admin client every
 * {@link #BACKLOG_PERIOD}; it is what KEDA scales the stage on. Every instance of a group reports
 * the same figure: aggregate it with {@code max by (stage)}. With it, the age of the oldest job
 * waiting ({@link OldestWaiting}): the time since the record at the group's committed offset was
 * produced, the longest any waiting job has waited, whichever partition it is on.
 */
public final class StageMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StageMetrics.class);
    public static final Duration BACKLOG_PERIOD = Duration.ofSeconds(5);
    /** Batch sizes worth telling apart: powers of two up to the largest batch a stage takes. */
    private static final double[] BATCH_SIZES = {1, 2, 4, 8, 16, 32, 64, 128};

    public enum Outcome { SUCCEEDED, FAILED, CANCELED, RETRIED, DEAD_LETTERED }

    private final MeterRegistry registry = ProcessMetrics.registry();
    private final String stage;
    private final Map<Outcome, Counter> jobs = new HashMap<>();
    private final Timer batchTime;
    private final DistributionSummary batchSize;
    private final Timer denoiserStep;
    /** One backlog per stage name: several instances of a stage in one JVM (tests) share the gauge. */
    private static final Map<String, AtomicLong> BACKLOGS = new ConcurrentHashMap<>();
    private final AtomicLong backlog;
    /** The same for the oldest waiting job's age, in milliseconds. */
    private static final Map<String, AtomicLong> OLDEST_WAITING_MILLIS = new ConcurrentHashMap<>();
    private final AtomicLong oldestWaitingMillis;
    private OldestWaiting oldestWaiting;
    private final java.util.concurrent.atomic.AtomicBoolean readingOldest = new java.util.concurrent.atomic.AtomicBoolean();
    private final Map<String, Long> lastStepNanos = new ConcurrentHashMap<>();
    private final List<KafkaClientMetrics> clientMetrics = new ArrayList<>();
    private Vertx vertx;
    private long backlogTimer = -1;

    public StageMetrics(String stage) {
        this.stage = stage;
        this.backlog = BACKLOGS.computeIfAbsent(stage, name -> new AtomicLong());
        this.oldestWaitingMillis = OLDEST_WAITING_MILLIS.computeIfAbsent(stage, name -> new AtomicLong());
        for (Outcome outcome : Outcome.values()) {
            jobs.put(outcome, Counter.builder("codi.stage.jobs").description("Jobs a stage finished, by outcome")
                    .tags("stage", stage, "outcome", outcome.name().toLowerCase()).register(registry));
        }
        batchTime = Timer.builder("codi.stage.batch.duration").description("Time a stage spends processing one batch")
                .tag("stage", stage).publishPercentileHistogram().register(registry);
        batchSize = DistributionSummary.builder("codi.stage.batch.size").description("Jobs per batch")
                .tag("stage", stage).serviceLevelObjectives(BATCH_SIZES).register(registry);
        denoiserStep = Timer.builder("codi.stage.denoiser.step.duration").description("Time of one denoising step of a batch")
                .tag("stage", stage).publishPercentileHistogram().register(registry);
        Gauge.builder("codi.stage.backlog", backlog, AtomicLong::get).description("Records of the input topic the stage's group has not committed")
                .baseUnit("records").tag("stage", stage).register(registry);
        Gauge.builder("codi.stage.oldest.waiting.age", oldestWaitingMillis, millis -> millis.get() / 1000.0)
                .description("Time since the oldest record of the input topic the stage's group has not committed was produced")
                .baseUnit("seconds").tag("stage", stage).register(registry);
    }

    /**
     * Starts reading the backlog of {@code group} on {@code topic} and binds the clients' own metrics.
     * The admin calls complete on the admin client's thread: nothing here blocks the event loop.
     */
    public void watch(Vertx vertx, Admin admin, String group, String topic, Consumer<?, ?> consumer, Producer<?, ?> producer,
                      Map<String, String> readerConfig) {
        this.vertx = vertx;
        this.oldestWaiting = new OldestWaiting(readerConfig);
        KafkaClientMetrics consumerMetrics = new KafkaClientMetrics(consumer, Tags.of("stage", stage, "client", "consumer"));
        KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer, Tags.of("stage", stage, "client", "producer"));
        consumerMetrics.bindTo(registry);
        producerMetrics.bindTo(registry);
        clientMetrics.add(consumerMetrics);
        clientMetrics.add(producerMetrics);
        backlogTimer = vertx.setPeriodic(0, BACKLOG_PERIOD.toMillis(), tick -> readBacklog(admin, group, topic));
    }

    private void readBacklog(Admin admin, String group, String topic) {
        admin.describeTopics(Set.of(topic)).allTopicNames().toCompletionStage()
                .thenCompose(described -> {
                    Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
                    described.get(topic).partitions().forEach(p -> ends.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
                    return admin.listOffsets(ends).all().toCompletionStage().thenCompose(endOffsets ->
                            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().toCompletionStage().thenApply(committed -> {
                                long lag = 0;
                                Map<TopicPartition, Long> endOf = new HashMap<>();
                                Map<TopicPartition, Long> committedOf = new HashMap<>();
                                for (var end : endOffsets.entrySet()) {
                                    var mine = committed.get(end.getKey());
                                    lag += Math.max(0, end.getValue().offset() - (mine == null ? 0 : mine.offset()));
                                    endOf.put(end.getKey(), end.getValue().offset());
                                    committedOf.put(end.getKey(), mine == null ? 0L : mine.offset());
                                }
                                backlog.set(lag);
                                readOldestWaiting(committedOf, endOf);
                                return lag;
                            }));
                })
                .whenComplete((lag, error) -> {
                    if (error != null) {
                        LOG.debug("{} backlog not read: {}", stage, error.toString());
                    }
                });
    }

    /** Reads the oldest waiting job's age on a worker thread, unless the previous reading still runs. */
    private void readOldestWaiting(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> ends) {
        if (!readingOldest.compareAndSet(false, true)) {
            return;
        }
        vertx.executeBlocking(() -> oldestWaiting.ageSeconds(committed, ends, System.currentTimeMillis()), false)
                .onComplete(read -> {
                    readingOldest.set(false);
                    if (read.succeeded()) {
                        oldestWaitingMillis.set(Math.round(read.result() * 1000));
                    } else {
                        LOG.debug("{} oldest waiting job not read: {}", stage, read.cause().toString());
                    }
                });
    }

    /** Records a processed batch: its time, its size, and each job's outcome read off the stage's outputs. */
    public void batchProcessed(List<CloudEvent> batch, long nanos, List<Outbound> outputs, Set<String> retried) {
        batchTime.record(Duration.ofNanos(nanos));
        batchSize.record(batch.size());
        Map<String, Outcome> outcomes = new HashMap<>();
        for (Outbound out : outputs) {
            String type = out.event().type();
            if (EventTypes.JOB_FAILED.equals(type)) {
                outcomes.put(out.event().jobId(), Outcome.FAILED);
            } else if (EventTypes.JOB_ABANDONED.equals(type)) {
                outcomes.putIfAbsent(out.event().jobId(), Outcome.CANCELED);
            }
        }
        for (CloudEvent event : batch) {
            Outcome outcome = retried.contains(event.jobId()) ? Outcome.RETRIED
                    : outcomes.getOrDefault(event.jobId(), Outcome.SUCCEEDED);
            jobs.get(outcome).increment();
        }
    }

    /** Jobs of a batch whose processing threw: each is reported failed. */
    public void failed(int jobCount) {
        jobs.get(Outcome.FAILED).increment(jobCount);
    }

    /** Records sent to the dead-letter topic (malformed, or poison after repeated crashes). */
    public void deadLettered(int records) {
        jobs.get(Outcome.DEAD_LETTERED).increment(records);
    }

    /**
     * One denoising step of {@code jobId} ended: records the time since its previous step (or since
     * its sampling began). Meant for a sampling listener's progress callback; safe on any thread.
     */
    public void denoiserStep(String jobId, int step, int totalSteps) {
        long now = System.nanoTime();
        Long previous = step >= totalSteps ? lastStepNanos.remove(jobId) : lastStepNanos.put(jobId, now);
        if (previous != null) {
            denoiserStep.record(Duration.ofNanos(now - previous));
        }
    }

    /** Marks the start of a job's sampling, so its first step is timed too. */
    public void samplingStarted(String jobId) {
        lastStepNanos.put(jobId, System.nanoTime());
    }

    @Override
    public void close() {
        if (vertx != null && backlogTimer >= 0) {
            vertx.cancelTimer(backlogTimer);
        }
        if (oldestWaiting != null) {
            oldestWaiting.close();
        }
        clientMetrics.forEach(KafkaClientMetrics::close);
        clientMetrics.clear();
    }
}

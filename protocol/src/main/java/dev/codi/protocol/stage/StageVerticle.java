package dev.codi.protocol.stage;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.MalformedEventException;
import dev.codi.protocol.PipelineConfig;
import dev.codi.protocol.Stage;
import dev.codi.protocol.Topics;
import dev.codi.protocol.events.JobEvent;
import dev.codi.protocol.kafka.CloudEventRecords;
import io.vertx.core.Future;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The loop every pipeline stage runs: poll a batch (at most {@code maxBatch} records, waiting at
 * most {@code maxWait} — dynamic batching), process it on a worker thread, publish the outputs,
 * and only then commit the input offsets. A crash anywhere before the commit makes another
 * instance of the group redo the batch; deterministic event ids make the repeat invisible.
 *
 * <p>A record that is not a valid event goes to the dead-letter topic with its reason; a job that
 * fails gets a {@code job.failed} event. Neither stops the loop: a worker never dies of a bad
 * message.
 */
public abstract class StageVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(StageVerticle.class);

    protected PipelineConfig pipeline;
    protected Topics topics;
    protected final Clock clock = Clock.systemUTC();
    private KafkaConsumer<String, Buffer> consumer;
    private KafkaProducer<String, Buffer> producer;
    private WorkerExecutor modelExecutor;
    private CancellationWatch cancellations;
    private volatile boolean stopping;
    private final String instanceId = UUID.randomUUID().toString().substring(0, 8);

    protected abstract Stage stage();

    /** The topic this stage consumes. */
    protected abstract String inputTopic();

    /** The CloudEvents type this stage accepts on its input topic. */
    protected abstract String inputType();

    /** Set-up before consuming starts (load the model, connect to storage); runs on a worker thread. */
    protected abstract void prepare() throws Exception;

    /**
     * Processes a batch of valid input events. Runs on a worker thread: blocking is fine here.
     * Per-job failures must be turned into {@link JobEvent.Failed} outputs, not thrown.
     */
    protected abstract List<Outbound> process(List<CloudEvent> batch) throws Exception;

    /** Releases what {@link #prepare()} took; runs on a worker thread. */
    protected void release() {
    }

    @Override
    public Future<?> start() {
        pipeline = PipelineConfig.from(config());
        topics = pipeline.topics();
        String clientId = stage().serviceName() + "-" + instanceId;
        modelExecutor = vertx.createSharedWorkerExecutor(clientId, 1, 30, TimeUnit.MINUTES);
        return modelExecutor.executeBlocking(() -> {
                    prepare();
                    return null;
                })
                .compose(ready -> {
                    cancellations = new CancellationWatch(vertx, pipeline.kafka(), topics.jobEvents(), clientId + "-cancellations");
                    return cancellations.start();
                })
                .compose(ready -> {
                    producer = KafkaProducer.create(vertx, pipeline.kafka().producer(clientId));
                    consumer = KafkaConsumer.create(vertx,
                            pipeline.kafka().consumer(stage().consumerGroup(), clientId, pipeline.maxBatch()));
                    return consumer.subscribe(inputTopic());
                })
                .onSuccess(subscribed -> {
                    LOG.info("{} {} consuming {} as group {}", stage().serviceName(), instanceId, inputTopic(),
                            stage().consumerGroup());
                    vertx.runOnContext(next -> pollLoop());
                });
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        // Close without committing: whatever is in flight is redone by another instance.
        Future<Void> closedConsumer = consumer == null ? Future.succeededFuture() : consumer.close();
        Future<Void> closedProducer = producer == null ? Future.succeededFuture() : producer.close();
        Future<Void> closedWatch = cancellations == null ? Future.succeededFuture() : cancellations.stop();
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

    /** Publishes a job event right away (progress); safe to call from the worker thread. */
    protected void emitNow(JobEvent event) {
        Outbound outbound = new Outbound(topics.jobEvents(), event.toCloudEvent(clock.instant()));
        context.runOnContext(ignored -> {
            if (!stopping) {
                producer.send(CloudEventRecords.toRecord(outbound.topic(), outbound.event()))
                        .onFailure(error -> LOG.warn("could not publish {}: {}", outbound.event().id(), error.getMessage()));
            }
        });
    }

    protected Outbound jobEvent(JobEvent event) {
        return new Outbound(topics.jobEvents(), event.toCloudEvent(clock.instant()));
    }

    private void pollLoop() {
        if (stopping) {
            return;
        }
        consumer.poll(Duration.ofMillis(pipeline.maxWaitMillis()))
                .compose(this::handle)
                .onComplete(done -> {
                    if (done.failed() && !stopping) {
                        LOG.warn("{} batch not committed, it will be redelivered: {}", stage().serviceName(),
                                done.cause().toString());
                    }
                    if (!stopping) {
                        vertx.runOnContext(next -> pollLoop());
                    }
                });
    }

    private Future<Void> handle(KafkaConsumerRecords<String, Buffer> records) {
        if (records.isEmpty()) {
            return Future.succeededFuture();
        }
        List<KafkaProducerRecord<String, Buffer>> deadLetters = new ArrayList<>();
        List<CloudEvent> valid = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            KafkaConsumerRecord<String, Buffer> record = records.recordAt(i);
            try {
                CloudEvent event = CloudEventRecords.fromRecord(record);
                if (!inputType().equals(event.type())) {
                    throw new MalformedEventException("unexpected event type '" + event.type() + "' on " + record.topic()
                            + ", expected " + inputType());
                }
                if (cancellations.isCanceled(event.jobId())) {
                    LOG.info("{}: skipping canceled job {}", stage().serviceName(), event.jobId());
                } else {
                    valid.add(event);
                }
            } catch (MalformedEventException e) {
                LOG.warn("{}: record {}-{}@{} to dead letters: {}", stage().serviceName(), record.topic(),
                        record.partition(), record.offset(), e.getMessage());
                deadLetters.add(DeadLetters.of(topics.deadLetter(), stage().serviceName(), record, e.getMessage()));
            }
        }
        Future<List<Outbound>> outputs = valid.isEmpty()
                ? Future.succeededFuture(List.of())
                : modelExecutor.executeBlocking(() -> process(valid), true)
                        .recover(error -> Future.succeededFuture(failAll(valid, error)));
        return outputs.compose(outbound -> {
            if (stopping) {
                return Future.failedFuture("stage is stopping");
            }
            List<Future<?>> sent = new ArrayList<>();
            deadLetters.forEach(record -> sent.add(producer.send(record)));
            outbound.forEach(out -> sent.add(producer.send(CloudEventRecords.toRecord(out.topic(), out.event()))));
            return Future.all(sent);
        }).compose(sent -> commit(records));
    }

    /** A bug in process() must not lose jobs silently: every job of the batch is reported failed. */
    private List<Outbound> failAll(List<CloudEvent> batch, Throwable error) {
        LOG.error("{} failed a batch of {}", stage().serviceName(), batch.size(), error);
        List<Outbound> failures = new ArrayList<>();
        for (CloudEvent event : batch) {
            failures.add(jobEvent(new JobEvent.Failed(event.jobId(), stage(),
                    stage().serviceName() + " could not process the job: " + error)));
        }
        return failures;
    }

    private Future<Void> commit(KafkaConsumerRecords<String, Buffer> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            KafkaConsumerRecord<String, Buffer> record = records.recordAt(i);
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            OffsetAndMetadata next = new OffsetAndMetadata(record.offset() + 1, null);
            offsets.merge(partition, next, (a, b) -> a.getOffset() >= b.getOffset() ? a : b);
        }
        return consumer.commit(offsets).mapEmpty();
    }
}

package dev.codi.gateway.jobs;

import dev.codi.gateway.view.JobStateReader;
import dev.codi.gateway.view.JobStateWriter;
import dev.codi.gateway.view.JobStatus;
import dev.codi.gateway.view.JobView;
import dev.codi.infra.Infrastructure;
import dev.codi.media.Modality;
import dev.codi.protocol.DistributedTrace;
import dev.codi.protocol.InputRef;
import dev.codi.protocol.JobParams;
import dev.codi.protocol.JobSpec;
import dev.codi.protocol.Stage;
import dev.codi.protocol.Topics;
import dev.codi.protocol.events.JobEvent;
import dev.codi.protocol.kafka.KafkaSettings;
import dev.codi.storage.ObjectStore;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import dev.codi.storage.ObjectStoreConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.producer.KafkaProducer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-your-writes against a real broker: what the submitter published is in the gateway's view
 * as soon as Kafka acknowledged it, though no reader follows the topic; the snapshots written
 * from the same events, read later, change nothing.
 */
class JobSubmitterTest {
    private static final Topics TOPICS = Topics.withPrefix("submitter-test.");
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private static Infrastructure infrastructure;
    private static ObjectStore store;
    private static Vertx vertx;
    /** One event loop for the producer, the reader and the view, as in the gateway. */
    private static Context gatewayLoop;
    private static KafkaProducer<String, Buffer> producer;
    private static AtomicPublisher atomic;

    @BeforeAll
    static void start() throws Exception {
        infrastructure = Infrastructure.startInProcess();
        infrastructure.createTopics(Map.of(TOPICS.jobs(), 2, TOPICS.jobEvents(), 2, TOPICS.jobState(), 2, TOPICS.cancellations(), 2));
        store = new ObjectStore(new ObjectStoreConfig(infrastructure.s3Endpoint(), infrastructure.s3AccessKey(),
                infrastructure.s3SecretKey(), "submitter-test", ObjectStoreConfig.DEFAULT_REGION));
        vertx = Vertx.vertx();
        gatewayLoop = vertx.getOrCreateContext();
        producer = onGatewayLoop(() -> Future.succeededFuture(KafkaProducer.<String, Buffer>create(vertx,
                new KafkaSettings(infrastructure.kafkaBootstrapServers()).producer("submitter-test"))));
        atomic = onGatewayLoop(() -> Future.succeededFuture(
                new AtomicPublisher(vertx, new KafkaSettings(infrastructure.kafkaBootstrapServers()), "submitter-test")));
    }

    @AfterAll
    static void stop() throws Exception {
        onGatewayLoop(() -> producer.close());
        onGatewayLoop(() -> atomic.close());
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        store.close();
        infrastructure.close();
    }

    @Test
    void aPublishedJobIsInTheViewAtOnceAndTheReaderLaterAddsNothing() throws Exception {
        // Given a view that no reader feeds
        JobView view = new JobView();
        JobSubmitter submitter = new JobSubmitter(store, producer, atomic, TOPICS, view, Clock.systemUTC(), new SplittableRandom(7));
        JobSpec job = job(submitter.newJobId());

        // When the job is published
        onGatewayLoop(() -> submitter.publish(new JobEvent.Queued(job), DistributedTrace.NONE));

        // Then the view holds it, queued, the moment the publication completes
        assertThat(onGatewayLoop(() -> Future.succeededFuture(view.get(job.id()).orElseThrow().status())))
                .isEqualTo(JobStatus.QUEUED);

        // And when the snapshot written from the same event is read into the same view, the job changed once, not twice
        KafkaSettings kafka = new KafkaSettings(infrastructure.kafkaBootstrapServers());
        JobStateWriter writer = new JobStateWriter(kafka, TOPICS, null);
        writer.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (readCommitted(TOPICS.jobState()).stream().noneMatch(record -> record.key().equals(job.id()))) {
                assertThat(System.nanoTime()).as("the writer wrote the job's snapshot within 60 s").isLessThan(deadline);
                Thread.sleep(50);
            }
        } finally {
            writer.stop();
        }
        JobStateReader reader = onGatewayLoop(() -> Future.succeededFuture(new JobStateReader(vertx, kafka, TOPICS.jobState(), view,
                java.time.Clock.systemUTC(), java.time.Duration.ofDays(1))));
        onGatewayLoop(reader::start);
        try {
            assertThat(onGatewayLoop(() -> Future.succeededFuture(view.history(job.id())))).hasSize(1);
        } finally {
            onGatewayLoop(reader::stop);
        }
    }

    @Test
    void aPublishedCancelationIsInTheViewAtOnce() throws Exception {
        JobView view = new JobView();
        JobSubmitter submitter = new JobSubmitter(store, producer, atomic, TOPICS, view, Clock.systemUTC(), new SplittableRandom(8));
        JobSpec job = job(submitter.newJobId());
        onGatewayLoop(() -> submitter.publish(new JobEvent.Queued(job), DistributedTrace.NONE));

        onGatewayLoop(() -> submitter.cancel(new JobEvent.Canceled(job.id(), Stage.GATEWAY)));

        // Then the view shows it canceled at once, and the stages' compacted topic names it
        assertThat(onGatewayLoop(() -> Future.succeededFuture(view.get(job.id()).orElseThrow().status())))
                .isEqualTo(JobStatus.CANCELED);
        assertThat(readCommitted(TOPICS.cancellations())).extracting(ConsumerRecord::key).contains(job.id());
    }

    @Test
    void aSubmissionIsAllOrNothingWhenItsSecondRecordIsRefused() throws Exception {
        // Given a jobs topic that refuses every record (its size limit is below any job's)
        Topics refusing = Topics.withPrefix("submitter-refusing.");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infrastructure.kafkaBootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(refusing.jobEvents(), 1, (short) 1),
                    new NewTopic(refusing.jobs(), 1, (short) 1).configs(Map.of("max.message.bytes", "300"))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        JobView view = new JobView();
        JobSubmitter submitter = new JobSubmitter(store, producer, atomic, refusing, view, Clock.systemUTC(), new SplittableRandom(9));
        JobSpec job = job(submitter.newJobId());

        // When the job is submitted
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        gatewayLoop.runOnContext(ignored -> submitter.publish(new JobEvent.Queued(job), DistributedTrace.NONE)
                .onComplete(done -> failure.complete(done.cause())));

        // Then the submission fails, the view does not hold the job, and no reader ever sees it queued
        assertThat(failure.get(60, TimeUnit.SECONDS)).isNotNull();
        assertThat(onGatewayLoop(() -> Future.succeededFuture(view.get(job.id())))).isEmpty();
        assertThat(readCommitted(refusing.jobEvents())).extracting(ConsumerRecord::key).doesNotContain(job.id());
    }

    /** Every committed record of {@code topic} (read_committed, as the snapshot writer reads). */
    private static List<ConsumerRecord<String, Buffer>> readCommitted(String topic) {
        List<ConsumerRecord<String, Buffer>> records = new java.util.ArrayList<>();
        try (KafkaConsumer<String, Buffer> consumer = new KafkaConsumer<>(new java.util.HashMap<String, Object>(
                new KafkaSettings(infrastructure.kafkaBootstrapServers()).reader("submitter-test-read")))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                assertThat(System.nanoTime()).as("read " + topic + " to its end within 30 s").isLessThan(deadline);
                consumer.poll(java.time.Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    private static JobSpec job(String id) {
        return new JobSpec(id, "alice", T0, Map.of(Modality.TEXT, new InputRef.InlineText("a red circle")), Map.of(),
                List.of(Modality.IMAGE), new JobParams(10, 7.5, 0, 1, true));
    }

    /** Runs {@code action} on the gateway's event loop and waits for the future it returns. */
    private static <T> T onGatewayLoop(Supplier<Future<T>> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        gatewayLoop.runOnContext(ignored -> {
            try {
                action.get().onComplete(result::complete, result::completeExceptionally);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(60, TimeUnit.SECONDS);
    }
}

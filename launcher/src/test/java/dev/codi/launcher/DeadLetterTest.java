package dev.codi.launcher;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.codi.encoder.EncoderVerticle;
import dev.codi.protocol.PipelineConfig;
import dev.codi.protocol.TopicSettings;
import dev.codi.protocol.kafka.KafkaSettings;
import dev.codi.protocol.kafka.TopicSetup;
import dev.codi.protocol.metrics.ProcessMetrics;
import dev.codi.protocol.stage.DeadLetters;
import dev.codi.protocol.stage.StageSettings;
import dev.codi.protocol.stage.StageVerticle;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A record a stage cannot read goes to the dead-letter topic, intact, and the stage carries on. */
class DeadLetterTest {
    @Test
    void garbageOnTheJobsTopicIsDeadLetteredWithItsReasonAndTheEncoderKeepsWorking() throws Exception {
        // Given a record on the jobs topic that is not a CloudEvent at all
        String key = "garbage-" + UUID.randomUUID();
        byte[] value = "{\"this is\": \"not an event\"".getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                SharedPipeline.get().infrastructure().kafkaBootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(SharedPipeline.topics().jobs(), key, value)).get();
        }

        // When a valid job follows it
        CodiClient client = SharedPipeline.client();
        JsonObject job = client.awaitFinished(client.submit(SharedPipeline.textJob("a red square moving down",
                List.of("text"), 3, 11)).getString("id"), Duration.ofSeconds(120), s -> { });

        // Then the job succeeds and the garbage sits on the dead-letter topic, unchanged, with why
        assertThat(job.getString("status")).isEqualTo("succeeded");
        Optional<ConsumerRecord<String, byte[]>> dead = SharedPipeline.readRecords(SharedPipeline.topics().deadLetter())
                .stream().filter(record -> key.equals(record.key())).findFirst();
        assertThat(dead).isPresent();
        assertThat(dead.get().value()).isEqualTo(value);
        assertThat(header(dead.get(), DeadLetters.STAGE)).isEqualTo("encoder-service");
        assertThat(header(dead.get(), DeadLetters.SOURCE_TOPIC)).isEqualTo(SharedPipeline.topics().jobs());
        assertThat(header(dead.get(), DeadLetters.REASON)).contains("ce_specversion");
    }

    @Test
    void aDeadLetterIsCountedOnceSentNotEachTimeItsBatchIsRedoneAfterAFailedPublish() throws Exception {
        // Given an encoder on topics of its own whose producer cannot send anything (every record is
        // over its max.request.size): its batch with a garbage record is redone again and again
        EmbeddedPipeline pipeline = SharedPipeline.get();
        JsonObject config = pipeline.config()
                .put(PipelineConfig.TOPIC_PREFIX, "dead-count-" + UUID.randomUUID().toString().substring(0, 8) + ".")
                .put(KafkaSettings.CLIENT_PROPERTY_PREFIX + "MAX_REQUEST_SIZE", "1")
                .put(StageSettings.RETRY_BACKOFF_MAX_MS, "200");
        PipelineConfig own = PipelineConfig.from(config);
        TopicSetup.ensureTopics(own.kafka(), own.topics(), TopicSettings.from(config));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                pipeline.infrastructure().kafkaBootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(own.topics().jobs(), "garbage", "not an event".getBytes(StandardCharsets.UTF_8))).get();
        }
        Counter deadLettered = ProcessMetrics.registry().find("codi.stage.jobs")
                .tags("stage", "encoder-service", "outcome", "dead_lettered").counter();
        double before = deadLettered == null ? 0 : deadLettered.count();
        ListAppender<ILoggingEvent> redone = new ListAppender<>();
        Logger stageLog = (Logger) org.slf4j.LoggerFactory.getLogger(StageVerticle.class);
        redone.start();
        stageLog.addAppender(redone);
        String deployment = pipeline.vertx().deployVerticle(new EncoderVerticle(), new DeploymentOptions().setConfig(config))
                .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        try {
            // When its dead-letter publish has failed three times
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (failedPublishes(redone) < 3 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(failedPublishes(redone)).as("batches redone after a failed publish").isGreaterThanOrEqualTo(3);

            // Then nothing was counted as dead-lettered: nothing was
            Counter after = ProcessMetrics.registry().find("codi.stage.jobs")
                    .tags("stage", "encoder-service", "outcome", "dead_lettered").counter();
            assertThat(after == null ? 0 : after.count()).isEqualTo(before);
        } finally {
            stageLog.detachAppender(redone);
            pipeline.undeploy(deployment);
        }
    }

    /** The stage's warnings that a batch was not committed because a record was too large to send. */
    private static long failedPublishes(ListAppender<ILoggingEvent> log) {
        synchronized (log) { // AppenderBase appends under the appender's own lock
            return log.list.stream().filter(event -> event.getFormattedMessage().contains("batch not committed")
                    && event.getFormattedMessage().contains("RecordTooLarge")).count();
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}

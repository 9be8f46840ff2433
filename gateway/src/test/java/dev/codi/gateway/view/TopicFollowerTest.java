package dev.codi.gateway.view;

import dev.codi.infra.Infrastructure;
import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.kafka.CloudEventRecords;
import dev.codi.protocol.kafka.KafkaSettings;
import dev.codi.protocol.kafka.TopicFollower;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Catching up with a topic at start, on a real broker, when the last offsets hold nothing to deliver. */
class TopicFollowerTest {
    private static Infrastructure infrastructure;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        infrastructure = Infrastructure.startInProcess();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        infrastructure.close();
    }

    @Test
    void startsOnAPartitionThatRetentionEmptied() throws Exception {
        // Given a topic whose records were all deleted (start offset = end offset > 0)
        String topic = "follower-emptied";
        createTopic(topic);
        publish(topic, 3);
        try (Admin admin = admin()) {
            admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(3))).all().get(30, TimeUnit.SECONDS);
        }

        // When a follower starts on it, then it has caught up (it used to wait forever for offset 2)
        List<CloudEvent> seen = new CopyOnWriteArrayList<>();
        TopicFollower follower = new TopicFollower(vertx, settings(), topic, "test", seen::add, Duration.ofSeconds(30));
        follower.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(seen).isEmpty();

        // And it goes on following what comes next
        publish(topic, 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (seen.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(seen).hasSize(1);
        follower.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static KafkaSettings settings() {
        return new KafkaSettings(infrastructure.kafkaBootstrapServers());
    }

    private static Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", infrastructure.kafkaBootstrapServers()));
    }

    private static void createTopic(String topic) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static void publish(String topic, int count) throws Exception {
        KafkaProducer<String, Buffer> producer = KafkaProducer.create(vertx, settings().producer("test-producer"));
        for (int i = 0; i < count; i++) {
            CloudEvent event = new CloudEvent("job_" + i + "/" + System.nanoTime(), "/test", "dev.codi.test", "job_" + i,
                    Instant.now(), new JsonObject());
            producer.send(CloudEventRecords.toRecord(topic, event)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        producer.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}

package dev.codi.launcher;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.events.EventTypes;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * At-least-once delivery: a stage that produced its outputs but died before committing gets its
 * input again. Redelivering the decoder's input by hand reproduces exactly that.
 */
class RedeliveryTest {
    @Test
    void aRedeliveredInputRepeatsTheSameCompletionWhichTheClientSeesOnce() throws Exception {
        // Given a finished job
        CodiClient client = SharedPipeline.client();
        String id = client.submit(SharedPipeline.textJob("an orange circle moving right", List.of("image", "audio"), 4, 21))
                .getString("id");
        JsonObject before = client.awaitFinished(id, Duration.ofSeconds(120), s -> { });
        assertThat(before.getString("status")).isEqualTo("succeeded");

        // When the decoder's input record is delivered a second time
        ConsumerRecord<String, byte[]> latents = SharedPipeline.readRecords(SharedPipeline.topics().latents()).stream()
                .filter(record -> id.equals(record.key())).findFirst().orElseThrow();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                SharedPipeline.get().infrastructure().kafkaBootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(latents.topic(), null, latents.key(), latents.value(), latents.headers())).get();
        }
        List<CloudEvent> completions = awaitCompletions(id, 2);

        // Then the decoder redid the job with the same event id, and the job is as it was
        assertThat(completions).extracting(CloudEvent::id).containsOnly(id + "/succeeded");
        assertThat(completions.get(1).data().getJsonArray("artifacts")).isEqualTo(completions.get(0).data().getJsonArray("artifacts"));
        JsonObject after = client.job(id);
        assertThat(after.getString("status")).isEqualTo("succeeded");
        assertThat(after.getString("updated_at")).isEqualTo(before.getString("updated_at"));
        assertThat(after.getJsonObject("timings")).isEqualTo(before.getJsonObject("timings"));
        assertThat(new String(latents.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8))
                .isEqualTo(EventTypes.JOB_SAMPLED);
    }

    private static List<CloudEvent> awaitCompletions(String jobId, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            List<CloudEvent> completions = SharedPipeline.readAll(SharedPipeline.topics().jobEvents()).stream()
                    .filter(event -> event.jobId().equals(jobId) && event.type().equals(EventTypes.JOB_SUCCEEDED)).toList();
            if (completions.size() >= count) {
                return completions;
            }
            assertThat(System.nanoTime()).as("only " + completions.size() + " completions of " + jobId).isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}

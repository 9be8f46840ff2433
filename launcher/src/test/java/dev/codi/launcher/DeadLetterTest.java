package dev.codi.launcher;

import dev.codi.protocol.stage.DeadLetters;
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

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}

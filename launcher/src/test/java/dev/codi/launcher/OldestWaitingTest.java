package dev.codi.launcher;

import dev.codi.infra.KafkaTopics;
import dev.codi.protocol.kafka.KafkaSettings;
import dev.codi.protocol.stage.OldestWaiting;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The age of a stage's oldest waiting job ({@code codi_stage_oldest_waiting_age_seconds}) is read
 * off the record at its group's committed offset, on the shared pipeline's broker.
 */
class OldestWaitingTest {
    private static final String TOPIC = "oldest-waiting-" + java.util.UUID.randomUUID();
    private static final long NOW = System.currentTimeMillis();
    private static String bootstrap;

    @BeforeAll
    static void produceFourJobs() throws Exception {
        bootstrap = SharedPipeline.get().infrastructure().kafkaBootstrapServers();
        KafkaTopics.createTopics(bootstrap, Map.of(TOPIC, 2));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                new StringSerializer(), new StringSerializer())) {
            // Partition 0: records produced 90, 60 and 30 s before NOW; partition 1: one 45 s before.
            producer.send(new ProducerRecord<>(TOPIC, 0, NOW - 90_000, "job_a", "{}")).get();
            producer.send(new ProducerRecord<>(TOPIC, 0, NOW - 60_000, "job_b", "{}")).get();
            producer.send(new ProducerRecord<>(TOPIC, 0, NOW - 30_000, "job_c", "{}")).get();
            producer.send(new ProducerRecord<>(TOPIC, 1, NOW - 45_000, "job_d", "{}")).get();
        }
    }

    @Test
    void theOldestWaitingJobIsTheFirstUncommittedRecordOfAnyPartition() {
        TopicPartition first = new TopicPartition(TOPIC, 0);
        TopicPartition second = new TopicPartition(TOPIC, 1);
        Map<TopicPartition, Long> ends = Map.of(first, 3L, second, 1L);
        try (OldestWaiting oldest = new OldestWaiting(new KafkaSettings(bootstrap, Map.of()).reader("oldest-test"))) {
            assertThat(oldest.ageSeconds(Map.of(), ends, NOW)).as("nothing committed").isCloseTo(90, within(0.001));
            assertThat(oldest.ageSeconds(Map.of(first, 1L), ends, NOW)).as("job_a done: job_b waits longest")
                    .isCloseTo(60, within(0.001));
            assertThat(oldest.ageSeconds(Map.of(first, 2L), ends, NOW)).as("job_b done too: job_d, on the other partition, waits longest")
                    .isCloseTo(45, within(0.001));
            assertThat(oldest.ageSeconds(Map.of(first, 2L, second, 1L), ends, NOW)).as("only job_c waits")
                    .isCloseTo(30, within(0.001));
            assertThat(oldest.ageSeconds(Map.of(first, 3L, second, 1L), ends, NOW)).as("none waits").isZero();
        }
    }
}

package dev.codi.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void aProducedRecordIsConsumedWithItsKeyAndValue() throws Exception {
        // Given
        kafka.createTopics(Map.of("roundtrip", 1));
        // When
        try (KafkaProducer<String, String> producer = producer(kafka.bootstrapServers())) {
            producer.send(new ProducerRecord<>("roundtrip", "job-1", "hello")).get();
        }
        // Then
        try (KafkaConsumer<String, String> consumer = consumer(kafka.bootstrapServers(), "roundtrip-group")) {
            consumer.subscribe(List.of("roundtrip"));
            List<ConsumerRecord<String, String>> received = pollUntil(consumer, 1);
            assertThat(received).singleElement().satisfies(record -> {
                assertThat(record.key()).isEqualTo("job-1");
                assertThat(record.value()).isEqualTo("hello");
            });
        }
    }

    @Test
    void twoConsumersInOneGroupSplitFourPartitions() {
        // Given
        kafka.createTopics(Map.of("split", 4));
        try (KafkaConsumer<String, String> first = consumer(kafka.bootstrapServers(), "split-group");
             KafkaConsumer<String, String> second = consumer(kafka.bootstrapServers(), "split-group")) {
            // When
            first.subscribe(List.of("split"));
            second.subscribe(List.of("split"));
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while ((first.assignment().size() != 2 || second.assignment().size() != 2) && System.nanoTime() < deadline) {
                first.poll(POLL);
                second.poll(POLL);
            }
            // Then
            assertThat(first.assignment()).hasSize(2);
            assertThat(second.assignment()).hasSize(2).doesNotContainAnyElementsOf(first.assignment());
            Set<TopicPartition> all = new HashSet<>(first.assignment());
            all.addAll(second.assignment());
            assertThat(all).extracting(TopicPartition::partition).containsExactlyInAnyOrder(0, 1, 2, 3);
        }
    }

    @Test
    void recordsLargerThanKafkasOneMebibyteDefaultAreAccepted() throws Exception {
        kafka.createTopics(Map.of("large", 1));
        String twoMebibytes = "x".repeat(2 * 1024 * 1024);
        Properties raised = new Properties();
        raised.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, BrokerTuning.MAX_MESSAGE_BYTES);
        try (KafkaProducer<String, String> producer = producer(kafka.bootstrapServers(), raised)) {
            assertThat(producer.send(new ProducerRecord<>("large", "k", twoMebibytes)).get().serializedValueSize())
                    .isEqualTo(twoMebibytes.length());
        }
    }

    @Test
    void aBrokerOnAGivenDirectoryKeepsItsRecordsAcrossRestarts(@TempDir Path dataDirectory) throws Exception {
        try (EmbeddedKafka first = EmbeddedKafka.start(dataDirectory);
             KafkaProducer<String, String> producer = producer(first.bootstrapServers())) {
            first.createTopics(Map.of("durable", 1));
            producer.send(new ProducerRecord<>("durable", "job-2", "kept")).get();
        }
        try (EmbeddedKafka restarted = EmbeddedKafka.start(dataDirectory);
             KafkaConsumer<String, String> consumer = consumer(restarted.bootstrapServers(), "durable-group")) {
            consumer.subscribe(List.of("durable"));
            assertThat(pollUntil(consumer, 1)).extracting(ConsumerRecord::value).containsExactly("kept");
            assertThat(restarted.dataDirectory()).contains(dataDirectory);
        }
        assertThat(dataDirectory).isNotEmptyDirectory();
    }

    @Test
    void aTemporaryDataDirectoryIsDeletedOnClose() {
        EmbeddedKafka temporary = EmbeddedKafka.start();
        Path directory = temporary.dataDirectory().orElseThrow();
        temporary.close();
        assertThat(directory).doesNotExist();
        assertThat(temporary.dataDirectory()).isEmpty();
    }

    static KafkaProducer<String, String> producer(String bootstrapServers) {
        return producer(bootstrapServers, new Properties());
    }

    static KafkaProducer<String, String> producer(String bootstrapServers, Properties extra) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.putAll(extra);
        return new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
    }

    static KafkaConsumer<String, String> consumer(String bootstrapServers, String group) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        // The KIP-848 protocol the services use; the broker's 500 ms heartbeats keep rebalances short.
        properties.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer());
    }

    static List<ConsumerRecord<String, String>> pollUntil(KafkaConsumer<String, String> consumer, int count) {
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (received.size() < count && System.nanoTime() < deadline) {
            consumer.poll(POLL).forEach(received::add);
        }
        return received;
    }
}

package dev.codi.protocol.kafka;

import dev.codi.infra.EmbeddedKafka;
import dev.codi.infra.ForgottenTransaction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Hanging transactions on a real broker: a transaction whose coordinator no longer knows it holds
 * back every committed reader of its partition until it is ended; the repair ends it and keeps its
 * records, and leaves alone the transactions still in progress.
 */
class HangingTransactionsTest {
    private static EmbeddedKafka kafka;
    private static Admin admin;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
        admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        kafka.close();
    }

    @Test
    void aTransactionItsCoordinatorForgotIsAbortedAndItsRecordsPublishedAgainSoReadersGoOn() throws Exception {
        // Given a partition holding two records of a transaction no coordinator knows, then a committed record
        String topic = "hanging.forgotten";
        kafka.createTopics(Map.of(topic, 2));
        TopicPartition partition = new TopicPartition(topic, 0);
        Map<String, String> forgotten = new LinkedHashMap<>();
        forgotten.put("job-1", "submission 1");
        forgotten.put("job-2", "submission 2");
        ForgottenTransaction.write(admin, kafka.bootstrapServers(), partition, 777_001L, forgotten);
        try (KafkaProducer<String, String> producer = transactionalProducer("later")) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, "job-3", "submission 3")).get(30, TimeUnit.SECONDS);
            producer.commitTransaction();
        }
        assertThat(lastStable(partition)).as("committed readers held at the open transaction").isZero();

        // When the repair looks for transactions open longer than no time at all
        List<HangingTransactions.Repair> repairs;
        try (HangingTransactions hanging = new HangingTransactions(new KafkaSettings(kafka.bootstrapServers()), Duration.ZERO,
                Clock.systemUTC())) {
            repairs = hanging.repair(List.of(topic, "hanging.no-such-topic"));

            // Then it ended that one, and published its two records again
            assertThat(repairs).singleElement().satisfies(repair -> {
                assertThat(repair.partition()).isEqualTo(partition);
                assertThat(repair.producerId()).isEqualTo(777_001L);
                assertThat(repair.firstOffset()).isZero();
                assertThat(repair.republished()).isEqualTo(2);
            });
            // And a committed reader reads every record once: the one committed, then the two kept
            assertThat(readCommitted(partition)).containsExactly("job-3=submission 3", "job-1=submission 1", "job-2=submission 2");
            assertThat(lastStable(partition)).isEqualTo(endOffset(partition));
            // And a second look finds nothing more to do
            assertThat(hanging.repair(List.of(topic))).isEmpty();
        }
    }

    @Test
    void oneLookEndsTheHangingTransactionsOfEveryPartitionOfEveryTopic() throws Exception {
        // Given, on both partitions of two topics, a transaction no coordinator knows, then records committed behind it
        List<String> topics = List.of("hanging.many-a", "hanging.many-b");
        long producerId = 777_100L;
        for (String topic : topics) {
            kafka.createTopics(Map.of(topic, 2));
            for (int p = 0; p < 2; p++) {
                ForgottenTransaction.write(admin, kafka.bootstrapServers(), new TopicPartition(topic, p), producerId++,
                        Map.of("forgotten-" + p, "lost"));
            }
        }
        try (KafkaProducer<String, String> producer = transactionalProducer("many")) {
            producer.initTransactions();
            for (int job = 0; job < 4; job++) {
                producer.beginTransaction();
                for (String topic : topics) {
                    producer.send(new ProducerRecord<>(topic, job % 2, "job-" + job, "submission " + job));
                }
                producer.commitTransaction();
            }
        }

        // When the repair looks once
        try (HangingTransactions hanging = new HangingTransactions(new KafkaSettings(kafka.bootstrapServers()), Duration.ZERO,
                Clock.systemUTC())) {
            // Then it ends all four, and every record is readable, each once
            assertThat(hanging.repair(topics)).hasSize(4).allSatisfy(repair -> assertThat(repair.republished()).isEqualTo(1));
        }
        for (String topic : topics) {
            assertThat(readCommitted(new TopicPartition(topic, 0))).containsExactly("job-0=submission 0", "job-2=submission 2", "forgotten-0=lost");
            assertThat(readCommitted(new TopicPartition(topic, 1))).containsExactly("job-1=submission 1", "job-3=submission 3", "forgotten-1=lost");
        }
    }

    @Test
    void aTransactionInProgressOrOpenForLessThanTheThresholdIsLeftAlone() throws Exception {
        // Given a transaction in progress on one partition, and on the other one its coordinator does not know
        String topic = "hanging.in-progress";
        kafka.createTopics(Map.of(topic, 2));
        ForgottenTransaction.write(admin, kafka.bootstrapServers(), new TopicPartition(topic, 1), 777_002L, Map.of("job-9", "recent"));
        try (KafkaProducer<String, String> producer = transactionalProducer("in-progress")) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, "job-4", "submission 4")).get(30, TimeUnit.SECONDS);

            // When the repair looks at once for any open transaction, and for those open longer than an hour
            try (HangingTransactions atOnce = new HangingTransactions(new KafkaSettings(kafka.bootstrapServers()), Duration.ZERO,
                         Clock.systemUTC());
                 HangingTransactions afterAnHour = new HangingTransactions(new KafkaSettings(kafka.bootstrapServers()),
                         Duration.ofHours(1), Clock.systemUTC())) {
                // Then the one an hour does not cover is untouched, and so is the one in progress
                assertThat(afterAnHour.repair(List.of(topic))).isEmpty();
                assertThat(atOnce.repair(List.of(topic))).singleElement()
                        .satisfies(repair -> assertThat(repair.partition()).isEqualTo(new TopicPartition(topic, 1)));
            }

            // And the transaction in progress still commits
            producer.commitTransaction();
        }
        assertThat(readCommitted(new TopicPartition(topic, 0))).containsExactly("job-4=submission 4");
    }

    @Test
    void theThresholdIsReadFromTheEnvironmentAndZeroTurnsTheRepairOff() {
        assertThat(HangingTransactions.after(Map.of())).isEqualTo(HangingTransactions.DEFAULT_AFTER);
        assertThat(HangingTransactions.after(Map.of(HangingTransactions.AFTER_VARIABLE, " 0 "))).isZero();
        assertThatThrownBy(() -> HangingTransactions.after(Map.of(HangingTransactions.AFTER_VARIABLE, "-1")))
                .hasMessageContaining(HangingTransactions.AFTER_VARIABLE);
        assertThatThrownBy(() -> HangingTransactions.after(Map.of(HangingTransactions.AFTER_VARIABLE, "a minute")))
                .hasMessageContaining("whole number of seconds");
    }

    private static KafkaProducer<String, String> transactionalProducer(String id) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "transactional.id", "hanging-test-" + id),
                new StringSerializer(), new StringSerializer());
    }

    private static long lastStable(TopicPartition partition) throws Exception {
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all().get(30, TimeUnit.SECONDS).get(partition).offset();
    }

    private static long endOffset(TopicPartition partition) throws Exception {
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get(30, TimeUnit.SECONDS).get(partition).offset();
    }

    /**
     * What a committed reader gets from the partition, as key=value, once no transaction is open
     * there (a commit's markers are written after the commit returns).
     */
    private static List<String> readCommitted(TopicPartition partition) throws Exception {
        long end = endOffset(partition);
        long settled = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (lastStable(partition) < end && System.nanoTime() < settled) {
            Thread.sleep(100);
        }
        long stable = lastStable(partition);
        List<String> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "isolation.level", "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(partition) < stable && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    records.add(record.key() + "=" + record.value());
                }
            }
        }
        return records;
    }
}

package dev.codi.protocol.kafka;

import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Finds the transactions that hang on a partition and ends them without losing their records: the
 * remedy of KIP-664 ({@code kafka-transactions.sh find-hanging}, then {@code abort}), done by the
 * service itself.
 *
 * <p>A transaction hangs when a partition holds its records but no marker will ever come, because
 * the transaction coordinator no longer counts it as open: a broker stopped between a commit and
 * its markers can leave one behind (docs/reliability.md). Every {@code read_committed} reader of
 * the partition stops at its first record, for good. A transaction counts as hanging when the
 * partition's producer state shows it open for longer than {@code openLongerThan}, and the
 * coordinator lists no transaction in progress for its producer.
 *
 * <p>A repair reads the partition from the transaction's first record up to the first record of
 * any other transaction still open ({@code read_uncommitted}), aborts the transaction on that
 * partition (the admin client writes the marker), and publishes again, committed, the records it
 * read that are not readable committed afterwards: the aborted transaction's. A job whose
 * submission lost its commit markers is kept, not dropped. Had the transaction been meant to
 * abort, its records come through once more; consumers see each record at least once, and the
 * stages' deterministic event ids make a repeat harmless.
 *
 * <p>Blocking: run it off the event loop.
 */
public final class HangingTransactions implements AutoCloseable {
    public static final String AFTER_VARIABLE = "CODI_HANGING_TRANSACTION_AFTER_SECONDS";
    /**
     * A transaction the coordinator does not know, open this long, is ended. Far beyond the
     * gateway's {@code transaction.timeout.ms} (10 s) plus the coordinator's scan for timed-out
     * transactions (10 s by default), after which the coordinator itself aborts an open one.
     */
    public static final Duration DEFAULT_AFTER = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(HangingTransactions.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final String CLIENT_ID = "hanging-transactions";
    private static final Set<TransactionState> IN_PROGRESS = EnumSet.of(TransactionState.ONGOING,
            TransactionState.PREPARE_COMMIT, TransactionState.PREPARE_ABORT, TransactionState.PREPARE_EPOCH_FENCE);

    /**
     * One transaction ended on one partition.
     *
     * @param firstOffset the offset of the transaction's first record there
     * @param open        how long its producer had not written to the partition
     * @param republished how many of its records were published again
     */
    public record Repair(TopicPartition partition, long producerId, int producerEpoch, long firstOffset, Duration open,
                         int republished) {
    }

    private final KafkaSettings kafka;
    private final Admin admin;
    private final Duration openLongerThan;
    private final Clock clock;

    public HangingTransactions(KafkaSettings kafka, Duration openLongerThan, Clock clock) {
        this.kafka = kafka;
        this.admin = Admin.create(kafka.admin());
        this.openLongerThan = openLongerThan;
        this.clock = clock;
    }

    /** {@link #AFTER_VARIABLE} from a service's configuration; zero turns the repair off. */
    public static Duration after(Map<String, String> environment) {
        String value = environment.getOrDefault(AFTER_VARIABLE, Long.toString(DEFAULT_AFTER.toSeconds())).trim();
        long seconds;
        try {
            seconds = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(AFTER_VARIABLE + " must be a whole number of seconds, got '" + value + "'");
        }
        if (seconds < 0) {
            throw new IllegalArgumentException(AFTER_VARIABLE + " must be 0 (off) or more, got " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }

    /** Finds the hanging transactions on the partitions of {@code topics} (those that exist) and repairs each. */
    public List<Repair> repair(Collection<String> topics) throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = new HashSet<>(admin.listTopics().names().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        List<String> present = topics.stream().filter(existing::contains).distinct().toList();
        if (present.isEmpty()) {
            return List.of();
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicDescription topic : admin.describeTopics(present).allTopicNames().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).values()) {
            topic.partitions().forEach(partition -> partitions.add(new TopicPartition(topic.name(), partition.partition())));
        }
        Map<TopicPartition, PartitionProducerState> producers = admin.describeProducers(partitions).all()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        long now = clock.millis();
        Map<TopicPartition, List<ProducerState>> suspects = new HashMap<>();
        producers.forEach((partition, state) -> state.activeProducers().stream()
                .filter(producer -> producer.currentTransactionStartOffset().isPresent())
                .filter(producer -> producer.lastTimestamp() >= 0 && now - producer.lastTimestamp() > openLongerThan.toMillis())
                .forEach(producer -> suspects.computeIfAbsent(partition, key -> new ArrayList<>()).add(producer)));
        if (suspects.isEmpty()) {
            return List.of();
        }
        Set<Long> producerIds = new HashSet<>();
        suspects.values().forEach(list -> list.forEach(producer -> producerIds.add(producer.producerId())));
        Set<Long> inProgress = new HashSet<>();
        for (TransactionListing listing : admin.listTransactions(new ListTransactionsOptions().filterProducerIds(producerIds)).all()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            if (IN_PROGRESS.contains(listing.state())) {
                inProgress.add(listing.producerId());
            }
        }
        List<Repair> repairs = new ArrayList<>();
        for (Map.Entry<TopicPartition, List<ProducerState>> entry : suspects.entrySet()) {
            for (ProducerState hanging : entry.getValue()) {
                if (!inProgress.contains(hanging.producerId())) {
                    repairs.add(repair(entry.getKey(), hanging, producers.get(entry.getKey()).activeProducers(), now));
                }
            }
        }
        return repairs;
    }

    private Repair repair(TopicPartition partition, ProducerState hanging, List<ProducerState> all, long now)
            throws InterruptedException, ExecutionException, TimeoutException {
        long first = hanging.currentTransactionStartOffset().getAsLong();
        long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(partition).offset();
        // Records after another open transaction's first one stay unreadable after the abort: left alone.
        long bound = all.stream().filter(other -> other.producerId() != hanging.producerId())
                .map(other -> other.currentTransactionStartOffset())
                .filter(start -> start.isPresent() && start.getAsLong() > first)
                .mapToLong(start -> start.getAsLong()).min().orElse(end);
        List<ConsumerRecord<byte[], byte[]>> written = read(partition, first, bound, IsolationLevel.READ_UNCOMMITTED);
        admin.abortTransaction(new AbortTransactionSpec(partition, hanging.producerId(), (short) hanging.producerEpoch(),
                hanging.coordinatorEpoch().orElse(0))).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Set<Long> committed = new HashSet<>();
        try {
            read(partition, first, bound, IsolationLevel.READ_COMMITTED).forEach(record -> committed.add(record.offset()));
        } catch (RuntimeException e) {
            // Once aborted, the transaction is found no more: rather every record read once more than one lost.
            LOG.warn("could not tell the aborted records of {} from the committed ones ({}): all {} read are published again",
                    partition, e.toString(), written.size());
        }
        List<ConsumerRecord<byte[], byte[]>> aborted = written.stream().filter(record -> !committed.contains(record.offset())).toList();
        publishAgain(partition, aborted);
        Repair repair = new Repair(partition, hanging.producerId(), hanging.producerEpoch(), first,
                Duration.ofMillis(now - hanging.lastTimestamp()), aborted.size());
        LOG.warn("ended a hanging transaction on {} at offset {} (producer {}, epoch {}, open {} s, unknown to its coordinator); "
                        + "{} of its record(s) published again", partition, first, hanging.producerId(), hanging.producerEpoch(),
                repair.open().toSeconds(), aborted.size());
        return repair;
    }

    /** The records of {@code partition} from {@code from} up to {@code to} (excluded) that a reader at {@code isolation} gets. */
    private List<ConsumerRecord<byte[], byte[]>> read(TopicPartition partition, long from, long to, IsolationLevel isolation) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        if (from >= to) {
            return records;
        }
        Map<String, Object> config = new HashMap<>(kafka.reader(CLIENT_ID));
        config.put("isolation.level", isolation.toString());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, from);
            long deadline = System.nanoTime() + CALL_TIMEOUT.toNanos();
            long readable = isolation == IsolationLevel.READ_COMMITTED ? lastStable(partition) : to;
            while (consumer.position(partition) < Math.min(to, readable)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + partition + " from " + from + " to " + to);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200)).records(partition)) {
                    if (record.offset() < to) {
                        records.add(record);
                    }
                }
            }
        }
        return records;
    }

    private long lastStable(TopicPartition partition) {
        try {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(partition).offset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the last stable offset of " + partition, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not read the last stable offset of " + partition, e);
        }
    }

    /** Publishes {@code records} again, on their partition, with their keys, values, headers and timestamps. */
    private void publishAgain(TopicPartition partition, List<ConsumerRecord<byte[], byte[]>> records)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (records.isEmpty()) {
            return;
        }
        Map<String, Object> config = new HashMap<>(kafka.producer(CLIENT_ID));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                sent.add(producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), record.timestamp(), record.key(),
                        record.value(), record.headers())));
            }
            for (Future<RecordMetadata> send : sent) {
                send.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}

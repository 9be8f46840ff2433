package dev.codi.gateway.view;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.MalformedEventException;
import dev.codi.protocol.Topics;
import dev.codi.protocol.events.JobEvent;
import dev.codi.protocol.kafka.CloudEventRecords;
import dev.codi.protocol.kafka.KafkaSettings;
import dev.codi.storage.ObjectKeys;
import dev.codi.storage.ObjectStore;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.consumer.impl.KafkaConsumerRecordImpl;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

/**
 * Folds the job-events topic into the compacted job-state topic (docs/design.md, "Bounded job
 * state"): one writer per job-events partition, chosen by a consumer group of all gateways, so
 * every snapshot of a job has one author and snapshots of a job are written in the order of its
 * events. Partition {@code p} of job-events is written to partition {@code p} of job-state (both
 * topics have the same partition count), which makes a writer's state exactly what partition
 * {@code p} of job-state holds: a gateway given a partition restores the jobs still running
 * there from it, then goes on from the group's committed offset, which it commits only once the
 * snapshots of everything before it are acknowledged (the pattern of Kafka Streams' changelog
 * topics). Redoing records after a crash changes nothing: a snapshot names the offset of the last
 * event in it, and older records are skipped. A finished job's snapshot also goes to the object
 * store, where a gateway reads an old job back once it left memory.
 *
 * <p>Blocking: runs on its own thread, never on the event loop. After any failure (broker away)
 * it closes its clients and starts again after a pause, restoring from job-state.
 */
public final class JobStateWriter {
    private static final Logger LOG = LoggerFactory.getLogger(JobStateWriter.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(2);
    /** Finished jobs remembered by id, so that a late repeat of "queued" does not start one again. */
    private static final int FINISHED_MEMORY = 10_000;
    /** Finished snapshots waiting for the object store; past this many (a store away for long), more are dropped. */
    private static final int ARCHIVE_QUEUE = 10_000;
    /**
     * How long the group waits for a writer that stopped answering before another gateway takes its
     * partitions: the time snapshots of those partitions stand still after a gateway is killed.
     * Kafka's default (45 s) is set for consumers with long processing; a writer polls every 200 ms.
     */
    private static final String SESSION_TIMEOUT_MS = "10000";

    private final KafkaSettings kafka;
    private final Topics topics;
    private final ObjectStore store;
    private final Map<Integer, Map<String, JobSnapshot>> runningByPartition = new HashMap<>();
    private final Map<String, Boolean> finished = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > FINISHED_MEMORY;
        }
    };
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private volatile int partitions;
    private volatile boolean running;
    private volatile KafkaConsumer<String, Buffer> consumer;
    private Thread thread;
    /** Puts finished snapshots in the object store off the writer's thread, so a slow store never holds snapshots back. */
    private final java.util.concurrent.ThreadPoolExecutor archiver = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0,
            java.util.concurrent.TimeUnit.MILLISECONDS, new java.util.concurrent.ArrayBlockingQueue<>(ARCHIVE_QUEUE),
            runnable -> {
                Thread archiving = new Thread(runnable, "job-state-archiver");
                archiving.setDaemon(true);
                return archiving;
            },
            (runnable, executor) -> LOG.warn("the object store is behind by {} finished jobs; a snapshot is not kept there", ARCHIVE_QUEUE));

    /** @param store where finished jobs' snapshots are kept for lookups, or null for none */
    public JobStateWriter(KafkaSettings kafka, Topics topics, ObjectStore store) {
        this.kafka = kafka;
        this.topics = topics;
        this.store = store;
    }

    /** The consumer group of the writers: named after the topic it writes, so deployments sharing a cluster stay apart. */
    public static String group(Topics topics) {
        return topics.jobState() + "-writer";
    }

    public void start() {
        running = true;
        thread = new Thread(this::run, "job-state-writer");
        thread.setDaemon(true);
        thread.start();
    }

    public void stop() {
        running = false;
        KafkaConsumer<String, Buffer> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        archiver.shutdown();
        try {
            archiver.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The job-events partitions whose snapshots this gateway writes now (the retention sweep works on the same). */
    public Set<Integer> ownedPartitions() {
        return Set.copyOf(owned);
    }

    /** Whether the job's partition is one of {@link #ownedPartitions()}. */
    public boolean ownsJob(String jobId) {
        int count = partitions;
        return count > 0 && owned.contains(org.apache.kafka.common.utils.Utils.toPositive(
                org.apache.kafka.common.utils.Utils.murmur2(jobId.getBytes(StandardCharsets.UTF_8))) % count);
    }

    private void run() {
        while (running) {
            try {
                followOnce();
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException | InterruptedException | java.util.concurrent.ExecutionException e) {
                LOG.warn("job-state writer stopped ({}), starting again in {} s", e.toString(), RETRY_PAUSE.toSeconds());
                owned.clear();
                runningByPartition.clear();
                try {
                    Thread.sleep(RETRY_PAUSE.toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void followOnce() throws InterruptedException, java.util.concurrent.ExecutionException {
        String clientId = "gateway-job-state-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> consumerConfig = new HashMap<>(kafka.consumer(group(topics), clientId, 500));
        if ("classic".equalsIgnoreCase(String.valueOf(consumerConfig.get("group.protocol")))) {
            // On the consumer group protocol (KIP-848) the broker owns the session timeout
            // (group.consumer.session.timeout.ms) and the client refuses these two.
            consumerConfig.putIfAbsent("session.timeout.ms", SESSION_TIMEOUT_MS);
            consumerConfig.putIfAbsent("heartbeat.interval.ms", Integer.toString(Integer.parseInt(SESSION_TIMEOUT_MS) / 3));
        }
        try (KafkaConsumer<String, Buffer> events = new KafkaConsumer<>(consumerConfig);
             KafkaProducer<String, Buffer> producer = new KafkaProducer<>(new HashMap<String, Object>(kafka.producer(clientId)))) {
            consumer = events;
            int eventPartitions = events.partitionsFor(topics.jobEvents()).size();
            int statePartitions = events.partitionsFor(topics.jobState()).size();
            if (eventPartitions != statePartitions) {
                throw new IllegalStateException(topics.jobEvents() + " has " + eventPartitions + " partitions and "
                        + topics.jobState() + " " + statePartitions + "; they must have as many");
            }
            partitions = eventPartitions;
            events.subscribe(List.of(topics.jobEvents()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    partitions.forEach(partition -> {
                        owned.remove(partition.partition());
                        runningByPartition.remove(partition.partition());
                    });
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    restore(partitions);
                }
            });
            while (running) {
                ConsumerRecords<String, Buffer> records = events.poll(POLL);
                if (records.isEmpty()) {
                    continue;
                }
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                for (ConsumerRecord<String, Buffer> record : records) {
                    fold(record, producer, sent);
                    done.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
                }
                for (Future<RecordMetadata> ack : sent) {
                    ack.get(); // a snapshot Kafka refused fails the round: nothing after it is committed
                }
                events.commitSync(done);
            }
        } finally {
            consumer = null;
        }
    }

    private void fold(ConsumerRecord<String, Buffer> record, KafkaProducer<String, Buffer> producer, List<Future<RecordMetadata>> sent) {
        CloudEvent event;
        JobEvent jobEvent;
        try {
            event = CloudEventRecords.fromRecord(new KafkaConsumerRecordImpl<>(record));
            jobEvent = JobEvent.fromCloudEvent(event);
        } catch (MalformedEventException | RuntimeException e) {
            return; // the view never showed unreadable events either
        }
        Map<String, JobSnapshot> jobs = runningByPartition.computeIfAbsent(record.partition(), partition -> new HashMap<>());
        JobSnapshot current = jobs.get(jobEvent.jobId());
        JobSnapshot next;
        if (jobEvent instanceof JobEvent.Queued queued) {
            if (current != null || finished.containsKey(queued.jobId())) {
                return;
            }
            next = new JobSnapshot(event, event, JobFold.start(queued, event.time()), record.offset(), List.of(event.id()));
        } else {
            // An unknown job here is finished (its events after that change nothing) or expired.
            if (current == null || record.offset() <= current.eventsOffset() || current.seenEventIds().contains(event.id())) {
                return;
            }
            JobRecord job = JobFold.apply(current.job(), jobEvent, event.time());
            if (job == current.job()) {
                return;
            }
            List<String> seen = new ArrayList<>(current.seenEventIds());
            seen.add(event.id());
            next = new JobSnapshot(current.queued(), event, job, record.offset(), job.status().terminal() ? List.of() : seen);
        }
        if (next.job().status().terminal()) {
            jobs.remove(next.jobId());
            finished.put(next.jobId(), true);
            keepForLookups(next);
        } else {
            jobs.put(next.jobId(), next);
        }
        sent.add(producer.send(toRecord(topics.jobState(), record.partition(), next)));
    }

    /** The job-state record of {@code snapshot}, on {@code partition}. */
    public static ProducerRecord<String, Buffer> toRecord(String topic, int partition, JobSnapshot snapshot) {
        ProducerRecord<String, Buffer> record = CloudEventRecords.toRecord(topic, snapshot.toCloudEvent())
                .addHeader(JobSnapshot.STATUS_HEADER, snapshot.job().status().wireName())
                .addHeader(JobSnapshot.OWNER_HEADER, snapshot.job().spec().owner())
                .addHeader(JobSnapshot.CREATED_HEADER, snapshot.job().spec().createdAt().toString()).record();
        return new ProducerRecord<>(topic, partition, null, record.key(), record.value(), record.headers());
    }

    /**
     * Puts a finished job's snapshot where a gateway reads it back once the job left memory, on
     * the archiver's thread. A store that refuses is logged, not retried: the job stays in
     * job-state and in the memory of the gateways that hold it, and only a lookup after it left
     * memory misses.
     */
    private void keepForLookups(JobSnapshot snapshot) {
        if (store == null) {
            return;
        }
        byte[] bytes = snapshot.toCloudEvent().data().toBuffer().getBytes();
        archiver.execute(() -> {
            try {
                store.put(ObjectKeys.jobState(snapshot.jobId()), bytes, "application/json");
            } catch (RuntimeException e) {
                LOG.warn("could not keep the snapshot of job {} in the object store: {}", snapshot.jobId(), e.toString());
            }
        });
    }

    /** Reads the running jobs of newly given partitions back from job-state, up to its end. */
    private void restore(Collection<TopicPartition> partitions) {
        List<TopicPartition> state = partitions.stream().map(partition -> new TopicPartition(topics.jobState(), partition.partition())).toList();
        try (KafkaConsumer<String, Buffer> reader = new KafkaConsumer<>(new HashMap<String, Object>(
                kafka.reader("gateway-job-state-restore-" + UUID.randomUUID().toString().substring(0, 8))))) {
            reader.assign(state);
            reader.seekToBeginning(state);
            Map<TopicPartition, Long> ends = new HashMap<>(reader.endOffsets(state));
            ends.entrySet().removeIf(end -> reader.position(end.getKey()) >= end.getValue());
            for (TopicPartition partition : state) {
                runningByPartition.put(partition.partition(), new HashMap<>());
            }
            while (!ends.isEmpty()) {
                for (ConsumerRecord<String, Buffer> record : reader.poll(POLL)) {
                    restoreOne(record);
                }
                ends.entrySet().removeIf(end -> reader.position(end.getKey()) >= end.getValue());
            }
        }
        partitions.forEach(partition -> owned.add(partition.partition()));
        LOG.info("job-state writer owns partitions {} ({} running jobs)", owned,
                runningByPartition.values().stream().mapToInt(Map::size).sum());
    }

    private void restoreOne(ConsumerRecord<String, Buffer> record) {
        Map<String, JobSnapshot> jobs = runningByPartition.get(record.partition());
        if (record.value() == null) {
            jobs.remove(record.key());
            return;
        }
        Header status = record.headers().lastHeader(JobSnapshot.STATUS_HEADER);
        if (status != null && JobStatus.valueOf(new String(status.value(), StandardCharsets.UTF_8)
                .toUpperCase(java.util.Locale.ROOT)).terminal()) {
            jobs.remove(record.key());
            finished.put(record.key(), true);
            return;
        }
        try {
            JobSnapshot snapshot = JobSnapshot.fromCloudEvent(CloudEventRecords.fromRecord(new KafkaConsumerRecordImpl<>(record)));
            jobs.put(snapshot.jobId(), snapshot);
        } catch (MalformedEventException | RuntimeException e) {
            LOG.warn("skipping unreadable job-state record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }
}

package dev.codi.protocol.stage;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.MalformedEventException;
import dev.codi.protocol.Stage;
import dev.codi.protocol.Topics;
import dev.codi.protocol.events.JobEvent;
import dev.codi.protocol.kafka.CloudEventRecords;
import dev.codi.protocol.kafka.KafkaSettings;
import dev.codi.protocol.logging.JobLog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.impl.KafkaConsumerRecordImpl;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A stage's work topic consumed through a share group (KIP-932, docs/design.md "Work queues"):
 * every instance acquires records one by one under the broker's acquisition lock, takes up to its
 * batch of them (dynamic batching) and acknowledges each job on its own once its fate is known:
 * <ul>
 *   <li>{@code ACCEPT} when its outputs (or its {@code job.failed}) are published, or it was canceled;</li>
 *   <li>{@code REJECT} for a record that is not a valid event, or one delivered
 *       {@link StageSettings#maxDeliveryAttempts()} times without being finished (a poison record),
 *       once it is on the dead-letter topic (and its job failed);</li>
 *   <li>{@code RENEW} while a batch takes longer than a third of the lock (KIP-1222), so no other
 *       instance takes a job that is being worked on;</li>
 *   <li>{@code RELEASE} when the stage stops: another instance takes the job.</li>
 * </ul>
 * A job whose work failed for a transient reason, or whose outputs could not be published, stays
 * acquired (its lock renewed) and is redone here after a backoff, so an outage does not count
 * against its deliveries. An instance that dies acknowledges nothing: its jobs come back to the
 * group when their locks run out, with their delivery count raised, and a job delivered again is
 * worked on alone. Deterministic event ids make a job done twice look done once.
 *
 * <p>A record's lock runs from when the broker hands it to the consumer, which may be before the
 * consumer returns it from a poll: a fetch that answers while the instance works on a batch waits
 * in the consumer's buffer. So every batch renews its records before it starts; a record whose
 * renewal is refused (its lock lapsed, and another instance may have it) is dropped, not worked.
 * A renewal is answered for a whole partition at once, so one lapsed record loses the others
 * renewed beside it too; they go back to the group when their locks lapse.
 *
 * <p>{@link KafkaShareConsumer} is single-threaded: it lives on its own thread here, which polls,
 * waits for each batch (processed on the stage's worker, published on its event loop) and
 * acknowledges; nothing of it blocks the event loop.
 */
final class ShareWorkQueue {
    private static final Logger LOG = LoggerFactory.getLogger(ShareWorkQueue.class);
    private static final long FIRST_BACKOFF_MILLIS = 200;
    /** The broker's lock (group.share.record.lock.duration.ms) until the consumer learns it from a fetch. */
    private static final long DEFAULT_LOCK_MILLIS = 30_000;

    /** What a job of the batch comes to. */
    enum Outcome { ACCEPT, REJECT, REDO }

    /**
     * The stage's processing of a batch of valid events: its outputs, the ids of the jobs to redo
     * later, and the sends of the outputs that went ahead of the batch, by event id.
     */
    record Processed(List<Outbound> outputs, Set<String> retry, Map<String, Future<?>> sentAhead) {
        /** Sends {@code output}, unless it went ahead and got there; succeeds once it is on its topic. */
        Future<?> publish(KafkaProducer<String, Buffer> producer, Outbound output) {
            Future<?> ahead = sentAhead.get(output.event().id());
            if (ahead == null) {
                return producer.send(CloudEventRecords.toRecord(output.topic(), output.event()));
            }
            return ahead.<Void>mapEmpty()
                    .recover(failed -> producer.send(CloudEventRecords.toRecord(output.topic(), output.event())).<Void>mapEmpty());
        }
    }

    private final Context context;
    private final Stage stage;
    private final String topic;
    private final String inputType;
    private final Topics topics;
    private final StageSettings settings;
    private final KafkaSettings kafka;
    private final String clientId;
    private final int maxBatch;
    private final Duration maxWait;
    private final KafkaProducer<String, Buffer> producer;
    private final CancellationWatch cancellations;
    private final StageMetrics metrics;
    private final StageHealth health;
    private final CrashPoint crashPoint;
    private final Function<List<CloudEvent>, Future<Processed>> process;
    /** Records acquired and not yet acknowledged for good, in the order they came. Consumer thread only. */
    private final Map<Key, Acquired> owned = new LinkedHashMap<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile boolean stopping;
    private KafkaShareConsumer<String, Buffer> consumer;
    private Thread thread;
    private long lastPollNanos = System.nanoTime();

    ShareWorkQueue(Context context, Stage stage, String topic, String inputType, Topics topics, StageSettings settings,
                   KafkaSettings kafka, String clientId, int maxBatch, Duration maxWait, KafkaProducer<String, Buffer> producer,
                   CancellationWatch cancellations, StageMetrics metrics, StageHealth health, CrashPoint crashPoint,
                   Function<List<CloudEvent>, Future<Processed>> process) {
        this.context = context;
        this.stage = stage;
        this.topic = topic;
        this.inputType = inputType;
        this.topics = topics;
        this.settings = settings;
        this.kafka = kafka;
        this.clientId = clientId;
        this.maxBatch = maxBatch;
        this.maxWait = maxWait;
        this.producer = producer;
        this.cancellations = cancellations;
        this.metrics = metrics;
        this.health = health;
        this.crashPoint = crashPoint;
        this.process = process;
    }

    /**
     * Sets the share group's own configuration, then starts consuming: the group starts at the
     * topic's beginning (jobs queued before any instance joined are not skipped), reads committed
     * records only (a job is submitted in a transaction), lets consumers renew locks, and archives a
     * record only after one delivery more than the stage dead-letters it at.
     */
    Future<Void> start(Admin admin) {
        int brokerLimit = Math.max(2, settings.maxDeliveryAttempts() + 1);
        ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, stage.consumerGroup());
        List<AlterConfigOp> ops = List.of(
                new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry("share.isolation.level", "read_committed"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry("share.renew.acknowledge.enable", "true"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry("share.delivery.count.limit", Integer.toString(brokerLimit)), AlterConfigOp.OpType.SET));
        return Future.fromCompletionStage(admin.incrementalAlterConfigs(Map.of(group, ops)).all().toCompletionStage(), context)
                .map(configured -> {
                    consumer = new KafkaShareConsumer<>(new HashMap<>(kafka.shareConsumer(stage.consumerGroup(), clientId, maxBatch)));
                    consumer.setAcknowledgementCommitCallback(this::acknowledgementsDone);
                    consumer.subscribe(List.of(topic));
                    thread = new Thread(this::run, clientId + "-share-consumer");
                    thread.setDaemon(true);
                    thread.start();
                    return null;
                });
    }

    /** Stops taking jobs; what is acquired and unfinished is released to the other instances. */
    Future<Void> stop() {
        stopping = true;
        if (consumer == null) {
            return Future.succeededFuture();
        }
        consumer.wakeup();
        return Future.fromCompletionStage(stopped.orTimeout(30, TimeUnit.SECONDS), context).recover(error -> Future.succeededFuture());
    }

    private void run() {
        long backoffMillis = 0;
        try {
            while (!stopping) {
                try {
                    pollOnce(maxWait);
                    health.looped(true);
                    if (!nextBatch().isEmpty()) {
                        pollOnce(Duration.ZERO); // renews the batch's locks first: a record may have waited out its lock in the buffer
                        List<Acquired> batch = nextBatch();
                        if (!batch.isEmpty()) {
                            work(batch);
                        }
                    }
                    backoffMillis = 0;
                } catch (WakeupException e) {
                    // stop() woke the consumer up; the loop condition ends it
                } catch (RuntimeException e) {
                    health.looped(false);
                    backoffMillis = Math.min(settings.maxBackoff().toMillis(), backoffMillis == 0 ? FIRST_BACKOFF_MILLIS : backoffMillis * 2);
                    LOG.warn("{} share consumer: {}; polling again in {} ms", stage.serviceName(), e.toString(), backoffMillis);
                    pause(backoffMillis);
                }
            }
        } finally {
            releaseAndClose();
            stopped.complete(null);
        }
    }

    /**
     * Polls once. Every record the last poll returned must be acknowledged before the next one:
     * those still undecided are renewed (they come back in this poll, their lock extended), those
     * decided are acknowledged with their outcome. A renewed record that does not come back was
     * refused: its lock lapsed, and it is no longer this instance's.
     */
    private void pollOnce(Duration timeout) {
        boolean renewed = false;
        for (Acquired acquired : owned.values()) {
            if (!acquired.acknowledged && acquired.decided == null) {
                consumer.acknowledge(acquired.record, AcknowledgeType.RENEW);
                acquired.acknowledged = true;
                renewed = true;
            }
        }
        acknowledgeDecided();
        Map<TopicIdPartition, Optional<KafkaException>> renewals = Map.of();
        if (renewed) {
            // Renewals wait for the broker's answer, so the renewed records are back for this poll.
            renewals = consumer.commitSync();
        }
        ConsumerRecords<String, Buffer> records = consumer.poll(timeout);
        lastPollNanos = System.nanoTime();
        for (ConsumerRecord<String, Buffer> record : records) {
            Acquired known = owned.get(Key.of(record));
            if (known != null) {
                known.record = record;
                known.acknowledged = false;
            } else {
                owned.put(Key.of(record), new Acquired(record));
            }
        }
        dropRefused(renewals);
        acknowledgeDecided();
    }

    /**
     * Forgets the renewed records the poll did not give back: the broker refused their renewal, or
     * never answered it (the commit failed), so they go back to the group when their locks lapse (if
     * they have not already), and whatever this instance still does with them is not acknowledged.
     */
    private void dropRefused(Map<TopicIdPartition, Optional<KafkaException>> renewals) {
        var entries = owned.values().iterator();
        while (entries.hasNext()) {
            Acquired acquired = entries.next();
            if (acquired.acknowledged) {
                entries.remove();
                String reason = renewals.entrySet().stream()
                        .filter(result -> result.getKey().topic().equals(acquired.record.topic())
                                && result.getKey().partition() == acquired.record.partition())
                        .flatMap(result -> result.getValue().stream()).map(Throwable::toString).findFirst()
                        .orElse("not returned by the broker");
                try (JobLog ignored = JobLog.of(acquired.record.key(), stage.serviceName())) {
                    LOG.warn("{}: lost the lock on record {}-{}@{} ({}); {}", stage.serviceName(), acquired.record.topic(),
                            acquired.record.partition(), acquired.record.offset(), reason,
                            acquired.working ? "another instance may take its job while this one works on it" : "it is left to the group");
                }
            }
        }
    }

    /** Logs acknowledgements the broker refused (the consumer calls this on this thread, from poll and commit). */
    private void acknowledgementsDone(Map<TopicIdPartition, Set<Long>> offsets, Exception error) {
        if (error != null) {
            LOG.warn("{}: acknowledgements of {} not applied: {}", stage.serviceName(), offsets, error.toString());
        }
    }

    /** Acknowledges the decided records that the consumer holds unacknowledged (the others wait to come back from a renewal). */
    private void acknowledgeDecided() {
        boolean any = false;
        var entries = owned.values().iterator();
        while (entries.hasNext()) {
            Acquired acquired = entries.next();
            if (acquired.decided != null && !acquired.acknowledged) {
                consumer.acknowledge(acquired.record, acquired.decided);
                entries.remove();
                any = true;
            }
        }
        if (any) {
            consumer.commitAsync();
        }
    }

    /**
     * The next batch: a record delivered before (its earlier delivery may have killed an instance)
     * alone, otherwise up to {@code maxBatch} first deliveries.
     */
    private List<Acquired> nextBatch() {
        List<Acquired> batch = new ArrayList<>();
        for (Acquired acquired : owned.values()) {
            if (acquired.decided != null) {
                continue;
            }
            if (acquired.redelivered()) {
                if (batch.isEmpty()) {
                    batch.add(acquired);
                }
                return batch;
            }
            batch.add(acquired);
            if (batch.size() == maxBatch) {
                return batch;
            }
        }
        return batch;
    }

    /** Works on {@code batch} until every job of it is decided, redoing the ones that wait for a transient failure to pass. */
    private void work(List<Acquired> batch) {
        List<Acquired> pending = batch;
        batch.forEach(acquired -> acquired.working = true);
        long backoffMillis = 0;
        while (!pending.isEmpty() && !stopping) {
            List<ConsumerRecord<String, Buffer>> records = pending.stream().map(acquired -> acquired.record).toList();
            CompletableFuture<Map<Key, Outcome>> outcomes = new CompletableFuture<>();
            context.runOnContext(ignored -> handle(records).onComplete(done -> {
                if (done.succeeded()) {
                    outcomes.complete(done.result());
                } else {
                    outcomes.completeExceptionally(done.cause());
                }
            }));
            Map<Key, Outcome> decided = awaitRenewing(outcomes);
            if (decided == null) {
                return; // stopping: the records are released
            }
            List<Acquired> redo = new ArrayList<>();
            for (Acquired acquired : pending) {
                Outcome outcome = decided.getOrDefault(acquired.key(), Outcome.REDO);
                switch (outcome) {
                    case ACCEPT -> acquired.decided = AcknowledgeType.ACCEPT;
                    case REJECT -> acquired.decided = AcknowledgeType.REJECT;
                    case REDO -> redo.add(acquired);
                }
            }
            acknowledgeDecided();
            batch.forEach(acquired -> acquired.working = false);
            redo.removeIf(acquired -> owned.get(acquired.key()) != acquired); // its lock was lost: not this instance's to redo
            redo.forEach(acquired -> acquired.working = true);
            pending = redo;
            if (!pending.isEmpty() && !stopping) {
                backoffMillis = Math.min(settings.maxBackoff().toMillis(), backoffMillis == 0 ? FIRST_BACKOFF_MILLIS : backoffMillis * 2);
                LOG.warn("{}: {} job(s) redone in {} ms", stage.serviceName(), pending.size(), backoffMillis);
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMillis);
                while (!stopping && System.nanoTime() < until) {
                    pause(Math.min(renewEveryMillis(), TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()) + 1));
                    renewIfDue();
                }
            }
        }
    }

    /** Waits for a batch's outcomes, renewing the locks of what this instance holds while it runs long; null once stopping. */
    private Map<Key, Outcome> awaitRenewing(CompletableFuture<Map<Key, Outcome>> outcomes) {
        while (!stopping) {
            try {
                return outcomes.get(renewEveryMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                renewIfDue();
            } catch (ExecutionException e) {
                LOG.warn("{}: batch not finished, it is redone: {}", stage.serviceName(), e.getCause().toString());
                return Map.of();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private void renewIfDue() {
        if (System.nanoTime() - lastPollNanos >= TimeUnit.MILLISECONDS.toNanos(renewEveryMillis())) {
            pollOnce(Duration.ZERO); // renews what is held; records it acquires besides wait for the next batch
            health.looped(true);
        }
    }

    /** A third of the acquisition lock: a renewal that is late once is still in time. */
    private long renewEveryMillis() {
        long lock = consumer.acquisitionLockTimeoutMs().map(Integer::longValue).orElse(DEFAULT_LOCK_MILLIS);
        return Math.max(100, lock / 3);
    }

    /**
     * One batch through the stage, on its event loop: invalid records and poison records to the
     * dead-letter topic, canceled jobs skipped, the rest processed on the worker and their outputs
     * published. Says what became of each record.
     */
    private Future<Map<Key, Outcome>> handle(List<ConsumerRecord<String, Buffer>> records) {
        Map<Key, Outcome> outcomes = new HashMap<>();
        List<Future<?>> deadLettered = new ArrayList<>();
        List<Key> deadLetterKeys = new ArrayList<>();
        Map<CloudEvent, Key> valid = new LinkedHashMap<>();
        for (ConsumerRecord<String, Buffer> plain : records) {
            KafkaConsumerRecord<String, Buffer> record = new KafkaConsumerRecordImpl<>(plain);
            Key key = Key.of(plain);
            int earlierDeliveries = plain.deliveryCount().map(count -> count - 1).orElse(0);
            if (earlierDeliveries >= settings.maxDeliveryAttempts()) {
                deadLettered.add(deadLetterPoison(record, earlierDeliveries));
                deadLetterKeys.add(key);
                continue;
            }
            try {
                CloudEvent event = CloudEventRecords.fromRecord(record);
                if (!inputType.equals(event.type())) {
                    throw new MalformedEventException("unexpected event type '" + event.type() + "' on " + record.topic()
                            + ", expected " + inputType);
                }
                if (cancellations.isCanceled(event.jobId())) {
                    try (JobLog ignored = JobLog.of(event.jobId(), stage.serviceName())) {
                        LOG.info("{}: skipping canceled job {}", stage.serviceName(), event.jobId());
                    }
                    outcomes.put(key, Outcome.ACCEPT);
                } else {
                    valid.put(event, key);
                }
            } catch (MalformedEventException e) {
                LOG.warn("{}: record {}-{}@{} to dead letters: {}", stage.serviceName(), record.topic(), record.partition(),
                        record.offset(), e.getMessage());
                deadLettered.add(producer.send(DeadLetters.of(topics.deadLetter(), stage.serviceName(), record, e.getMessage()))
                        .onSuccess(sent -> metrics.deadLettered(1)));
                deadLetterKeys.add(key);
            }
        }
        Future<Void> deadLetters = Future.all(deadLettered).<Void>mapEmpty()
                .onSuccess(sent -> deadLetterKeys.forEach(key -> outcomes.put(key, Outcome.REJECT)));
        List<CloudEvent> events = new ArrayList<>(valid.keySet());
        Future<Void> worked = events.isEmpty() ? Future.succeededFuture() : process.apply(events).compose(processed -> {
            if (stopping) {
                return Future.failedFuture("stage is stopping");
            }
            List<Future<?>> sent = new ArrayList<>();
            processed.outputs().stream()
                    .filter(out -> !processed.retry().contains(out.event().jobId()))
                    .forEach(out -> sent.add(processed.publish(producer, out)));
            return Future.all(sent).map(published -> {
                if (crashPoint != null) {
                    crashPoint.maybeHalt(CrashPoint.Point.BEFORE_COMMIT, events);
                }
                valid.forEach((event, key) -> outcomes.put(key,
                        processed.retry().contains(event.jobId()) ? Outcome.REDO : Outcome.ACCEPT));
                return null;
            });
        });
        // A job whose outputs were not all published is redone (its outcome stays unset: REDO).
        return Future.join(deadLetters, worked).transform(done -> {
            if (done.failed()) {
                LOG.warn("{}: some outputs of a batch were not published, those jobs are redone: {}", stage.serviceName(),
                        done.cause().toString());
            }
            return Future.succeededFuture(outcomes);
        });
    }

    /** Dead-letters a record delivered {@code deliveries} times without being finished, and fails its job. */
    private Future<Void> deadLetterPoison(KafkaConsumerRecord<String, Buffer> record, int deliveries) {
        String reason = stage.serviceName() + " stopped " + deliveries + " times while processing this record";
        try (JobLog ignored = JobLog.of(record.key(), stage.serviceName())) {
            LOG.error("{}: record {}-{}@{} to dead letters: {}", stage.serviceName(), record.topic(), record.partition(),
                    record.offset(), reason);
        }
        List<Future<?>> sent = new ArrayList<>();
        sent.add(producer.send(DeadLetters.of(topics.deadLetter(), stage.serviceName(), record, reason))
                .onSuccess(done -> metrics.deadLettered(1)));
        if (record.key() != null) {
            KafkaProducerRecord<String, Buffer> failed = CloudEventRecords.toRecord(topics.jobEvents(),
                    new JobEvent.Failed(record.key(), stage, "the job could not be processed: " + reason)
                            .toCloudEvent(java.time.Instant.now()));
            sent.add(producer.send(failed));
        }
        return Future.all(sent).mapEmpty();
    }

    /** On the way out: what is held and undecided goes back to the group, the decided is acknowledged, the consumer closes. */
    private void releaseAndClose() {
        if (consumer == null) {
            return;
        }
        try {
            for (Acquired acquired : owned.values()) {
                if (!acquired.acknowledged) {
                    consumer.acknowledge(acquired.record, acquired.decided == null ? AcknowledgeType.RELEASE : acquired.decided);
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("{}: releasing on stop: {}", stage.serviceName(), e.toString());
        }
        try {
            consumer.close(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            LOG.warn("{}: share consumer did not close cleanly: {}", stage.serviceName(), e.toString());
        }
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    /** A record by where it lives (its partition and offset): the same record after a renewal is the same key. */
    private record Key(String topic, int partition, long offset) {
        static Key of(ConsumerRecord<?, ?> record) {
            return new Key(record.topic(), record.partition(), record.offset());
        }
    }

    /** A record this instance acquired: its latest copy from a poll, and what to acknowledge it with once decided. */
    private static final class Acquired {
        ConsumerRecord<String, Buffer> record;
        /** The latest copy was acknowledged (renewed) and has not come back from a poll yet. */
        boolean acknowledged;
        /** The outcome to acknowledge with; null while undecided. */
        AcknowledgeType decided;
        /** In the batch being worked on. */
        boolean working;

        Acquired(ConsumerRecord<String, Buffer> record) {
            this.record = record;
        }

        Key key() {
            return Key.of(record);
        }

        boolean redelivered() {
            return record.deliveryCount().map(count -> count > 1).orElse(false);
        }
    }
}

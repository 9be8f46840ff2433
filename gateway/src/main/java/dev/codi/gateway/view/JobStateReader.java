package dev.codi.gateway.view;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.MalformedEventException;
import dev.codi.protocol.kafka.KafkaSettings;
import dev.codi.protocol.kafka.TopicFollower;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * Feeds the job view from the compacted job-state topic: every partition, from the beginning,
 * outside any consumer group (each gateway instance keeps a whole view). After compaction the
 * topic holds one record per job, so a restart reads one record per job kept, never the event
 * log. {@link #start()} completes once the view has caught up with the end offsets found at
 * start; a tombstone (an expired job) makes the view forget the job.
 */
public final class JobStateReader {
    private static final Logger LOG = LoggerFactory.getLogger(JobStateReader.class);

    private final String topic;
    private final JobView view;
    private final TopicFollower follower;
    private final java.time.Clock clock;
    private final java.time.Duration recent;
    private java.time.Instant listOnlyBefore;
    private int listedOnly;

    /**
     * @param recent at start, a finished job created longer ago than this is only listed, from its
     *               record's headers, not parsed nor held: nothing about it can still trigger a
     *               webhook or an Idempotency-Key replay, and a request for it reads it back
     */
    public JobStateReader(Vertx vertx, KafkaSettings kafka, String topic, JobView view, java.time.Clock clock,
                          java.time.Duration recent) {
        this.topic = topic;
        this.view = view;
        this.clock = clock;
        this.recent = recent;
        this.follower = new TopicFollower(vertx, kafka, topic, "gateway-view", this::apply).onTombstone(this::forget)
                .onRawRecord(this::listOnly);
    }

    public Future<Void> start() {
        long started = System.nanoTime();
        listOnlyBefore = clock.instant().minus(recent);
        return follower.start().onComplete(done -> listOnlyBefore = null).onSuccess(ignored -> LOG.info("job view read from {} in {} ms: {} jobs, {} held in memory, {} old finished ones listed from their headers", topic,
                (System.nanoTime() - started) / 1_000_000, view.size(), view.heldInMemory(), listedOnly));
    }

    public Future<Void> stop() {
        return follower.stop();
    }

    /** While catching up: an old finished job's snapshot, listed from its headers. */
    private boolean listOnly(KafkaConsumerRecord<String, Buffer> record) {
        Instant before = listOnlyBefore;
        if (before == null || record.value() == null) {
            return false;
        }
        org.apache.kafka.common.header.Headers headers = record.record().headers();
        String status = header(headers, JobSnapshot.STATUS_HEADER);
        String owner = header(headers, JobSnapshot.OWNER_HEADER);
        String created = header(headers, JobSnapshot.CREATED_HEADER);
        if (status == null || owner == null || created == null) {
            return false;
        }
        JobStatus jobStatus = JobStatus.valueOf(status.toUpperCase(java.util.Locale.ROOT));
        Instant createdAt = Instant.parse(created);
        if (!jobStatus.terminal() || !createdAt.isBefore(before) || view.get(record.key()).isPresent()) {
            return false; // a job held (met unfinished earlier in the topic) is parsed, so its listeners see it finish
        }
        view.index(record.key(), owner, createdAt, jobStatus);
        listedOnly++;
        return true;
    }

    /** A header of the record as Kafka holds it (the client's own list, not a copy of every header). */
    private static String header(org.apache.kafka.common.header.Headers headers, String key) {
        org.apache.kafka.common.header.Header header = headers.lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private void apply(CloudEvent event) {
        try {
            view.apply(JobSnapshot.fromCloudEvent(event));
        } catch (MalformedEventException e) {
            LOG.warn("skipping unreadable job snapshot {}: {}", event.id(), e.getMessage());
        }
    }

    private void forget(KafkaConsumerRecord<String, Buffer> tombstone) {
        String owner = null;
        String created = null;
        for (KafkaHeader header : tombstone.headers()) {
            if (header.key().equals(JobSnapshot.OWNER_HEADER)) {
                owner = header.value().toString();
            } else if (header.key().equals(JobSnapshot.CREATED_HEADER)) {
                created = header.value().toString();
            }
        }
        view.forget(tombstone.key(), owner, created == null ? null : java.time.Instant.parse(created));
    }
}

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

    public JobStateReader(Vertx vertx, KafkaSettings kafka, String topic, JobView view) {
        this.topic = topic;
        this.view = view;
        this.follower = new TopicFollower(vertx, kafka, topic, "gateway-view", this::apply).onTombstone(this::forget);
    }

    public Future<Void> start() {
        long started = System.nanoTime();
        return follower.start().onSuccess(ignored -> LOG.info("job view read from {} in {} ms: {} jobs, {} held in memory", topic,
                (System.nanoTime() - started) / 1_000_000, view.size(), view.heldInMemory()));
    }

    public Future<Void> stop() {
        return follower.stop();
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

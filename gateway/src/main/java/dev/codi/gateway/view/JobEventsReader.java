package dev.codi.gateway.view;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.MalformedEventException;
import dev.codi.protocol.events.JobEvent;
import dev.codi.protocol.kafka.KafkaSettings;
import dev.codi.protocol.kafka.TopicFollower;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the job view from the job-events topic: every partition, from the beginning, outside
 * any consumer group (each gateway instance keeps a whole view). {@link #start()} completes once
 * the view has caught up with the end offsets found at start, so a restarted gateway answers
 * from a complete view.
 */
public final class JobEventsReader {
    private static final Logger LOG = LoggerFactory.getLogger(JobEventsReader.class);

    private final String topic;
    private final JobView view;
    private final TopicFollower follower;

    public JobEventsReader(Vertx vertx, KafkaSettings kafka, String topic, JobView view) {
        this.topic = topic;
        this.view = view;
        this.follower = new TopicFollower(vertx, kafka, topic, "gateway-view", this::apply);
    }

    public Future<Void> start() {
        return follower.start().onSuccess(ignored -> LOG.info("job view rebuilt from {}: {} jobs", topic, view.size()));
    }

    public Future<Void> stop() {
        return follower.stop();
    }

    private void apply(CloudEvent event) {
        try {
            view.apply(event, JobEvent.fromCloudEvent(event));
        } catch (MalformedEventException e) {
            LOG.warn("skipping malformed job event {}: {}", event.id(), e.getMessage());
        }
    }
}

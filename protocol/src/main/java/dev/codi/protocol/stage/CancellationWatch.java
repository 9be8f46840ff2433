package dev.codi.protocol.stage;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.events.EventTypes;
import dev.codi.protocol.kafka.KafkaSettings;
import dev.codi.protocol.kafka.TopicFollower;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The set of canceled jobs, read from the compacted cancellations topic by a {@link TopicFollower}
 * (every stage instance needs all of them). The topic holds one record per canceled job and a
 * tombstone once the job expires, so a stage reads what is canceled now, not every job event ever.
 * {@link #start()} completes once the set has caught up with the topic's end, so a stage starting
 * on a backlog never runs a job canceled while it was down. {@link #isCanceled} is safe to call
 * from the stage's worker thread.
 */
public final class CancellationWatch {
    private final Set<String> canceled = ConcurrentHashMap.newKeySet();
    private final TopicFollower follower;

    public CancellationWatch(Vertx vertx, KafkaSettings kafka, String cancellationsTopic, String clientId, Duration catchUpTimeout) {
        this.follower = new TopicFollower(vertx, kafka, cancellationsTopic, clientId, this::apply, catchUpTimeout)
                .onTombstone(tombstone -> canceled.remove(tombstone.key()));
    }

    public boolean isCanceled(String jobId) {
        return canceled.contains(jobId);
    }

    public Future<Void> start() {
        return follower.start();
    }

    public Future<Void> stop() {
        return follower.stop();
    }

    private void apply(CloudEvent event) {
        if (EventTypes.JOB_CANCELED.equals(event.type())) {
            canceled.add(event.jobId());
        }
    }
}

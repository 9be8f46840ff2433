package dev.codi.protocol.stage;

import dev.codi.protocol.events.EventTypes;
import dev.codi.protocol.kafka.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.common.PartitionInfo;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The set of canceled jobs, read from the job-events topic (every partition, from the beginning,
 * outside any consumer group: every stage instance needs all of them). Only the {@code ce_type}
 * header is read, so the cost is a header per event. {@link #start()} completes once the set has
 * caught up with the topic's end, so a stage starting on a backlog never runs a job canceled
 * while it was down. {@link #isCanceled} is safe to call from the stage's worker thread.
 *
 * <p>A small copy of the gateway's job-events reader, kept apart because it needs only one field.
 */
public final class CancellationWatch {
    private static final Logger LOG = LoggerFactory.getLogger(CancellationWatch.class);
    private static final String TYPE_HEADER = "ce_type";

    private final Vertx vertx;
    private final KafkaSettings kafka;
    private final String topic;
    private final String clientId;
    private final Set<String> canceled = ConcurrentHashMap.newKeySet();
    private final Map<TopicPartition, Long> catchUpTargets = new HashMap<>();
    private final Promise<Void> caughtUp = Promise.promise();
    private KafkaConsumer<String, Buffer> consumer;

    public CancellationWatch(Vertx vertx, KafkaSettings kafka, String jobEventsTopic, String clientId) {
        this.vertx = vertx;
        this.kafka = kafka;
        this.topic = jobEventsTopic;
        this.clientId = clientId;
    }

    public boolean isCanceled(String jobId) {
        return canceled.contains(jobId);
    }

    public Future<Void> start() {
        consumer = KafkaConsumer.create(vertx, kafka.reader(clientId));
        consumer.handler(this::onRecord);
        consumer.exceptionHandler(error -> LOG.warn("cancellation watch: {}", error.toString()));
        return consumer.partitionsFor(topic).compose(partitions -> {
            Set<TopicPartition> assigned = partitions.stream().map(PartitionInfo::getPartition)
                    .map(partition -> new TopicPartition(topic, partition)).collect(Collectors.toSet());
            return consumer.endOffsets(assigned).compose(ends -> {
                ends.forEach((partition, end) -> {
                    if (end > 0) {
                        catchUpTargets.put(partition, end);
                    }
                });
                checkCaughtUp();
                return consumer.assign(assigned).compose(ignored -> consumer.seekToBeginning(assigned));
            });
        }).compose(ignored -> caughtUp.future());
    }

    public Future<Void> stop() {
        return consumer == null ? Future.succeededFuture() : consumer.close();
    }

    private void onRecord(KafkaConsumerRecord<String, Buffer> record) {
        for (KafkaHeader header : record.headers()) {
            if (TYPE_HEADER.equals(header.key()) && header.value() != null
                    && EventTypes.JOB_CANCELED.equals(header.value().toString(StandardCharsets.UTF_8)) && record.key() != null) {
                canceled.add(record.key());
            }
        }
        if (!catchUpTargets.isEmpty()) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            Long target = catchUpTargets.get(partition);
            if (target != null && record.offset() + 1 >= target) {
                catchUpTargets.remove(partition);
                checkCaughtUp();
            }
        }
    }

    private void checkCaughtUp() {
        if (catchUpTargets.isEmpty()) {
            caughtUp.tryComplete();
        }
    }
}

package dev.codi.gateway.view;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.MalformedEventException;
import dev.codi.protocol.events.JobEvent;
import dev.codi.protocol.kafka.CloudEventRecords;
import dev.codi.protocol.kafka.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.common.PartitionInfo;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Feeds the job view from the job-events topic: every partition, from the beginning, outside
 * any consumer group (each gateway instance keeps a whole view). {@link #start()} completes once
 * the view has caught up with the end offsets found at start, so a restarted gateway answers
 * from a complete view.
 */
public final class JobEventsReader {
    private static final Logger LOG = LoggerFactory.getLogger(JobEventsReader.class);

    private final Vertx vertx;
    private final KafkaSettings kafka;
    private final String topic;
    private final JobView view;
    private KafkaConsumer<String, Buffer> consumer;
    private final Map<TopicPartition, Long> catchUpTargets = new HashMap<>();
    private final Promise<Void> caughtUp = Promise.promise();

    public JobEventsReader(Vertx vertx, KafkaSettings kafka, String topic, JobView view) {
        this.vertx = vertx;
        this.kafka = kafka;
        this.topic = topic;
        this.view = view;
    }

    public Future<Void> start() {
        consumer = KafkaConsumer.create(vertx, kafka.reader("gateway-view-" + UUID.randomUUID().toString().substring(0, 8)));
        consumer.handler(this::onRecord);
        consumer.exceptionHandler(error -> LOG.warn("job-events reader: {}", error.toString()));
        return consumer.partitionsFor(topic).compose(partitions -> {
            Set<TopicPartition> assigned = partitions.stream()
                    .map(PartitionInfo::getPartition)
                    .map(partition -> new TopicPartition(topic, partition))
                    .collect(Collectors.toSet());
            if (assigned.isEmpty()) {
                return Future.failedFuture("topic " + topic + " has no partitions; create the topics first");
            }
            return consumer.endOffsets(assigned).compose(ends -> {
                ends.forEach((partition, end) -> {
                    if (end > 0) {
                        catchUpTargets.put(partition, end);
                    }
                });
                checkCaughtUp();
                return consumer.assign(assigned).compose(ignored -> consumer.seekToBeginning(assigned));
            });
        }).compose(ignored -> caughtUp.future())
                .onSuccess(ignored -> LOG.info("job view rebuilt from {}: {} jobs", topic, view.size()));
    }

    public Future<Void> stop() {
        return consumer == null ? Future.succeededFuture() : consumer.close();
    }

    private void onRecord(KafkaConsumerRecord<String, Buffer> record) {
        try {
            CloudEvent event = CloudEventRecords.fromRecord(record);
            view.apply(event, JobEvent.fromCloudEvent(event));
        } catch (MalformedEventException e) {
            LOG.warn("skipping malformed job event at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
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

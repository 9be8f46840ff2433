package dev.codi.infra;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Broker settings for a single-node development cluster, shared by the in-process broker and the
 * Kafka container so both behave alike. Values measured on 2-core machines (see
 * ENGINEERING-NOTES, "Kafka 4.4.0 in-process").
 */
public final class BrokerTuning {

    /**
     * Largest record batch the broker accepts. Payloads travel by reference to object storage
     * (claim check), so records stay small; 8 MiB leaves room for inline latents of a few outputs.
     * Producers sending more than Kafka's 1 MiB default must raise {@code max.request.size} too.
     */
    public static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    /** 500 ms heartbeats bring a new-protocol (KIP-848) group rebalance from 6–12 s to ~2.5 s. */
    private static final String CONSUMER_HEARTBEAT_MS = "500";

    /** The cleaner's default dedupe buffer is 128 MB; one node with tiny compacted topics needs 2 MiB. */
    private static final String CLEANER_DEDUPE_BUFFER_BYTES = Integer.toString(2 * 1024 * 1024);

    /** One node on two shared cores: more threads only add contention. */
    private static final String THREADS = "2";

    private BrokerTuning() {}

    /** Broker properties (server.properties names) for one node, independent of listeners and paths. */
    public static Map<String, String> singleNodeProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        // A single node can only hold one replica of Kafka's internal topics.
        properties.put("offsets.topic.replication.factor", "1");
        properties.put("offsets.topic.num.partitions", "1");
        properties.put("transaction.state.log.replication.factor", "1");
        properties.put("transaction.state.log.min.isr", "1");
        properties.put("transaction.state.log.num.partitions", "1");
        properties.put("share.coordinator.state.topic.replication.factor", "1");
        properties.put("share.coordinator.state.topic.min.isr", "1");
        properties.put("share.coordinator.state.topic.num.partitions", "1");
        // Nobody else is going to join: rebalance at once instead of waiting 3 s for more members.
        properties.put("group.initial.rebalance.delay.ms", "0");
        properties.put("group.consumer.heartbeat.interval.ms", CONSUMER_HEARTBEAT_MS);
        properties.put("group.consumer.min.heartbeat.interval.ms", CONSUMER_HEARTBEAT_MS);
        // Share groups (KIP-932) are on through the share.version feature, 2 in a log directory
        // formatted by Kafka 4.4; their heartbeats as fast as the consumer groups'.
        properties.put("group.share.heartbeat.interval.ms", CONSUMER_HEARTBEAT_MS);
        properties.put("group.share.min.heartbeat.interval.ms", CONSUMER_HEARTBEAT_MS);
        properties.put("log.cleaner.dedupe.buffer.size", CLEANER_DEDUPE_BUFFER_BYTES);
        properties.put("num.network.threads", THREADS);
        properties.put("num.io.threads", THREADS);
        properties.put("background.threads", THREADS);
        properties.put("num.recovery.threads.per.data.dir", "1");
        properties.put("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        return properties;
    }

    /**
     * The same settings as environment variables for the {@code apache/kafka} image, whose
     * entrypoint turns {@code KAFKA_A_B_C} into property {@code a.b.c}.
     */
    static Map<String, String> singleNodeEnvironment() {
        Map<String, String> environment = new LinkedHashMap<>();
        singleNodeProperties().forEach((name, value) ->
                environment.put("KAFKA_" + name.replace('.', '_').toUpperCase(Locale.ROOT), value));
        return environment;
    }
}

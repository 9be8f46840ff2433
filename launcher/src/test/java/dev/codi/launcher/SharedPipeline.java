package dev.codi.launcher;

import dev.codi.gateway.admission.AdmissionConfig;
import dev.codi.gateway.uploads.Uploads;
import dev.codi.gateway.webhooks.RetrySchedule;
import dev.codi.gateway.webhooks.WebhookDelivery;
import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.Topics;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * One real pipeline (broker, object store, every stage) shared by the integration tests of this
 * JVM: starting it costs seconds, so test classes reuse it and leave it as they found it.
 */
final class SharedPipeline {
    /** The API key most tests use. */
    static final String KEY = "codi_sk_test-key-alice-0123456789abcdefghijklmnopqrstuv";
    /** A second key, to check that keys do not see each other's jobs. */
    static final String OTHER_KEY = "codi_sk_test-key-bob-0123456789abcdefghijklmnopqrstuvw";
    /**
     * The webhook retry schedule of the tests: Standard Webhooks' shape (at once, then growing
     * delays), shortened to seconds. The 3 s before the second attempt leaves time to restart the
     * gateway in the middle of it.
     */
    static final String WEBHOOK_SCHEDULE = "0s,3s,500ms,1s,1s";
    static final int WEBHOOK_ATTEMPTS = 5;
    /** A small upload limit, so the test of it sends little. */
    static final long UPLOAD_LIMIT_BYTES = 2L * 1024 * 1024;
    private static EmbeddedPipeline pipeline;

    private SharedPipeline() {
    }

    static synchronized EmbeddedPipeline get() {
        if (pipeline == null) {
            pipeline = EmbeddedPipeline.start(new EmbeddedPipeline.Options(0, ModelBundles.defaultBundle(), 1, true, 4,
                    List.of(KEY, OTHER_KEY), new JsonObject()
                            .put(RetrySchedule.SCHEDULE_VARIABLE, WEBHOOK_SCHEDULE)
                            .put(RetrySchedule.JITTER_VARIABLE, 0.1)
                            .put(WebhookDelivery.TIMEOUT_VARIABLE, 3000)
                            .put(Uploads.LIMIT_VARIABLE, UPLOAD_LIMIT_BYTES)
                            // Tests and fuzzers share two keys and send fast: rates are tested in AdmissionTest.
                            .put(AdmissionConfig.RATE, 1000)
                            .put(AdmissionConfig.BURST, 1000)));
            Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close));
        }
        return pipeline;
    }

    static CodiClient client() {
        return new CodiClient(URI.create(get().gatewayUrl()), KEY);
    }

    static CodiClient client(String apiKey) {
        return new CodiClient(URI.create(get().gatewayUrl()), apiKey);
    }

    /** A request to the gateway with {@link #KEY} as its bearer token. */
    static java.net.http.HttpRequest.Builder request(String path) {
        return java.net.http.HttpRequest.newBuilder(URI.create(get().gatewayUrl() + path)).header("Authorization", "Bearer " + KEY);
    }

    static Topics topics() {
        return Topics.defaults();
    }

    /** Every record of a topic from the beginning up to its current end, as CloudEvents (skipping non-events). */
    static List<CloudEvent> readAll(String topic) {
        List<CloudEvent> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : readRecords(topic)) {
            Map<String, String> headers = new HashMap<>();
            for (Header header : record.headers()) {
                headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
            }
            if (headers.containsKey("ce_id")) {
                events.add(new CloudEvent(headers.get("ce_id"), headers.get("ce_source"), headers.get("ce_type"),
                        headers.get("ce_subject"), Instant.parse(headers.get("ce_time")),
                        new JsonObject(new String(record.value(), StandardCharsets.UTF_8))));
            }
        }
        return events;
    }

    static List<ConsumerRecord<String, byte[]>> readRecords(String topic) {
        Properties properties = new Properties();
        properties.put("bootstrap.servers", get().infrastructure().kafkaBootstrapServers());
        properties.put("client.id", "test-reader-" + UUID.randomUUID());
        properties.put("enable.auto.commit", "false");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** Sum of the end offsets of a topic: grows by one with every record published to it. */
    static long endOffset(String topic) {
        Properties properties = new Properties();
        properties.put("bootstrap.servers", get().infrastructure().kafkaBootstrapServers());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    static JsonObject textJob(String text, List<String> outputs, int steps, long seed) {
        return new JsonObject().put("inputs", new JsonObject().put("text", text))
                .put("outputs", new io.vertx.core.json.JsonArray(outputs))
                .put("params", new JsonObject().put("steps", steps).put("seed", seed));
    }
}

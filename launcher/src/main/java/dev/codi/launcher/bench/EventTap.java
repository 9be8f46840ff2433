package dev.codi.launcher.bench;

import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Reads the job-events topic as the pipeline writes it, keeping each event's type, the stage's own
 * time of it ({@code ce_time}) and, for progress, the step: what the client's view cannot say
 * precisely (when the diffusion stage picked a job up, when it stopped a canceled one).
 */
final class EventTap implements AutoCloseable {
    /** One event of a job, as the stage stamped it. */
    record Event(String type, String source, Instant time, int step) { }

    private static final String DIFFUSION = dev.codi.protocol.Stage.DIFFUSION.eventSource();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, List<Event>> events = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile boolean running = true;

    EventTap(String bootstrap, String topic) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);                     // from now on
        reader = new Thread(this::read, "bench-event-tap");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        while (running) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                String type = header(record, "ce_type");
                String time = header(record, "ce_time");
                if (record.key() == null || type == null || time == null) {
                    continue;
                }
                int step = type.endsWith(".progress") || type.endsWith(".abandoned")
                        ? new JsonObject(new String(record.value(), StandardCharsets.UTF_8)).getInteger("step", -1) : -1;
                events.computeIfAbsent(record.key(), key -> new CopyOnWriteArrayList<>())
                        .add(new Event(type, header(record, "ce_source"), Instant.parse(time), step));
            }
        }
        consumer.close();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The first event the diffusion stage sent about the job whose type ends with {@code suffix} and, for progress, whose step is at least {@code minStep}. */
    Optional<Event> first(String jobId, String suffix, int minStep) {
        return events.getOrDefault(jobId, List.of()).stream()
                .filter(event -> DIFFUSION.equals(event.source()) && event.type().endsWith(suffix) && event.step() >= minStep)
                .findFirst();
    }

    /** Waits until {@link #first} finds the event, or {@code timeout} passes. */
    Optional<Event> await(String jobId, String suffix, int minStep, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Event> event = first(jobId, suffix, minStep);
            if (event.isPresent()) {
                return event;
            }
            Thread.sleep(5);
        }
        return Optional.empty();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        reader.join(5_000);
    }
}

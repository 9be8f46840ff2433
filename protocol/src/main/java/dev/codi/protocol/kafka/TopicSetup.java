package dev.codi.protocol.kafka;

import dev.codi.protocol.TopicSettings;
import dev.codi.protocol.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the pipeline's topics if they are missing (idempotent, so every service may call it
 * at start), or, with {@link TopicSettings#create()} off, checks that they exist. The partition
 * count bounds how many instances of a stage can share the work.
 */
public final class TopicSetup {
    private TopicSetup() {
    }

    /** Blocking. */
    public static void ensureTopics(KafkaSettings kafka, Topics topics, TopicSettings settings) {
        ensureTopics(kafka, topics.all(), topics.compacted(), settings);
    }

    /**
     * The configuration a topic is created with: the one place it is written, read by the README's
     * topic table as well. Topics not compacted keep the broker's retention ({@code log.retention.hours}).
     */
    public static Map<String, String> topicConfigs(boolean compacted, TopicSettings settings) {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("cleanup.policy", compacted ? "compact" : "delete");
        configs.put("max.message.bytes", Integer.toString(KafkaSettings.MAX_MESSAGE_BYTES));
        configs.put("min.insync.replicas", Integer.toString(settings.minInsyncReplicas()));
        return configs;
    }

    /**
     * Blocking. Creates the missing ones of {@code names} (those also in {@code compacted} get log
     * compaction), or, when topic creation is off, fails naming the missing ones.
     */
    public static void ensureTopics(KafkaSettings kafka, List<String> names, List<String> compacted, TopicSettings settings) {
        try (Admin admin = Admin.create(kafka.admin())) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<String> missingNames = names.stream().filter(topic -> !existing.contains(topic)).toList();
            if (missingNames.isEmpty()) {
                return;
            }
            if (!settings.create()) {
                throw new IllegalStateException("topics missing on " + kafka.bootstrapServers() + ": "
                        + String.join(", ", missingNames) + " (" + TopicSettings.CREATE
                        + "=false: create them as README's topic table lists)");
            }
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : missingNames) {
                missing.add(new NewTopic(topic, settings.partitions(), settings.replicationFactor())
                        .configs(topicConfigs(compacted.contains(topic), settings)));
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e; // another service created them at the same time: fine; anything else is not
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create topics on " + kafka.bootstrapServers() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}

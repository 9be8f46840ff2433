package dev.codi.gateway;

import dev.codi.gateway.webhooks.RetrySchedule;
import dev.codi.infra.Infrastructure;
import dev.codi.protocol.TopicSettings;
import dev.codi.protocol.Topics;
import dev.codi.protocol.kafka.KafkaSettings;
import dev.codi.protocol.kafka.TopicSetup;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The topics as an operator creates them: README's table, creation on a real broker, and the check when creation is off. */
class TopicLayoutTest {
    private static Infrastructure infrastructure;

    @BeforeAll
    static void start() {
        infrastructure = Infrastructure.startInProcess();
    }

    @AfterAll
    static void stop() {
        infrastructure.close();
    }

    @Test
    void readmeListsEveryTopicAsItIsCreated() throws Exception {
        // Given the registry's topics and the retry tiers of the default webhook schedule
        String expected = table(Topics.defaults(), TopicSettings.from(new io.vertx.core.json.JsonObject()));

        // Then README holds exactly that table (paste this test's output into README when it changes)
        String readme = Files.readString(Path.of("..", "README.md"));
        assertThat(readme.contains(expected)).as("README's topic table, expected:\n" + expected).isTrue();
    }

    @Test
    void createsTopicsWithTheConfiguredInSyncReplicas() throws Exception {
        // Given a prefix no one used
        Topics topics = Topics.withPrefix("layout-created.");

        // When they are created with min.insync.replicas 1 of a replication factor 1
        TopicSetup.ensureTopics(kafka(), topics, new TopicSettings(2, (short) 1, 1, true));

        // Then every topic exists with the configs README lists, compacted where the registry says
        try (Admin admin = Admin.create(kafka().admin())) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).containsAll(topics.all());
            ConfigResource settings = new ConfigResource(ConfigResource.Type.TOPIC, topics.webhookSettings());
            ConfigResource jobs = new ConfigResource(ConfigResource.Type.TOPIC, topics.jobs());
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(settings, jobs)).all().get(30, TimeUnit.SECONDS);
            assertThat(configs.get(settings).get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(configs.get(jobs).get("cleanup.policy").value()).isEqualTo("delete");
            assertThat(configs.get(jobs).get("min.insync.replicas").value()).isEqualTo("1");
            assertThat(configs.get(jobs).get("max.message.bytes").value()).isEqualTo(Integer.toString(KafkaSettings.MAX_MESSAGE_BYTES));
            assertThat(admin.describeTopics(List.of(topics.jobs())).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topics.jobs()).partitions()).hasSize(2);
        }
    }

    @Test
    void withCreationOffNamesTheMissingTopics() {
        // Given topics of which only one exists
        Topics topics = Topics.withPrefix("layout-checked.");
        TopicSetup.ensureTopics(kafka(), List.of(topics.jobs()), List.of(), TopicSettings.singleBroker(1));

        // When a service that may not create topics starts, then it fails naming the missing ones only
        TopicSettings checkOnly = new TopicSettings(1, (short) 1, 1, false);
        assertThatThrownBy(() -> TopicSetup.ensureTopics(kafka(), topics, checkOnly))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(topics.conditioning()).hasMessageContaining(topics.webhookSettings())
                .hasMessageNotContaining(topics.jobs() + ",").hasMessageContaining(TopicSettings.CREATE);
        try (Admin admin = Admin.create(kafka().admin())) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(topics.conditioning());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** README's topic table, from the registry and the configs {@link TopicSetup} creates topics with. */
    static String table(Topics topics, TopicSettings settings) {
        List<String> names = new ArrayList<>(topics.all());
        int attempts = RetrySchedule.parse(RetrySchedule.DEFAULT_SCHEDULE, RetrySchedule.DEFAULT_JITTER).attempts();
        for (int tier = 1; tier < attempts; tier++) {
            names.add(topics.webhookRetry(tier));
        }
        StringBuilder table = new StringBuilder("| topic | partitions | cleanup policy | retention | max message size |\n"
                + "|---|---|---|---|---|\n");
        for (String name : names) {
            Map<String, String> configs = TopicSetup.topicConfigs(topics.compacted().contains(name), settings);
            boolean compacted = configs.get("cleanup.policy").equals("compact");
            table.append("| `").append(name).append("` | `").append(TopicSettings.PARTITIONS).append("` (")
                    .append(settings.partitions()).append(") | `").append(configs.get("cleanup.policy")).append("` | ")
                    .append(compacted ? "latest record per key, kept" : "broker default (`log.retention.hours`, 168)")
                    .append(" | ").append(Integer.parseInt(configs.get("max.message.bytes")) / (1024 * 1024)).append(" MiB |\n");
        }
        return table.toString();
    }

    private static KafkaSettings kafka() {
        return new KafkaSettings(infrastructure.kafkaBootstrapServers(), Map.of());
    }
}

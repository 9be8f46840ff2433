package dev.codi.protocol;

import dev.codi.protocol.kafka.TopicSetup;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicSettingsTest {

    @Test
    void defaultsSuitOneBroker() {
        TopicSettings settings = TopicSettings.from(new JsonObject());

        assertThat(settings).isEqualTo(new TopicSettings(8, (short) 1, 1, true));
    }

    @Test
    void readsAMultiBrokerLayout() {
        TopicSettings settings = TopicSettings.from(new JsonObject()
                .put(TopicSettings.PARTITIONS, "12").put(TopicSettings.REPLICATION_FACTOR, "3")
                .put(TopicSettings.MIN_INSYNC_REPLICAS, "2").put(TopicSettings.CREATE, "false"));

        assertThat(settings).isEqualTo(new TopicSettings(12, (short) 3, 2, false));
        assertThat(TopicSetup.topicConfigs(false, settings)).containsEntry("min.insync.replicas", "2")
                .containsEntry("cleanup.policy", "delete");
        assertThat(TopicSetup.topicConfigs(true, settings)).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void refusesMoreInSyncReplicasThanCopies() {
        JsonObject config = new JsonObject().put(TopicSettings.REPLICATION_FACTOR, "1").put(TopicSettings.MIN_INSYNC_REPLICAS, "2");

        assertThatThrownBy(() -> TopicSettings.from(config)).hasMessageContaining(TopicSettings.MIN_INSYNC_REPLICAS)
                .hasMessageContaining("got 2");
    }

    @Test
    void refusesAnythingButTrueOrFalseForCreation() {
        assertThatThrownBy(() -> TopicSettings.from(new JsonObject().put(TopicSettings.CREATE, "no")))
                .hasMessageContaining(TopicSettings.CREATE);
    }
}

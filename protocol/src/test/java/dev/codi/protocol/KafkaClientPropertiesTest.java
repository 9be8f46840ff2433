package dev.codi.protocol;

import dev.codi.protocol.kafka.KafkaSettings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaClientPropertiesTest {

    @Test
    void clientPropertiesFlowFromVariablesToEveryClient() {
        PipelineConfig config = PipelineConfig.from(new JsonObject()
                .put(PipelineConfig.KAFKA_BOOTSTRAP, "broker:9093")
                .put("CODI_KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_SSL")
                .put("CODI_KAFKA_CLIENT_SASL_MECHANISM", "SCRAM-SHA-512")
                .put("CODI_KAFKA_CLIENT_MAX_POLL_INTERVAL_MS", "6000"));
        KafkaSettings kafka = config.kafka();

        assertThat(kafka.producer("p")).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(kafka.consumer("g", "c", 8)).containsEntry("max.poll.interval.ms", "6000")
                .containsEntry("isolation.level", "read_committed");
        assertThat(kafka.admin()).containsEntry("security.protocol", "SASL_SSL");
        assertThat(PipelineConfig.from(config.toJson())).isEqualTo(config);
    }

    @Test
    void consumerGroupsUseTheConsumerProtocolAndShareConsumersGetOnlyWhatTheyAccept() {
        KafkaSettings kafka = new KafkaSettings("b:9092", Map.of("security.protocol", "SSL", "max.poll.interval.ms", "6000",
                "isolation.level", "read_committed"));

        assertThat(kafka.consumer("g", "c", 8)).containsEntry("group.protocol", "consumer");
        // A share consumer refuses classic consumer settings (it would not start), and acquires at most its batch.
        assertThat(kafka.shareConsumer("g", "c", 4)).containsEntry("security.protocol", "SSL")
                .containsEntry("share.acknowledgement.mode", "explicit").containsEntry("share.acquire.mode", "record_limit")
                .containsEntry("max.poll.records", "4")
                .doesNotContainKeys("max.poll.interval.ms", "isolation.level", "group.protocol", "enable.auto.commit");
    }

    @Test
    void anInteractiveProducerGivesUpSoonUnlessTheOperatorSaysOtherwise() {
        assertThat(new KafkaSettings("b:9092").interactiveProducer("g")).containsEntry("delivery.timeout.ms", "20000");
        assertThat(new KafkaSettings("b:9092", Map.of("delivery.timeout.ms", "90000")).interactiveProducer("g"))
                .containsEntry("delivery.timeout.ms", "90000");
    }
}

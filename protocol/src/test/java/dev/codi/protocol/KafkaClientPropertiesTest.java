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
    void anInteractiveProducerGivesUpSoonUnlessTheOperatorSaysOtherwise() {
        assertThat(new KafkaSettings("b:9092").interactiveProducer("g")).containsEntry("delivery.timeout.ms", "20000");
        assertThat(new KafkaSettings("b:9092", Map.of("delivery.timeout.ms", "90000")).interactiveProducer("g"))
                .containsEntry("delivery.timeout.ms", "90000");
    }
}

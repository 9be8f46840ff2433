package dev.codi.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.codi.gateway.GatewayVerticle;
import dev.codi.protocol.JobParams;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API document states the sampling defaults the API takes (one record, protocol's
 * {@link JobParams}, holds them for the API and the sampler alike).
 */
class SamplingDefaultsTest {
    @Test
    void theApiDocumentGivesTheDefaultsTheApiTakes() throws Exception {
        JsonNode params;
        try (InputStream in = GatewayVerticle.class.getResourceAsStream("/openapi.yaml")) {
            params = new ObjectMapper(new YAMLFactory()).readTree(in).at("/components/schemas/JobRequest/properties/params/properties");
        }
        JobParams defaults = JobParams.fromJson(new JsonObject(), 42);
        assertThat(params.at("/steps/default").asInt()).isEqualTo(defaults.steps());
        assertThat(params.at("/guidance/default").asDouble()).isEqualTo(defaults.guidance());
        assertThat(params.at("/eta/default").asDouble()).isEqualTo(defaults.eta());
        assertThat(params.at("/joint/default").asBoolean()).isEqualTo(defaults.joint());
        assertThat(params.at("/feedback/default").isNumber()).as("feedback has a default").isTrue();
        assertThat(params.at("/feedback/default").asDouble()).isEqualTo(defaults.feedback());
        assertThat(params.at("/feedback/maximum").asDouble()).isEqualTo(JobParams.MAX_FEEDBACK);
        assertThat(params.at("/sampler/default").asText()).isEqualTo(defaults.sampler().wireName());
        assertThat(params.at("/sampler/enum")).extracting(JsonNode::asText)
                .containsExactly(java.util.Arrays.stream(JobParams.Sampler.values()).map(JobParams.Sampler::wireName).toArray(String[]::new));
    }
}

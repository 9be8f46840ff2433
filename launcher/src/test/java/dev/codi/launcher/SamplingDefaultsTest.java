package dev.codi.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.codi.gateway.GatewayVerticle;
import dev.codi.model.SamplingParams;
import dev.codi.protocol.JobParams;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API's defaults (protocol's {@link JobParams}) and the sampler's ({@link SamplingParams}) are
 * written in two modules that do not depend on each other; the launcher sees both, so this is where
 * a default changed on one side only is caught.
 */
class SamplingDefaultsTest {
    @Test
    void aJobWithoutParamsIsSampledWithTheSamplersDefaults() {
        for (int steps = 1; steps <= JobParams.MAX_STEPS; steps++) {
            JobParams api = JobParams.fromJson(new JsonObject().put("steps", steps), 42);
            SamplingParams sampler = new SamplingParams(steps, SamplingParams.defaults(42).guidance(), 0.0, 42, true);
            assertThat(api.stagger()).as("stagger at %d steps", steps).isEqualTo(sampler.stagger());
            assertThat(api.feedback()).as("feedback").isEqualTo(sampler.feedback());
            assertThat(api.guidance()).as("guidance").isEqualTo(sampler.guidance());
        }
        assertThat(JobParams.MAX_STEPS).isEqualTo(SamplingParams.MAX_STEPS);
        assertThat(JobParams.MAX_FEEDBACK).isEqualTo(SamplingParams.MAX_FEEDBACK);
        assertThat(SamplingParams.defaults(42).steps()).isEqualTo(JobParams.DEFAULT_STEPS);
    }

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
    }
}

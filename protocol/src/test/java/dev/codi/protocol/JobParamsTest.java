package dev.codi.protocol;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobParamsTest {
    @Test
    void absentFieldsTakeTheDesignDefaultsAndTheGivenSeed() {
        JobParams params = JobParams.fromJson(new JsonObject(), 99);

        assertThat(params).isEqualTo(new JobParams(50, 7.5, 0.0, 99, true));
    }

    @Test
    void outOfRangeOrMistypedFieldsAreRefusedByName() {
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("steps", 201), 1))
                .hasMessageContaining("params.steps").hasMessageContaining("200");
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("steps", 2.5), 1))
                .hasMessageContaining("params.steps must be an integer");
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("guidance", "high"), 1))
                .hasMessageContaining("params.guidance must be a number");
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("eta", 1.5), 1))
                .hasMessageContaining("params.eta");
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("temperature", 1), 1))
                .hasMessageContaining("unknown field params.temperature");
    }
}

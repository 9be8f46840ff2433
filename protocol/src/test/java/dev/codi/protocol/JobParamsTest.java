package dev.codi.protocol;

import dev.codi.media.Modality;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobParamsTest {
    @Test
    void absentFieldsTakeTheDesignDefaultsAndTheGivenSeed() {
        JobParams params = JobParams.fromJson(new JsonObject(), 99);

        assertThat(params).isEqualTo(new JobParams(50, 7.5, 0.0, 99, true, 10, 1.0));
        assertThat(params.feedback()).isEqualTo(JobParams.DEFAULT_FEEDBACK).isEqualTo(1.0);
        assertThat(new JobParams(50, 7.5, 0.0, 99, true, 10).feedback()).isEqualTo(1.0);
        assertThat(new JobParams(50, 7.5, 0.0, 99, true)).isEqualTo(params);
    }

    @Test
    void guidanceByOutputOverridesTheJobsGuidanceForTheOutputsItNamesAndRoundTripsThroughJson() {
        JobParams params = JobParams.fromJson(new JsonObject().put("guidance", 6)
                .put("guidance_by_output", new JsonObject().put("image", 3).put("audio", 9.5)), 1);
        assertThat(params.guidance(Modality.IMAGE)).isEqualTo(3.0);
        assertThat(params.guidance(Modality.AUDIO)).isEqualTo(9.5);
        assertThat(params.guidance(Modality.VIDEO)).as("an output not named takes the job's guidance").isEqualTo(6.0);
        assertThat(params.toJson().getJsonObject("guidance_by_output")).isEqualTo(new JsonObject().put("image", 3.0).put("audio", 9.5));
        assertThat(JobParams.fromJson(params.toJson(), 2)).isEqualTo(params);
        assertThat(JobParams.fromJson(new JsonObject(), 1).toJson().containsKey("guidance_by_output"))
                .as("absent when no output has its own").isFalse();
    }

    @Test
    void guidanceByOutputRefusesUnknownOutputsAndScalesOutOfRange() {
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("guidance_by_output", new JsonObject().put("smell", 3)), 1))
                .hasMessageContaining("params.guidance_by_output.smell is not an output");
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("guidance_by_output", new JsonObject().put("image", 51)), 1))
                .hasMessageContaining("params.guidance_by_output.image must be within [0, 50.0], got 51.0");
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("guidance_by_output", new JsonObject().put("image", "3")), 1))
                .hasMessageContaining("params.guidance_by_output.image must be a number");
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("guidance_by_output", 3), 1))
                .hasMessageContaining("params.guidance_by_output must be an object");
    }

    @Test
    void feedbackRoundTripsThroughJson() {
        JobParams off = JobParams.fromJson(new JsonObject().put("feedback", 0), 1);
        assertThat(off.feedback()).isZero();
        assertThat(off.toJson().getDouble("feedback")).isZero();
        assertThat(JobParams.fromJson(off.toJson(), 2)).isEqualTo(off);
        JobParams strong = JobParams.fromJson(new JsonObject().put("feedback", 2.25).put("stagger", 0), 1);
        assertThat(strong.feedback()).isEqualTo(2.25);
        assertThat(JobParams.fromJson(strong.toJson(), 2)).isEqualTo(strong);
        JobParams most = JobParams.fromJson(new JsonObject().put("feedback", 10), 1);
        assertThat(JobParams.fromJson(most.toJson(), 2)).isEqualTo(most);
        // a job stored before feedback existed reads back with the default
        JsonObject stored = new JobParams(50, 7.5, 0.0, 3, true, 10).toJson();
        stored.remove("feedback");
        assertThat(JobParams.fromJson(stored, 2).feedback()).isEqualTo(1.0);
    }

    @Test
    void feedbackEveryDefaultsRoundTripsThroughJsonAndStaysWithinTheSteps() {
        assertThat(JobParams.fromJson(new JsonObject(), 1).feedbackEvery()).isEqualTo(JobParams.DEFAULT_FEEDBACK_EVERY);
        assertThat(JobParams.defaults(1).feedbackEvery()).isEqualTo(JobParams.DEFAULT_FEEDBACK_EVERY);
        assertThat(JobParams.fromJson(new JsonObject().put("steps", 1), 1).feedbackEvery()).isEqualTo(1);
        JobParams everyStep = JobParams.fromJson(new JsonObject().put("feedback_every", 1), 1);
        assertThat(everyStep.feedbackEvery()).isEqualTo(1);
        assertThat(everyStep.toJson().getInteger("feedback_every")).isEqualTo(1);
        assertThat(JobParams.fromJson(everyStep.toJson(), 2)).isEqualTo(everyStep);
        // a job stored before the cadence existed reads back with the default
        JsonObject stored = everyStep.toJson();
        stored.remove("feedback_every");
        assertThat(JobParams.fromJson(stored, 2).feedbackEvery()).isEqualTo(JobParams.DEFAULT_FEEDBACK_EVERY);
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("feedback_every", 0), 1))
                .hasMessageContaining("params.feedback_every must be within [1, params.steps = 50], got 0");
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("steps", 10).put("feedback_every", 11), 1))
                .hasMessageContaining("params.feedback_every must be within [1, params.steps = 10], got 11");
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("feedback_every", 1.5), 1))
                .hasMessageContaining("params.feedback_every must be an integer");
    }

    @Test
    void staggerDefaultsToAFifthOfTheStepsAndRoundTripsThroughJson() {
        assertThat(JobParams.fromJson(new JsonObject().put("steps", 24), 1).stagger()).isEqualTo(4);
        assertThat(JobParams.fromJson(new JsonObject().put("steps", 4), 1).stagger()).isZero();
        JobParams lockstep = JobParams.fromJson(new JsonObject().put("stagger", 0), 1);
        assertThat(lockstep.stagger()).isZero();
        assertThat(JobParams.fromJson(lockstep.toJson(), 2)).isEqualTo(lockstep);
        JobParams staggered = JobParams.fromJson(new JsonObject().put("steps", 30).put("stagger", 30), 1);
        assertThat(JobParams.fromJson(staggered.toJson(), 2)).isEqualTo(staggered);
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
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("steps", 10).put("stagger", 11), 1))
                .hasMessageContaining("params.stagger must be within [0, params.steps = 10], got 11");
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("stagger", -1), 1))
                .hasMessageContaining("params.stagger");
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("feedback", -0.1), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("params.feedback must be within [0, 10], got -0.1");
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("feedback", 10.5), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("params.feedback must be within [0, 10], got 10.5");
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("feedback", "strong"), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("params.feedback must be a number");
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("feedback", true), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("params.feedback must be a number");
        assertThatThrownBy(() -> new JobParams(50, 7.5, 0.0, 1, true, 10, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("params.feedback");
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("temperature", 1), 1))
                .hasMessageContaining("unknown field params.temperature")
                .hasMessageContaining("feedback, feedback_every or sampler");
    }

    @Test
    void theSamplerIsDdimByDefaultChosenByNameAndRoundTripsThroughJson() {
        assertThat(JobParams.fromJson(new JsonObject(), 1).sampler()).isEqualTo(JobParams.Sampler.DDIM);
        JobParams fast = JobParams.fromJson(new JsonObject().put("sampler", "dpmsolver++").put("steps", 15), 1);
        assertThat(fast.sampler()).isEqualTo(JobParams.Sampler.DPM_SOLVER_PLUS_PLUS);
        assertThat(fast.toJson().getString("sampler")).isEqualTo("dpmsolver++");
        assertThat(JobParams.fromJson(fast.toJson(), 2)).isEqualTo(fast);
        // a job stored before the sampler was a parameter reads back as DDIM
        JsonObject stored = fast.toJson();
        stored.remove("sampler");
        assertThat(JobParams.fromJson(stored, 2).sampler()).isEqualTo(JobParams.Sampler.DDIM);
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("sampler", "euler"), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("params.sampler must be \"ddim\", \"dpmsolver++\" or \"unipc\", got \"euler\"");
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("sampler", 2), 1))
                .hasMessageContaining("params.sampler must be");
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("sampler", "dpmsolver++").put("eta", 0.5), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("params.eta must be 0 with params.sampler \"dpmsolver++\"");
        JobParams unipc = JobParams.fromJson(new JsonObject().put("sampler", "unipc").put("steps", 10), 1);
        assertThat(unipc.sampler()).isEqualTo(JobParams.Sampler.UNIPC);
        assertThat(JobParams.fromJson(unipc.toJson(), 2)).isEqualTo(unipc);
        assertThatThrownBy(() -> JobParams.fromJson(new JsonObject().put("sampler", "unipc").put("eta", 0.5), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("params.eta must be 0 with params.sampler \"unipc\"");
    }
}

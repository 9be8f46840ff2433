package dev.codi.launcher;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** The job request `./codi generate` sends, from its options. */
class GenerateCommandTest {
    private static JsonObject requestOf(String... args) throws Exception {
        GenerateCommand command = new GenerateCommand();
        new CommandLine(command).parseArgs(args);
        return command.request();
    }

    @Test
    void severalOutputsAreJointByDefaultAndIndependentOnRequest() throws Exception {
        JsonObject joint = requestOf("--text", "a red circle moving left", "--outputs", "image,audio", "--seed", "7");
        assertThat(joint.getJsonObject("params").containsKey("joint")).isFalse(); // the server's default: joint
        assertThat(joint.getJsonObject("params").getLong("seed")).isEqualTo(7L);
        assertThat(joint.getJsonArray("outputs").getList()).containsExactly("image", "audio");
        assertThat(joint.getJsonObject("inputs").getString("text")).isEqualTo("a red circle moving left");

        JsonObject independent = requestOf("--text", "a red circle moving left", "--outputs", "image,audio", "--independent");
        assertThat(independent.getJsonObject("params").getBoolean("joint")).isFalse();
        assertThat(joint.getJsonObject("params").containsKey("stagger")).isFalse(); // the server's default
        JsonObject lockstep = requestOf("--text", "a circle", "--outputs", "image,audio", "--stagger", "0");
        assertThat(lockstep.getJsonObject("params").getInteger("stagger")).isZero();
        assertThat(joint.getJsonObject("params").containsKey("feedback")).isFalse(); // the server's default
        assertThat(lockstep.getJsonObject("params").containsKey("feedback")).isFalse();
        JsonObject uncoupled = requestOf("--text", "a circle", "--outputs", "image,audio", "--feedback", "0");
        assertThat(uncoupled.getJsonObject("params").getDouble("feedback")).isZero();
        assertThat(uncoupled.getJsonObject("params").containsKey("stagger")).isFalse();
        assertThat(joint.getJsonObject("params").containsKey("feedback_every")).isFalse(); // the server's default
        JsonObject everyStep = requestOf("--text", "a circle", "--outputs", "image,audio", "--feedback-every", "1");
        assertThat(everyStep.getJsonObject("params").getInteger("feedback_every")).isEqualTo(1);
    }
}

package dev.codi.launcher.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The jobs the benchmark sends: text prompts of the world, each asking for one of a cycle of
 * output sets with its own steps, so that jobs of every kind are in flight at once.
 */
record JobMix(List<Kind> kinds) {
    private static final List<String> PROMPTS = List.of("a red circle moving left", "a blue square moving up",
            "a yellow triangle moving right", "a purple cross moving down");

    /** One kind of job: its outputs and its denoising steps. */
    record Kind(List<String> outputs, int steps) {
        @Override
        public String toString() {
            return String.join("+", outputs) + " @" + steps;
        }
    }

    /** image, audio, image + audio (joint), video, with steps spread around {@code steps}. */
    static JobMix around(int steps) {
        return new JobMix(List.of(new Kind(List.of("image"), steps), new Kind(List.of("audio"), steps + steps / 2),
                new Kind(List.of("image", "audio"), steps), new Kind(List.of("video"), Math.max(1, steps / 2))));
    }

    /** The {@code index}-th job of the mix (seeded by its index). */
    JsonObject request(int index) {
        Kind kind = kinds.get(index % kinds.size());
        return new JsonObject()
                .put("inputs", new JsonObject().put("text", PROMPTS.get(index % PROMPTS.size())))
                .put("outputs", new JsonArray(kind.outputs()))
                .put("params", new JsonObject().put("steps", kind.steps()).put("seed", 1000 + index));
    }
}

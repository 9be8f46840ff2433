package dev.codi.gateway;

import dev.codi.gateway.jobs.PromptWords;
import dev.codi.world.Color;
import dev.codi.world.Motion;
import dev.codi.world.Shape;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What {@code GET /v1/models} shows: the served bundle's manifest, read as JSON (the gateway
 * never loads the networks), with the words its text networks know, the world's colors, shapes
 * and motions, and the formats of its outputs. An untrained bundle is said to be one, loudly.
 */
public final class ModelCatalog {
    /** The world whose colors, shapes and motions are listed (the world module's enums). */
    private static final String SHAPES_AND_TONES = "shapes-and-tones/";

    private final JsonObject models;
    private final PromptWords words;

    private ModelCatalog(JsonObject models, PromptWords words) {
        this.models = models;
        this.words = words;
    }

    /** Blocking. */
    public static ModelCatalog read(Path bundleDirectory) {
        JsonArray data = new JsonArray();
        PromptWords words = PromptWords.UNKNOWN_VOCABULARY;
        if (bundleDirectory != null) {
            try {
                JsonObject manifest = new JsonObject(Files.readString(bundleDirectory.resolve("manifest.json")));
                JsonObject model = new JsonObject()
                        .put("id", manifest.getString("name") + ":" + manifest.getString("version"))
                        .put("name", manifest.getString("name"))
                        .put("version", manifest.getString("version"))
                        .put("trained", manifest.getBoolean("trained", false))
                        .put("description", manifest.getString("description"))
                        .put("modalities", manifest.getValue("modalities"))
                        .put("metrics", manifest.getValue("metrics"));
                if (!manifest.getBoolean("trained", false)) {
                    model.put("notice", "UNTRAINED: seeded random weights. The pipeline runs the real networks, "
                            + "but every output is noise until a trained bundle is installed.");
                }
                JsonObject vocabulary = manifest.getJsonObject("vocabulary");
                if (vocabulary != null) {
                    words = new PromptWords(vocabulary.getJsonArray("words").stream().map(String::valueOf).toList(),
                            vocabulary.getInteger("maxWords"));
                    model.put("vocabulary", vocabulary(words, manifest.getString("world", "")));
                }
                JsonObject networks = manifest.getJsonObject("networks");
                if (networks != null) {
                    model.put("outputs", outputs(networks));
                }
                data.add(model);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the model manifest in " + bundleDirectory, e);
            }
        }
        return new ModelCatalog(new JsonObject().put("data", data), words);
    }

    public JsonObject toJson() {
        return models.copy();
    }

    /** The words of the served bundle's text networks, to check prompts against. */
    public PromptWords words() {
        return words;
    }

    private static JsonObject vocabulary(PromptWords words, String world) {
        JsonObject vocabulary = new JsonObject()
                .put("words", new JsonArray(List.copyOf(words.known())))
                .put("max_words", words.maxWords());
        if (world.startsWith(SHAPES_AND_TONES)) {
            JsonArray colors = new JsonArray();
            for (Color color : Color.values()) {
                colors.add(new JsonObject().put("word", color.word())
                        .put("rgb", String.format(Locale.ROOT, "#%02x%02x%02x", color.red(), color.green(), color.blue()))
                        .put("pitch_hz", color.pitchHz()));
            }
            JsonArray shapes = new JsonArray();
            for (Shape shape : Shape.values()) {
                shapes.add(new JsonObject().put("word", shape.word()).put("timbre", shape.timbre().name().toLowerCase(Locale.ROOT)));
            }
            JsonArray motions = new JsonArray();
            for (Motion motion : Motion.values()) {
                motions.add(new JsonObject().put("word", motion.word())
                        .put("envelope", motion.envelope().name().toLowerCase(Locale.ROOT).replace('_', ' ')));
            }
            vocabulary.put("colors", colors).put("shapes", shapes).put("motions", motions)
                    .put("example", "a " + Color.RED.word() + " " + Shape.CIRCLE.word() + " moving " + Motion.LEFT.word());
        }
        return vocabulary;
    }

    /** The files each output modality comes back as, from the bundle's network sizes. */
    private static JsonObject outputs(JsonObject networks) {
        int size = networks.getInteger("imageSize", 0);
        int frames = networks.getInteger("videoFrames", 0);
        double fps = networks.getDouble("videoFramesPerSecond", 0.0);
        JsonObject spectrogram = networks.getJsonObject("spectrogram", new JsonObject());
        int rate = spectrogram.getInteger("sampleRate", 0);
        int samples = spectrogram.getInteger("samples", 0);
        return new JsonObject()
                .put("text", new JsonObject().put("content_types", new JsonArray().add("text/plain")))
                .put("image", new JsonObject().put("content_types", new JsonArray().add("image/png"))
                        .put("width", size).put("height", size))
                .put("audio", new JsonObject().put("content_types", new JsonArray().add("audio/wav"))
                        .put("sample_rate", rate).put("channels", 1)
                        .put("seconds", rate == 0 ? 0 : (double) samples / rate))
                .put("video", new JsonObject().put("content_types", new JsonArray().add("video/mp4").add("image/gif"))
                        .put("width", size).put("height", size).put("frames", frames).put("frames_per_second", fps));
    }
}

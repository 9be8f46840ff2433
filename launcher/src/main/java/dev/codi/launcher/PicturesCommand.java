package dev.codi.launcher;

import dev.codi.evaluation.pictures.Canvas;
import dev.codi.evaluation.pictures.Spectrograms;
import dev.codi.media.AudioClip;
import dev.codi.media.MediaDecoding;
import dev.codi.media.RgbImage;
import dev.codi.media.VideoClip;
import dev.codi.world.Attributes;
import dev.codi.world.judge.Judge;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.awt.image.BufferedImage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code codi pictures}: the README's pictures, made by the served bundle through the API as any
 * client sees it — a strip of outputs for a few prompts (image, the video as an animated GIF, the
 * audio's spectrogram) and one prompt that leaves color and shape open, sampled jointly and
 * independently with the judge's reading of each output. Rewrites the README's pictures block, so
 * the pictures and their captions never disagree with the bundle.
 */
@Command(name = "pictures", mixinStandardHelpOptions = true,
        description = "Generate the README's pictures from the current model bundle and rewrite its pictures block.")
final class PicturesCommand implements Callable<Integer> {
    static final List<String> PROMPTS = List.of("a red circle moving left", "a blue square moving up",
            "a yellow triangle moving right", "a purple cross moving down");
    /** Names only a motion: jointly sampled outputs should agree on color and shape; independent ones need not. */
    static final String OPEN_PROMPT = "something moving left";
    static final String BEGIN = "<!-- pictures:begin (written by ./codi pictures) -->";
    static final String END = "<!-- pictures:end -->";
    /** Nearest-neighbour upscaling of the 32×32 outputs. */
    static final int SCALE = 4;
    private static final List<String> OUTPUTS = List.of("image", "audio", "video");
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);

    @Option(names = "--home", description = "the checkout whose docs/img/readme and README.md are written (default: this one)")
    Path home = Path.of(System.getProperty("codi.home", "."));

    @Option(names = "--seed", defaultValue = "7", description = "the seed of every job (default ${DEFAULT-VALUE})")
    long seed;

    /** One output set as drawn: its files (relative to the checkout) and the judge's reading of each. */
    record Drawn(String image, String video, String audio, Attributes imageReading, Attributes videoReading,
                 Attributes audioReading) {
    }

    @Override
    public Integer call() throws Exception {
        Path directory = home.resolve("docs/img/readme");
        Files.createDirectories(directory);
        System.err.println("starting an embedded pipeline…");
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(
                new EmbeddedPipeline.Options(0, ModelBundles.defaultBundle(), 1, false, 4))) {
            CodiClient client = new CodiClient(URI.create(pipeline.gatewayUrl()), pipeline.apiKey());
            List<Drawn> strip = new ArrayList<>();
            for (String prompt : PROMPTS) {
                strip.add(draw(client, prompt, true, directory));
            }
            Drawn joint = draw(client, OPEN_PROMPT, true, directory);
            Drawn independent = draw(client, OPEN_PROMPT, false, directory);
            Path readme = home.resolve("README.md");
            Files.writeString(readme, withBlock(Files.readString(readme), block(strip, joint, independent)));
            System.err.println("wrote " + directory + " and the pictures block of " + readme);
        }
        return 0;
    }

    private Drawn draw(CodiClient client, String prompt, boolean joint, Path directory) throws Exception {
        JsonObject request = new JsonObject().put("inputs", new JsonObject().put("text", prompt))
                .put("outputs", new JsonArray(OUTPUTS)).put("params", new JsonObject().put("seed", seed).put("joint", joint));
        String id = client.submit(request).getString("id");
        JsonObject job = client.awaitFinished(id, JOB_TIMEOUT, ignored -> { });
        if (!"succeeded".equals(job.getString("status"))) {
            throw new IllegalStateException("job " + id + " for '" + prompt + "' " + job.getString("status") + ": " + job.getString("error"));
        }
        String name = prompt.replace(' ', '-') + (joint ? "" : "-independent");
        RgbImage image = null;
        VideoClip video = null;
        byte[] gif = null;
        AudioClip audio = null;
        for (Object item : job.getJsonArray("artifacts")) {
            JsonObject artifact = (JsonObject) item;
            byte[] bytes = client.download(artifact.getString("url"));
            switch (artifact.getString("content_type")) {
                case "image/png" -> image = MediaDecoding.decodeImage(bytes);
                case "image/gif" -> {
                    gif = bytes;
                    video = MediaDecoding.decodeVideo(bytes);
                }
                case "audio/wav" -> audio = MediaDecoding.decodeAudio(bytes);
                default -> { } // the MP4 holds the same frames as the GIF
            }
        }
        String imageFile = name + "-image.png";
        String videoFile = name + "-video.gif";
        String audioFile = name + "-audio.png";
        BufferedImage scaled = new BufferedImage(image.width() * SCALE, image.height() * SCALE, BufferedImage.TYPE_INT_RGB);
        Canvas.paintScaled(scaled, image, 0, 0, SCALE);
        Canvas.writePng(scaled, directory.resolve(imageFile));
        // The GIF as served (scaling it up would triple its bytes; the page scales it instead).
        Files.write(directory.resolve(videoFile), gif);
        Spectrograms.write(List.of(new Spectrograms.Row("0–4 kHz over 1 s", audio)), 1, directory.resolve(audioFile));
        System.err.println(prompt + (joint ? "" : " (independent)") + ": " + id);
        return new Drawn(imageFile, videoFile, audioFile, Judge.image(image), Judge.video(video), Judge.audio(audio));
    }

    String block(List<Drawn> strip, Drawn joint, Drawn independent) {
        String base = "docs/img/readme/";
        StringBuilder html = new StringBuilder(BEGIN).append("\n<table>\n<tr><th>prompt</th><th>image</th><th>video</th>"
                + "<th>audio (spectrogram)</th></tr>\n");
        for (int i = 0; i < strip.size(); i++) {
            Drawn drawn = strip.get(i);
            html.append("<tr><td>").append(PROMPTS.get(i)).append("</td>").append(cells(base, drawn, PROMPTS.get(i))).append("</tr>\n");
        }
        html.append("</table>\n\n");
        html.append("Jointly or independently: `").append(OPEN_PROMPT).append("` names only a motion, so the color and ")
                .append("shape are the model's to choose. Sampled jointly, the outputs attend to each other and choose ")
                .append("together; sampled independently (`\"joint\": false`, the same seed), each chooses alone. The ")
                .append("judge reads each output (color, shape, motion):\n\n<table>\n<tr><th></th><th>image</th><th>video</th>"
                        + "<th>audio (spectrogram)</th><th>the judge reads</th></tr>\n");
        for (Drawn drawn : List.of(joint, independent)) {
            String how = drawn == joint ? "joint" : "independent";
            html.append("<tr><td>").append(how).append("</td>").append(cells(base, drawn, OPEN_PROMPT + ", " + how))
                    .append("<td>image: ").append(words(drawn.imageReading()))
                    .append("<br>video: ").append(words(drawn.videoReading()))
                    .append("<br>audio: ").append(words(drawn.audioReading()))
                    .append("<br><b>").append(agreement(drawn)).append("</b></td></tr>\n");
        }
        html.append("</table>\n\n<sub>Made by <code>./codi pictures</code> from <code>models/codi-tiny</code> through the API "
                + "(seed ").append(seed).append(", default sampling; images ×").append(SCALE)
                .append(" nearest neighbour). One seed; <a href=\"docs/quality.md\">docs/quality.md</a> measures how often ")
                .append("outputs agree over hundreds of jobs.</sub>\n").append(END);
        return html.toString();
    }

    private static String cells(String base, Drawn drawn, String alt) {
        int side = 32 * SCALE;
        return "<td><img src=\"" + base + drawn.image() + "\" width=\"" + side + "\" alt=\"image for " + alt + "\"></td>"
                + "<td><img src=\"" + base + drawn.video() + "\" width=\"" + side + "\" alt=\"video for " + alt + "\"></td>"
                + "<td><img src=\"" + base + drawn.audio() + "\" height=\"" + side + "\" alt=\"audio spectrogram for " + alt + "\"></td>";
    }

    private static String words(Attributes reading) {
        List<String> words = new ArrayList<>();
        reading.colorIfKnown().ifPresent(color -> words.add(color.word()));
        reading.shapeIfKnown().ifPresent(shape -> words.add(shape.word()));
        reading.motionIfKnown().ifPresent(motion -> words.add("moving " + motion.word()));
        return words.isEmpty() ? "nothing it knows" : String.join(" ", words);
    }

    private static String agreement(Drawn drawn) {
        boolean color = drawn.imageReading().color() == drawn.videoReading().color()
                && drawn.videoReading().color() == drawn.audioReading().color();
        boolean shape = drawn.imageReading().shape() == drawn.videoReading().shape()
                && drawn.videoReading().shape() == drawn.audioReading().shape();
        return "color: " + (color ? "all agree" : "differ") + "; shape: " + (shape ? "all agree" : "differ");
    }

    /** The README with its pictures block replaced (or inserted after the first paragraph when it has none). */
    static String withBlock(String readme, String block) {
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        if (begin >= 0 && end > begin) {
            return readme.substring(0, begin) + block + readme.substring(end + END.length());
        }
        int afterIntro = readme.indexOf("\n\n", readme.indexOf("\n\n") + 2);
        return readme.substring(0, afterIntro + 2) + block + "\n\n" + readme.substring(afterIntro + 2);
    }
}

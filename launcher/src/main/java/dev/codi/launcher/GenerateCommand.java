package dev.codi.launcher;

import dev.codi.protocol.JobParams;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code codi generate}: submit one job, show its progress, save its artifacts. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate outputs from inputs, through the pipeline (a running server, else an embedded one).")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--text", description = "text input")
    String text;
    @Option(names = "--image", description = "image input file (PNG or JPEG)")
    Path image;
    @Option(names = "--audio", description = "audio input file (WAV)")
    Path audio;
    @Option(names = "--video", description = "video input file (GIF or MP4)")
    Path video;
    @Option(names = "--outputs", required = true, split = ",", description = "outputs, e.g. image,audio")
    List<String> outputs;
    @Option(names = "--out", defaultValue = "out", description = "directory for the artifacts (default ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--server", description = "gateway URL, e.g. http://localhost:8080 (default: start an embedded pipeline)")
    URI server;
    @Option(names = "--api-key", defaultValue = "${env:CODI_API_KEY}",
            description = "API key for --server (default: the CODI_API_KEY environment variable)")
    String apiKey;
    @Option(names = "--steps", description = "denoising steps (default: the API's, " + JobParams.DEFAULT_STEPS + ")")
    Integer steps;
    @Option(names = "--guidance", description = "classifier-free guidance scale (default " + JobParams.DEFAULT_GUIDANCE + ")")
    Double guidance;
    @Option(names = "--seed", description = "sampling seed (default: drawn by the server and reported)")
    Long seed;
    @Option(names = "--independent", description = "sample several outputs independently (params.joint = false) "
            + "instead of jointly, CoDi's default")
    boolean independent;
    @Option(names = "--stagger", description = "DDIM steps between the starts of jointly sampled outputs; 0: lockstep "
            + "(default: a fifth of the steps)")
    Integer stagger;
    @Option(names = "--feedback", description = "weight of the other outputs' readings in each jointly sampled "
            + "output's conditioning, against the prompt's 1 (an image's reading, read by an output that shows motion: a quarter, "
            + "or none beside a reading that shows motion); 0: off (default 1.0)")
    Double feedback;
    @Option(names = "--feedback-every", description = "steps between two shared-space readings of a jointly sampled "
            + "output; 1: every step (default " + JobParams.DEFAULT_FEEDBACK_EVERY + ")")
    Integer feedbackEvery;
    @Option(names = "--timeout", defaultValue = "600", description = "seconds to wait for the job (default ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        JsonObject request = request();
        if (server != null) {
            if (apiKey == null || apiKey.isBlank()) {
                System.err.println("--server needs an API key: pass --api-key or set CODI_API_KEY");
                return 2;
            }
            return run(new CodiClient(server, apiKey), request);
        }
        System.err.println("no --server given: starting an embedded pipeline…");
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(
                new EmbeddedPipeline.Options(0, ModelBundles.defaultBundle(), 1, false, 4))) {
            return run(new CodiClient(URI.create(pipeline.gatewayUrl()), pipeline.apiKey()), request);
        }
    }

    /** The job request the options describe (POST /v1/jobs body). */
    JsonObject request() throws IOException {
        JsonObject inputs = new JsonObject();
        if (text != null) {
            inputs.put("text", text);
        }
        putFile(inputs, "image", image);
        putFile(inputs, "audio", audio);
        putFile(inputs, "video", video);
        JsonObject params = new JsonObject();
        if (steps != null) {
            params.put("steps", steps);
        }
        if (guidance != null) {
            params.put("guidance", guidance);
        }
        if (seed != null) {
            params.put("seed", seed);
        }
        if (stagger != null) {
            params.put("stagger", stagger);
        }
        if (feedback != null) {
            params.put("feedback", feedback);
        }
        if (feedbackEvery != null) {
            params.put("feedback_every", feedbackEvery);
        }
        if (independent) {
            params.put("joint", false);
        }
        return new JsonObject().put("inputs", inputs).put("outputs", new JsonArray(outputs)).put("params", params);
    }

    private static void putFile(JsonObject inputs, String modality, Path file) throws IOException {
        if (file != null) {
            inputs.put(modality, new JsonObject().put("base64", Base64.getEncoder().encodeToString(Files.readAllBytes(file))));
        }
    }

    private int run(CodiClient client, JsonObject request) throws Exception {
        JsonObject accepted = client.submit(request);
        String id = accepted.getString("id");
        System.err.println("job " + id + " queued (seed " + accepted.getJsonObject("params").getLong("seed") + ")");
        JsonObject finished;
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName(id).setInitialMax(1)
                .setStyle(ProgressBarStyle.ASCII).continuousUpdate().build()) {
            finished = client.awaitFinished(id, Duration.ofSeconds(timeoutSeconds), job -> {
                JsonObject progress = job.getJsonObject("progress");
                if (progress != null) {
                    bar.maxHint(progress.getInteger("total"));
                    bar.stepTo(progress.getInteger("step"));
                    bar.setExtraMessage(progress.getString("stage"));
                } else {
                    bar.setExtraMessage(job.getString("status"));
                }
            });
        }
        if (!"succeeded".equals(finished.getString("status"))) {
            System.err.println("job " + id + " " + finished.getString("status") + ": " + finished.getString("error"));
            return 1;
        }
        Files.createDirectories(out);
        for (Object item : finished.getJsonArray("artifacts")) {
            JsonObject artifact = (JsonObject) item;
            byte[] bytes = client.download(artifact.getString("url"));
            String sha256 = sha256(bytes);
            if (!sha256.equals(artifact.getString("sha256"))) {
                throw new IOException("artifact " + artifact.getString("modality") + " has sha256 " + sha256
                        + ", the server said " + artifact.getString("sha256"));
            }
            Path file = out.resolve(fileName(artifact));
            Files.write(file, bytes);
            System.out.println(file + "  (" + artifact.getString("content_type") + ", " + bytes.length + " bytes)");
        }
        if (finished.getString("text") != null) {
            System.out.println("text: " + finished.getString("text"));
        }
        return 0;
    }

    private static String fileName(JsonObject artifact) {
        String contentType = artifact.getString("content_type");
        String extension = contentType.startsWith("image/png") ? "png" : contentType.startsWith("image/gif") ? "gif"
                : contentType.startsWith("video/mp4") ? "mp4" : contentType.startsWith("audio/") ? "wav" : "txt";
        return artifact.getString("modality") + "." + extension;
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}

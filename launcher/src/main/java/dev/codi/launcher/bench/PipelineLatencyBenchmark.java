package dev.codi.launcher.bench;

import dev.codi.decoder.ArtifactFiles;
import dev.codi.launcher.CodiClient;
import dev.codi.launcher.EmbeddedPipeline;
import dev.codi.launcher.ModelBundles;
import dev.codi.media.Modality;
import dev.codi.model.CodiModel;
import dev.codi.model.Conditioning;
import dev.codi.model.GeneratedMedia;
import dev.codi.model.Latent;
import dev.codi.model.PromptInput;
import dev.codi.model.SamplingJob;
import dev.codi.model.SamplingListener;
import dev.codi.protocol.JobParams;
import dev.codi.model.tiny.CodiTinyModel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * End-to-end latency of one text → image + audio job through the whole pipeline (HTTP, Kafka,
 * three stages, object storage, presigned download) against the same generation in-process
 * (encode → sample → decode → file encoding, no Kafka, no storage). Prints the medians and their
 * ratio, measured in one run. Usage: {@code ./codi bench [runs] [steps]} (defaults 7 and 50).
 */
public final class PipelineLatencyBenchmark {
    private static final String PROMPT = "a red circle moving left";
    private static final List<Modality> OUTPUTS = List.of(Modality.IMAGE, Modality.AUDIO);

    private PipelineLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        Path bundle = ModelBundles.defaultBundle();
        List<Double> pipelineMillis = new ArrayList<>();
        List<Double> inProcessMillis = new ArrayList<>();
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(new EmbeddedPipeline.Options(0, bundle, 1, false, 4));
             CodiModel model = CodiTinyModel.load(bundle)) {
            CodiClient client = new CodiClient(URI.create(pipeline.gatewayUrl()), pipeline.apiKey());
            // one warm-up of each path: class loading, JIT, first native calls
            throughPipeline(client, steps, 0);
            inProcess(model, steps, 0);
            for (int run = 1; run <= runs; run++) {
                pipelineMillis.add(throughPipeline(client, steps, run));
                inProcessMillis.add(inProcess(model, steps, run));
                System.out.printf("run %d/%d: pipeline %.0f ms, in-process %.0f ms%n", run, runs,
                        pipelineMillis.get(run - 1), inProcessMillis.get(run - 1));
            }
        }
        double pipelineMedian = median(pipelineMillis);
        double inProcessMedian = median(inProcessMillis);
        System.out.printf("%ntext → image + audio, %d DDIM steps, median of %d runs (cores: %d)%n", steps, runs,
                Runtime.getRuntime().availableProcessors());
        System.out.printf("  through the pipeline : %8.0f ms%n", pipelineMedian);
        System.out.printf("  in-process           : %8.0f ms%n", inProcessMedian);
        System.out.printf("  ratio                : %8.2f×  (pipeline overhead %.0f ms)%n", pipelineMedian / inProcessMedian,
                pipelineMedian - inProcessMedian);
    }

    private static double throughPipeline(CodiClient client, int steps, long seed) throws Exception {
        JsonObject request = new JsonObject().put("inputs", new JsonObject().put("text", PROMPT))
                .put("outputs", new JsonArray().add("image").add("audio"))
                .put("params", new JsonObject().put("steps", steps).put("seed", seed));
        long started = System.nanoTime();
        JsonObject job = client.awaitFinished(client.submit(request).getString("id"), Duration.ofMinutes(5), ignored -> { });
        for (Object artifact : job.getJsonArray("artifacts")) {
            client.download(((JsonObject) artifact).getString("url"));
        }
        return (System.nanoTime() - started) / 1e6;
    }

    private static double inProcess(CodiModel model, int steps, long seed) {
        long started = System.nanoTime();
        float[] embedding = model.encode(new PromptInput.Text(PROMPT));
        Conditioning conditioning = Conditioning.single(Modality.TEXT, embedding, model.nullEmbedding(Modality.TEXT));
        SamplingJob job = new SamplingJob("bench", conditioning, new LinkedHashSet<>(OUTPUTS),
                new JobParams(steps, 7.5, 0, seed, true), () -> false);
        Map<Modality, Latent> latents = model.sample(List.of(job), SamplingListener.NONE).get(0);
        for (Modality modality : OUTPUTS) {
            GeneratedMedia media = model.decode(modality, latents.get(modality));
            ArtifactFiles.encode(media);
        }
        return (System.nanoTime() - started) / 1e6;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}

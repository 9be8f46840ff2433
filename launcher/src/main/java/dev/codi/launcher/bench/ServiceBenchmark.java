package dev.codi.launcher.bench;

import dev.codi.decoder.ArtifactFiles;
import dev.codi.gateway.admission.AdmissionConfig;
import dev.codi.launcher.CodiClient;
import dev.codi.launcher.EmbeddedPipeline;
import dev.codi.media.Modality;
import dev.codi.model.CodiModel;
import dev.codi.model.Conditioning;
import dev.codi.model.GeneratedMedia;
import dev.codi.model.Latent;
import dev.codi.model.PromptInput;
import dev.codi.model.SamplingBatch;
import dev.codi.model.SamplingJob;
import dev.codi.model.SamplingListener;
import dev.codi.model.denoiser.SpatialDenoiser;
import dev.codi.model.tiny.CodiTinyModel;
import dev.codi.protocol.JobParams;
import dev.codi.protocol.Topics;
import dev.codi.protocol.PipelineConfig;
import dev.codi.service.ServiceSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code ./codi bench}: the service under load, measured in one run on one machine and build
 * through the real HTTP API, with the embedded broker and S3 server (docs/benchmarks.md):
 * throughput and latency at several numbers of concurrent jobs of mixed outputs and steps against
 * the same kinds of jobs one at a time; pipeline overhead against in-process generation, with the
 * time of each hop; pickup to first progress and cancel to stop; a joint job against the chain a
 * client would run; the image denoiser's FLOP/s against the machine's matrix-multiply peak.
 */
public final class ServiceBenchmark {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);
    private static final int WAIT_SECONDS = 60;

    /**
     * @param levels         numbers of jobs sent at once (1: jobs one at a time)
     * @param steps          the mix's steps: kinds take steps/2 to 1.5·steps
     * @param sequentialJobs jobs sent one at a time for level 1
     * @param runs           runs of the overhead, cancel and joint-against-chain measurements
     * @param flopBatch      rows of the denoiser call whose FLOP/s is measured
     * @param networksAtOnce networks of one sampling phase run at once, by the service and in-process alike
     */
    public record Settings(List<Integer> levels, int steps, int sequentialJobs, int runs, int flopBatch, int networksAtOnce) {
        public Settings {
            levels = List.copyOf(levels);
            if (levels.isEmpty() || levels.stream().anyMatch(level -> level < 1) || steps < 2 || sequentialJobs < 1 || runs < 1
                    || flopBatch < 1) {
                throw new IllegalArgumentException("levels ≥ 1, steps ≥ 2, sequential jobs, runs and the FLOP batch ≥ 1");
            }
        }
    }

    private final Settings settings;
    private final PrintStream out;
    private final CodiClient client;
    private final CodiTinyModel model;
    private final EventTap tap;
    private final JobMix mix;

    private ServiceBenchmark(Settings settings, PrintStream out, CodiClient client, CodiTinyModel model, EventTap tap) {
        this.settings = settings;
        this.out = out;
        this.client = client;
        this.model = model;
        this.tap = tap;
        this.mix = JobMix.around(settings.steps());
    }

    public static void run(Settings settings, Path bundle, PrintStream out) throws Exception {
        int largest = settings.levels().stream().mapToInt(Integer::intValue).max().orElse(1);
        JsonObject serviceSettings = new JsonObject()
                .put(PipelineConfig.MAX_BATCH, Math.max(8, largest))          // one poll may take every job in flight
                .put(AdmissionConfig.ACTIVE_JOBS, 4 * largest).put(AdmissionConfig.RATE, 1000).put(AdmissionConfig.BURST, 4 * largest)
                .put(AdmissionConfig.DECODE_QUEUE, largest)                      // every job sent at once may wait for validation
                .put(ServiceSettings.NETWORKS_AT_ONCE, settings.networksAtOnce());
        out.printf("codi bench: %d cores, Java %s, %s; %s%n", Runtime.getRuntime().availableProcessors(),
                Runtime.version(), System.getProperty("os.arch"), serviceSettings.encode());
        long began = System.nanoTime();
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(new EmbeddedPipeline.Options(0, bundle, 1, false, 8, List.of(),
                serviceSettings));
             CodiTinyModel model = CodiTinyModel.load(bundle, CodiTinyModel.defaultDevice(), settings.networksAtOnce());
             EventTap tap = new EventTap(pipeline.infrastructure().kafkaBootstrapServers(), Topics.defaults().jobEvents())) {
            ServiceBenchmark bench = new ServiceBenchmark(settings, out,
                    new CodiClient(URI.create(pipeline.gatewayUrl()), pipeline.apiKey()), model, tap);
            bench.warmUp();
            bench.throughput();
            bench.overhead();
            bench.cancelToStop();
            bench.jointAgainstChain();
            bench.denoiserFlops();
            bench.stepProfile();
        }
        out.printf("%nbench done in %.0f s%n", (System.nanoTime() - began) / 1e9);
    }

    private void warmUp() throws Exception {
        out.println("\nwarming up (one job of each kind, then the in-process path)…");
        for (int i = 0; i < mix.kinds().size(); i++) {
            finished(client.submitAndWait(mix.request(i), WAIT_SECONDS));
        }
        inProcess(settings.steps(), 0);
    }

    // ---- throughput and latency under load ---------------------------------------------------

    private void throughput() throws Exception {
        out.printf("%nthroughput: jobs of the mix %s, sent at once; level 1 sends %d one at a time%n", mix.kinds(),
                settings.sequentialJobs());
        out.println("  level   jobs   wall s   jobs/s   × level 1   latency p50 / p95 ms   pickup→first progress p50 / p95 ms");
        double baseline = Double.NaN;
        for (int level : settings.levels()) {
            int jobs = level == 1 ? settings.sequentialJobs() : level;
            List<String> ids = new ArrayList<>();
            List<Double> latencies = new ArrayList<>();
            long started = System.nanoTime();
            if (level == 1) {
                for (int i = 0; i < jobs; i++) {
                    long sent = System.nanoTime();
                    ids.add(finished(client.submitAndWait(mix.request(i), WAIT_SECONDS)).getString("id"));
                    latencies.add((System.nanoTime() - sent) / 1e6);
                }
            } else {
                ExecutorService clients = Executors.newFixedThreadPool(level);
                try {
                    List<Future<Sent>> sent = new ArrayList<>();
                    for (int i = 0; i < jobs; i++) {
                        JsonObject request = mix.request(i);
                        sent.add(clients.submit(() -> {
                            long sentAt = System.nanoTime();
                            String id = finished(client.submitAndWait(request, WAIT_SECONDS)).getString("id");
                            return new Sent(id, (System.nanoTime() - sentAt) / 1e6);
                        }));
                    }
                    for (Future<Sent> job : sent) {
                        ids.add(job.get().id());
                        latencies.add(job.get().millis());
                    }
                } finally {
                    clients.shutdownNow();
                }
            }
            double wall = (System.nanoTime() - started) / 1e9;
            double rate = jobs / wall;
            baseline = level == 1 ? rate : baseline;
            List<Double> firstProgress = pickupToFirstProgress(ids);
            out.printf("  %5d %6d %8.1f %8.2f %11s %10.0f / %-8.0f %16s%n", level, jobs, wall, rate,
                    Double.isNaN(baseline) ? "—" : String.format("%.2f×", rate / baseline),
                    percentile(latencies, 50), percentile(latencies, 95),
                    firstProgress.isEmpty() ? "—" : String.format("%.0f / %.0f", percentile(firstProgress, 50),
                            percentile(firstProgress, 95)));
        }
    }

    private record Sent(String id, double millis) { }

    /** Per job, ms from the diffusion stage's pickup (job.started) to its first progress event, both as the stage stamped them. */
    private List<Double> pickupToFirstProgress(List<String> ids) throws InterruptedException {
        List<Double> millis = new ArrayList<>();
        for (String id : ids) {
            Optional<EventTap.Event> pickup = tap.await(id, ".started", -1, Duration.ofSeconds(5));
            Optional<EventTap.Event> progress = tap.await(id, ".progress", 1, Duration.ofSeconds(5));
            if (pickup.isPresent() && progress.isPresent()) {
                millis.add(Duration.between(pickup.get().time(), progress.get().time()).toNanos() / 1e6);
            }
        }
        return millis;
    }

    // ---- pipeline overhead against in-process sampling ----------------------------------------

    private void overhead() throws Exception {
        int steps = 2 * settings.steps();
        out.printf("%noverhead: text → image + audio, %d steps, %d alternating runs of each path%n", steps, settings.runs());
        List<Double> pipelineMillis = new ArrayList<>();
        List<Double> inProcessMillis = new ArrayList<>();
        JsonObject lastJob = null;
        long lastFinished = 0;
        long lastSent = 0;
        double lastDownload = 0;
        for (int run = 1; run <= settings.runs(); run++) {
            JsonObject request = new JsonObject().put("inputs", new JsonObject().put("text", "a red circle moving left"))
                    .put("outputs", new JsonArray().add("image").add("audio"))
                    .put("params", new JsonObject().put("steps", steps).put("seed", run));
            lastSent = System.nanoTime();
            lastJob = finished(client.submitAndWait(request, WAIT_SECONDS));
            lastFinished = System.nanoTime();
            downloadAll(lastJob);
            lastDownload = (System.nanoTime() - lastFinished) / 1e6;
            pipelineMillis.add((System.nanoTime() - lastSent) / 1e6);
            inProcessMillis.add(inProcess(steps, run));
            out.printf("  run %d/%d: pipeline %.0f ms, in-process %.0f ms%n", run, settings.runs(),
                    pipelineMillis.get(run - 1), inProcessMillis.get(run - 1));
        }
        double pipeline = percentile(pipelineMillis, 50);
        double inProcess = percentile(inProcessMillis, 50);
        out.printf("  median: pipeline %.0f ms, in-process %.0f ms: %.2f× (overhead %.0f ms, %.1f %%)%n", pipeline, inProcess,
                pipeline / inProcess, pipeline - inProcess, 100 * (pipeline - inProcess) / inProcess);
        hops(lastJob, (lastFinished - lastSent) / 1e6, lastDownload);
    }

    /** Where the last pipeline run's time went: each stage's own time, and the gaps between them (HTTP, Kafka hops, batching windows). */
    private void hops(JsonObject job, double answeredMillis, double downloadMillis) {
        JsonObject timings = job.getJsonObject("timings", new JsonObject());
        Instant created = Instant.parse(job.getString("created_at"));
        out.printf("  the last run, hop by hop (stage clocks; the client's %.0f ms from send to answer):%n", answeredMillis);
        Instant previous = created;
        String previousName = "created";
        for (String stage : List.of("encoder-service", "diffusion-service", "decoder-service")) {
            JsonObject timing = timings.getJsonObject(stage);
            if (timing == null) {
                continue;
            }
            Instant start = Instant.parse(timing.getString("started_at"));
            Instant end = Instant.parse(timing.getString("finished_at"));
            out.printf("    %-48s %6d ms%n", previousName + " → " + stage + " picks up", Duration.between(previous, start).toMillis());
            out.printf("    %-48s %6d ms%n", stage + " (its work, store I/O)", Duration.between(start, end).toMillis());
            previous = end;
            previousName = stage;
        }
        out.printf("    %-48s %6.0f ms%n", "artifact downloads", downloadMillis);
    }

    /** encode → sample → decode → file encoding in this thread: no Kafka, no storage. */
    private double inProcess(int steps, long seed) {
        long started = System.nanoTime();
        String prompt = "a red circle moving left";
        float[] embedding = model.encode(new PromptInput.Text(prompt));
        Conditioning conditioning = Conditioning.single(Modality.TEXT, embedding, model.nullEmbedding(Modality.TEXT));
        List<Modality> outputs = List.of(Modality.IMAGE, Modality.AUDIO);
        SamplingJob job = new SamplingJob("bench", conditioning, new LinkedHashSet<>(outputs), new JobParams(steps, 7.5, 0, seed, true),
                () -> false);
        Map<Modality, Latent> latents = model.sample(List.of(job), SamplingListener.NONE).get(0);
        for (Modality modality : outputs) {
            GeneratedMedia media = model.decode(modality, latents.get(modality));
            ArtifactFiles.encode(media);
        }
        return (System.nanoTime() - started) / 1e6;
    }

    // ---- cancel to stop --------------------------------------------------------------------------

    private void cancelToStop() throws Exception {
        out.printf("%ncancel → stop: a 200-step text → image job alone, canceled after its second progress event; %d runs%n",
                settings.runs());
        List<Double> stops = new ArrayList<>();
        List<Double> steps = new ArrayList<>();
        for (int run = 1; run <= settings.runs(); run++) {
            JsonObject request = new JsonObject().put("inputs", new JsonObject().put("text", "a blue square moving up"))
                    .put("outputs", new JsonArray().add("image")).put("params", new JsonObject().put("steps", 200).put("seed", run));
            String id = client.submit(request).getString("id");
            Optional<EventTap.Event> first = tap.await(id, ".progress", 1, JOB_TIMEOUT);
            Optional<EventTap.Event> second = tap.await(id, ".progress", 2, Duration.ofSeconds(30));
            Instant canceled = Instant.now();
            client.cancel(id);
            Optional<EventTap.Event> abandoned = tap.await(id, ".abandoned", -1, Duration.ofSeconds(60));
            if (first.isEmpty() || second.isEmpty() || abandoned.isEmpty()) {
                out.printf("  run %d: no stop seen%n", run);
                continue;
            }
            double stepMillis = Duration.between(first.get().time(), abandoned.get().time()).toNanos() / 1e6
                    / Math.max(1, abandoned.get().step() - first.get().step());
            double stopMillis = Duration.between(canceled, abandoned.get().time()).toNanos() / 1e6;
            stops.add(stopMillis);
            steps.add(stepMillis);
            out.printf("  run %d: stopped %.0f ms after the cancel, at step %d (a step takes %.1f ms)%n", run, stopMillis,
                    abandoned.get().step(), stepMillis);
        }
        if (!stops.isEmpty()) {
            out.printf("  median: %.0f ms = %.2f denoising steps%n", percentile(stops, 50), percentile(stops, 50) / percentile(steps, 50));
        }
    }

    // ---- joint against chained generation ---------------------------------------------------------

    private void jointAgainstChain() throws Exception {
        int steps = 2 * settings.steps();
        out.printf("%njoint against chain, %d steps: text → image + audio as one job, against text → image, download, "
                + "image → audio; %d alternating runs%n", steps, settings.runs());
        List<Double> joint = new ArrayList<>();
        List<Double> chain = new ArrayList<>();
        for (int run = 1; run <= settings.runs(); run++) {
            long started = System.nanoTime();
            downloadAll(finished(client.submitAndWait(textJob(List.of("image", "audio"), steps, run), WAIT_SECONDS)));
            joint.add((System.nanoTime() - started) / 1e6);
            started = System.nanoTime();
            JsonObject image = finished(client.submitAndWait(textJob(List.of("image"), steps, run), WAIT_SECONDS));
            byte[] png = client.download(image.getJsonArray("artifacts").getJsonObject(0).getString("url"));
            JsonObject audio = new JsonObject()
                    .put("inputs", new JsonObject().put("image", new JsonObject().put("base64", Base64.getEncoder().encodeToString(png))))
                    .put("outputs", new JsonArray().add("audio")).put("params", new JsonObject().put("steps", steps).put("seed", run));
            downloadAll(finished(client.submitAndWait(audio, WAIT_SECONDS)));
            chain.add((System.nanoTime() - started) / 1e6);
            out.printf("  run %d/%d: joint %.0f ms, chain %.0f ms%n", run, settings.runs(), joint.get(run - 1), chain.get(run - 1));
        }
        out.printf("  median: joint %.0f ms, chain %.0f ms: joint takes %.2f× the chain's time%n", percentile(joint, 50),
                percentile(chain, 50), percentile(joint, 50) / percentile(chain, 50));
    }

    private static JsonObject textJob(List<String> outputs, int steps, long seed) {
        return new JsonObject().put("inputs", new JsonObject().put("text", "a yellow triangle moving right"))
                .put("outputs", new JsonArray(outputs)).put("params", new JsonObject().put("steps", steps).put("seed", seed));
    }

    // ---- the denoiser against the machine ----------------------------------------------------------

    private void denoiserFlops() {
        int batch = settings.flopBatch();
        SpatialDenoiser denoiser = (SpatialDenoiser) model.networks().denoisers.get(Modality.IMAGE);
        double flopsPerRow = DenoiserThroughput.flopsPerRow(denoiser.config(), model.manifest().latentShapes().get(Modality.IMAGE));
        double seconds = DenoiserThroughput.secondsPerCall(model, batch, 20);
        double achieved = flopsPerRow * batch / seconds;
        double peak = DenoiserThroughput.matmulPeak(model.device(), 1024, 5);
        out.printf("%nimage denoiser, batch %d: %.2f MFLOP per row, %.2f ms per call (best of 20) → %.2f GFLOP/s; "
                        + "1024² matmul peak %.1f GFLOP/s; the denoiser reaches %.1f %% of it%n", batch, flopsPerRow / 1e6,
                seconds * 1e3, achieved / 1e9, peak / 1e9, 100 * achieved / peak);
    }

    /**
     * In-process, the jobs of the mix at the FLOP batch: sampled one at a time (and decoded one at a
     * time, then together as the decoder stage decodes a batch), then as one continuous batch, with
     * the time each kind of network call takes.
     */
    private void stepProfile() {
        float[] embedding = model.encode(new PromptInput.Text("a purple cross moving down"));
        Conditioning conditioning = Conditioning.single(Modality.TEXT, embedding, model.nullEmbedding(Modality.TEXT));
        List<SamplingJob> jobs = new ArrayList<>();
        for (int i = 0; i < settings.flopBatch(); i++) {
            JobMix.Kind kind = mix.kinds().get(i % mix.kinds().size());
            Set<Modality> outputs = new LinkedHashSet<>(kind.outputs().stream().map(Modality::fromWireName).toList());
            jobs.add(new SamplingJob("profile-" + i, conditioning, outputs, new JobParams(kind.steps(), 7.5, 0, i, true), () -> false));
        }
        long aloneNanos = 0;
        long decodeNanos = 0;
        List<CodiModel.OutputLatent> sampledLatents = new ArrayList<>();
        for (SamplingJob job : jobs) {
            long started = System.nanoTime();
            Map<Modality, Latent> latents = model.sample(List.of(job), SamplingListener.NONE).get(0);
            long sampled = System.nanoTime();
            latents.forEach((modality, latent) -> ArtifactFiles.encode(model.decode(modality, latent)));
            aloneNanos += sampled - started;
            decodeNanos += System.nanoTime() - sampled;
            latents.forEach((modality, latent) -> sampledLatents.add(new CodiModel.OutputLatent(modality, latent)));
        }
        double decodedTogetherMillis = decodeTogether(sampledLatents);
        try (SamplingBatch batch = model.newSamplingBatch()) {
            jobs.forEach(batch::admit);
            long started = System.nanoTime();
            int steps = 0;
            while (!batch.isEmpty()) {
                batch.step(SamplingListener.NONE);
                steps++;
            }
            double total = (System.nanoTime() - started) / 1e6;
            out.printf("%nsampling alone and batched, in-process, %d jobs of the mix: one at a time %.0f ms, as one continuous "
                    + "batch %.0f ms: %.2f×; decoding them to files one at a time %.0f ms, together %.0f ms: %.2f×%n", jobs.size(),
                    aloneNanos / 1e6, total, aloneNanos / 1e6 / total, decodeNanos / 1e6, decodedTogetherMillis,
                    decodeNanos / 1e6 / decodedTogetherMillis);
            out.printf("where the batch's time goes: %d steps, %.1f ms per step%n", steps, total / steps);
            double networks = batch.networkWallTime().toNanos() / 1e6;
            for (Map.Entry<String, Duration> kind : batch.networkTime().entrySet()) {
                double millis = kind.getValue().toNanos() / 1e6;
                out.printf("  %-14s %5d calls %8.0f ms  %5.1f %%%n", kind.getKey(), batch.networkCalls().get(kind.getKey()), millis,
                        100 * millis / total);
            }
            if (settings.networksAtOnce() > 1) {
                out.printf("  %-14s %20.0f ms  %5.1f %%  (up to %d networks at once)%n", "networks, wall", networks, 100 * networks / total,
                        settings.networksAtOnce());
            }
            out.printf("  %-14s %20.0f ms  %5.1f %%  (guidance, scheduler steps, noise, bookkeeping)%n", "the rest",
                    total - networks, 100 * (total - networks) / total);
        }
    }

    /**
     * The latents decoded to files as the decoder stage does a batch: one decoder call per modality,
     * the per-output work and the file encoding on a pool of one thread per core; in milliseconds.
     */
    private double decodeTogether(List<CodiModel.OutputLatent> latents) {
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        try {
            long started = System.nanoTime();
            List<Future<?>> files = new ArrayList<>();
            for (GeneratedMedia media : model.decodeAll(latents, pool)) {
                files.add(pool.submit(() -> ArtifactFiles.encode(media)));
            }
            for (Future<?> file : files) {
                file.get();
            }
            return (System.nanoTime() - started) / 1e6;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while decoding", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("decoding failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    /** The job once it finished (waiting on if the gateway answered before), which must have succeeded. */
    private JsonObject finished(JsonObject job) throws IOException, InterruptedException {
        String status = job.getString("status");
        if (!status.equals("succeeded") && !status.equals("failed") && !status.equals("canceled")) {
            job = client.awaitFinished(job.getString("id"), JOB_TIMEOUT, ignored -> { });
        }
        if (!job.getString("status").equals("succeeded")) {
            throw new IOException("job " + job.getString("id") + " " + job.getString("status") + ": " + job.encode());
        }
        return job;
    }

    private void downloadAll(JsonObject job) throws IOException, InterruptedException {
        for (Object artifact : job.getJsonArray("artifacts", new JsonArray())) {
            client.download(((JsonObject) artifact).getString("url"));
        }
    }

    /** The nearest-rank percentile. */
    static double percentile(List<Double> values, double percent) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(percent / 100 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}

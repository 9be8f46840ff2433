package dev.codi.lab.bench;

import dev.codi.media.Modality;
import dev.codi.model.Conditioning;
import dev.codi.model.SamplingBatch;
import dev.codi.model.SamplingJob;
import dev.codi.model.SamplingListener;
import dev.codi.model.tiny.CodiTinyModel;
import dev.codi.protocol.JobParams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where a joint job's sampling time goes against independent sampling of the same outputs, in-process:
 * wall time of the whole sampling and each network kind's calls and time (denoiser, environment,
 * shared-space), for one job alone and a batch of jobs, per way (indep, or joint with the shared space
 * read every k-th step). Ways alternate within a round; the median of the rounds is printed.
 * A program that prints a table, not a test.
 *
 * <p>Arguments: bundle rounds way... (way: indep, tokens (feedback 0), or a feedback_every k)
 */
public final class JointCost {
    private JointCost() {
    }

    public static void main(String[] args) {
        Path bundle = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        List<String> ways = List.of(args).subList(2, args.length);
        List<Set<Modality>> outputSets = List.of(EnumSet.of(Modality.IMAGE, Modality.AUDIO),
                EnumSet.of(Modality.IMAGE, Modality.AUDIO, Modality.VIDEO));
        try (CodiTinyModel model = CodiTinyModel.load(bundle)) {
            float[] text = model.encode(new dev.codi.model.PromptInput.Text("a red circle moving left"));
            Conditioning conditioning = Conditioning.single(Modality.TEXT, text, model.nullEmbedding(Modality.TEXT));
            run(model, conditioning, outputSets.get(0), 5, 1, "indep");                    // warm-up
            run(model, conditioning, outputSets.get(0), 5, 1, ways.get(ways.size() - 1));
            System.out.println("| outputs | steps | jobs | way | wall ms | / indep | denoiser calls, ms | environment calls, ms | shared-space calls, ms | rest ms |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|");
            for (Set<Modality> outputs : outputSets) {
                for (int steps : new int[] {20, 50}) {
                    for (int jobs : new int[] {1, 8}) {
                        Map<String, List<Measured>> byWay = new TreeMap<>();
                        for (int round = 0; round < rounds; round++) {
                            for (String way : ways) {
                                byWay.computeIfAbsent(way, w -> new java.util.ArrayList<>())
                                        .add(run(model, conditioning, outputs, steps, jobs, way));
                            }
                        }
                        double independent = median(byWay.get("indep")).wallMillis;
                        for (String way : ways) {
                            Measured m = median(byWay.get(way));
                            System.out.printf(Locale.ROOT, "| %s | %d | %d | %s | %.0f | %.2f× | %d, %.0f | %d, %.0f | %d, %.0f | %.0f |%n",
                                    outputs.stream().map(Modality::wireName).reduce((a, b) -> a + "+" + b).orElseThrow(), steps, jobs,
                                    way, m.wallMillis, m.wallMillis / independent, m.calls("denoiser"), m.millis("denoiser"),
                                    m.calls("environment"), m.millis("environment"), m.calls("shared-space"), m.millis("shared-space"),
                                    m.wallMillis - m.millis("denoiser") - m.millis("environment") - m.millis("shared-space"));
                        }
                    }
                }
            }
        }
    }

    record Measured(double wallMillis, Map<String, Long> calls, Map<String, Duration> time) {
        long calls(String kind) {
            return calls.getOrDefault(kind, 0L);
        }

        double millis(String kind) {
            return time.getOrDefault(kind, Duration.ZERO).toNanos() / 1e6;
        }
    }

    private static Measured median(List<Measured> measured) {
        List<Measured> sorted = measured.stream().sorted(java.util.Comparator.comparingDouble(Measured::wallMillis)).toList();
        return sorted.get(sorted.size() / 2);
    }

    private static Measured run(CodiTinyModel model, Conditioning conditioning, Set<Modality> outputs, int steps, int jobs, String way) {
        boolean joint = !way.equals("indep");
        double feedback = way.equals("tokens") ? 0 : JobParams.DEFAULT_FEEDBACK;
        int every = joint && !way.equals("tokens") ? Math.min(Integer.parseInt(way), steps) : 1;
        try (SamplingBatch batch = model.newSamplingBatch()) {
            for (int j = 0; j < jobs; j++) {
                JobParams params = new JobParams(steps, JobParams.DEFAULT_GUIDANCE, 0.0, 100 + j, joint, JobParams.defaultStagger(steps),
                        feedback, JobParams.Sampler.DDIM, every);
                batch.admit(new SamplingJob("cost-" + j, conditioning, outputs, params, () -> false));
            }
            long start = System.nanoTime();
            while (!batch.isEmpty()) {
                batch.step(SamplingListener.NONE);
            }
            return new Measured((System.nanoTime() - start) / 1e6, batch.networkCalls(), batch.networkTime());
        }
    }
}

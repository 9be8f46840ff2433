package dev.codi.lab.bench;

import ai.djl.Device;
import dev.codi.media.Modality;
import dev.codi.model.Conditioning;
import dev.codi.model.Latent;
import dev.codi.model.PromptInput;
import dev.codi.model.SamplingBatch;
import dev.codi.model.SamplingJob;
import dev.codi.model.SamplingListener;
import dev.codi.model.tiny.CodiTinyModel;
import dev.codi.protocol.JobParams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Sampling with the networks of one phase run one after another against at once (two threads),
 * in-process, the same bundle loaded once per arm: wall time per output set, way (joint or
 * independent) and number of jobs, arms alternating within each round, median of the rounds; and
 * whether both arms sampled the same latents, bit for bit. A program that prints a table, not a test.
 */
@Command(name = "networks-at-once", mixinStandardHelpOptions = true,
        description = "Sampling time with a phase's networks run one after another against at once, per output set, way and batch.")
public final class ConcurrentNetworks implements Callable<Integer> {
    @Option(names = "--bundle", defaultValue = "models/codi-tiny")
    Path bundle;

    @Option(names = "--rounds", defaultValue = "5", description = "alternating rounds; the median is printed (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--steps", defaultValue = "50", description = "DDIM steps of every job (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--at-once", defaultValue = "2", description = "networks at once in the second arm (default ${DEFAULT-VALUE})")
    int atOnce;

    @Option(names = "--jobs", split = ",", defaultValue = "1,8", description = "jobs sampled as one batch, comma-separated (default ${DEFAULT-VALUE})")
    List<Integer> jobCounts;

    @Option(names = "--mix", description = "also the mix of ./codi bench (image @10, audio @15, image + audio @10, video @5)")
    boolean mix;

    @Option(names = "--only-mix", description = "the mix alone")
    boolean onlyMix;

    @Override
    public Integer call() {
        List<Set<Modality>> outputSets = List.of(EnumSet.of(Modality.IMAGE), EnumSet.of(Modality.IMAGE, Modality.AUDIO),
                EnumSet.of(Modality.IMAGE, Modality.AUDIO, Modality.VIDEO));
        try (CodiTinyModel oneByOne = CodiTinyModel.load(bundle, Device.cpu(), 1);
             CodiTinyModel concurrent = CodiTinyModel.load(bundle, Device.cpu(), atOnce)) {
            float[] text = oneByOne.encode(new PromptInput.Text("a red circle moving left"));
            Conditioning conditioning = Conditioning.single(Modality.TEXT, text, oneByOne.nullEmbedding(Modality.TEXT));
            run(oneByOne, conditioning, outputSets.get(1), 5, 1, true);                        // warm-up
            run(concurrent, conditioning, outputSets.get(1), 5, 1, true);
            System.out.printf(Locale.ROOT, "%d steps, %d rounds; second arm: %d networks at once%n", steps, rounds, atOnce);
            System.out.println("| outputs | way | jobs | one after another ms | at once ms | at once / one after another | same latents |");
            System.out.println("|---|---|---|---|---|---|---|");
            for (Set<Modality> outputs : onlyMix ? List.<Set<Modality>>of() : outputSets) {
                for (boolean joint : outputs.size() > 1 ? new boolean[] {true, false} : new boolean[] {false}) {
                    for (int jobs : jobCounts) {
                        List<Double> sequential = new ArrayList<>();
                        List<Double> atOnceMillis = new ArrayList<>();
                        boolean same = true;
                        for (int round = 0; round < rounds; round++) {
                            Sampled a = run(oneByOne, conditioning, outputs, steps, jobs, joint);
                            Sampled b = run(concurrent, conditioning, outputs, steps, jobs, joint);
                            sequential.add(a.millis());
                            atOnceMillis.add(b.millis());
                            same &= a.sameLatents(b);
                        }
                        double s = median(sequential);
                        double c = median(atOnceMillis);
                        System.out.printf(Locale.ROOT, "| %s | %s | %d | %.0f | %.0f | %.2f× | %s |%n",
                                outputs.stream().map(Modality::wireName).reduce((x, y) -> x + "+" + y).orElseThrow(),
                                joint ? "joint" : "independent", jobs, s, c, c / s, same ? "yes" : "NO");
                    }
                }
            }
            if (mix || onlyMix) {
                mixedRows(oneByOne, concurrent, conditioning);
            }
        }
        return 0;
    }

    /** The mix of ./codi bench, in-process: image @10, audio @15, image + audio @10 (joint), video @5, cycling. */
    private void mixedRows(CodiTinyModel oneByOne, CodiTinyModel concurrent, Conditioning conditioning) {
        List<Set<Modality>> kinds = List.of(EnumSet.of(Modality.IMAGE), EnumSet.of(Modality.AUDIO),
                EnumSet.of(Modality.IMAGE, Modality.AUDIO), EnumSet.of(Modality.VIDEO));
        int[] kindSteps = {10, 15, 10, 5};
        for (int jobs : jobCounts) {
            List<SamplingJob> batch = new ArrayList<>();
            for (int j = 0; j < jobs; j++) {
                int kind = j % kinds.size();
                JobParams params = new JobParams(kindSteps[kind], JobParams.DEFAULT_GUIDANCE, 0.0, 1000 + j, true,
                        JobParams.defaultStagger(kindSteps[kind]));
                batch.add(new SamplingJob("mix-" + j, conditioning, kinds.get(kind), params, () -> false));
            }
            List<Double> sequential = new ArrayList<>();
            List<Double> atOnceMillis = new ArrayList<>();
            boolean same = true;
            for (int round = 0; round < rounds; round++) {
                Sampled a = timed(oneByOne, batch);
                Sampled b = timed(concurrent, batch);
                sequential.add(a.millis());
                atOnceMillis.add(b.millis());
                same &= a.sameLatents(b);
            }
            double s = median(sequential);
            double c = median(atOnceMillis);
            System.out.printf(Locale.ROOT, "| the bench's mix | joint | %d | %.0f | %.0f | %.2f× | %s |%n", jobs, s, c, c / s, same ? "yes" : "NO");
        }
    }

    private static Sampled timed(CodiTinyModel model, List<SamplingJob> batch) {
        long start = System.nanoTime();
        List<Map<Modality, Latent>> latents = model.sample(batch, SamplingListener.NONE);
        return new Sampled((System.nanoTime() - start) / 1e6, latents);
    }

    record Sampled(double millis, List<Map<Modality, Latent>> latents) {
        boolean sameLatents(Sampled other) {
            for (int j = 0; j < latents.size(); j++) {
                for (Map.Entry<Modality, Latent> entry : latents.get(j).entrySet()) {
                    if (!Arrays.equals(entry.getValue().values(), other.latents.get(j).get(entry.getKey()).values())) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static Sampled run(CodiTinyModel model, Conditioning conditioning, Set<Modality> outputs, int steps, int jobs, boolean joint) {
        List<SamplingJob> batch = new ArrayList<>();
        for (int j = 0; j < jobs; j++) {
            JobParams params = new JobParams(steps, JobParams.DEFAULT_GUIDANCE, 0.0, 100 + j, joint, JobParams.defaultStagger(steps));
            batch.add(new SamplingJob("concurrent-" + j, conditioning, outputs, params, () -> false));
        }
        return timed(model, batch);
    }
}

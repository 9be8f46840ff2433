package dev.codi.lab.bench;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import dev.codi.media.Modality;
import dev.codi.model.Conditioning;
import dev.codi.model.PromptInput;
import dev.codi.model.SamplingJob;
import dev.codi.model.SamplingListener;
import dev.codi.model.tiny.CodiTinyModel;
import dev.codi.protocol.JobParams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Sampling time with PyTorch's intra-op threads set to each of several counts (at::set_num_threads,
 * changed between runs of one process), the arms alternating within each round, median of the
 * rounds, per output set and batch. A program that prints a table, not a test.
 */
@Command(name = "intra-op-threads", mixinStandardHelpOptions = true,
        description = "Sampling time per PyTorch intra-op thread count, arms alternating in one process.")
public final class IntraOpThreads implements Callable<Integer> {
    @Option(names = "--bundle", defaultValue = "models/codi-tiny")
    Path bundle;

    @Option(names = "--rounds", defaultValue = "5")
    int rounds;

    @Option(names = "--steps", defaultValue = "20")
    int steps;

    @Option(names = "--threads", split = ",", defaultValue = "2,1", description = "intra-op thread counts; the first is the reference")
    List<Integer> threads;

    @Option(names = "--jobs", split = ",", defaultValue = "1,8,32")
    List<Integer> jobCounts;

    @Option(names = "--at-once", defaultValue = "2", description = "networks of one phase at once")
    int atOnce;

    @Override
    public Integer call() {
        List<Set<Modality>> outputSets = List.of(EnumSet.of(Modality.IMAGE), EnumSet.of(Modality.IMAGE, Modality.AUDIO),
                EnumSet.of(Modality.IMAGE, Modality.AUDIO, Modality.VIDEO));
        try (CodiTinyModel model = CodiTinyModel.load(bundle, Device.cpu(), atOnce)) {
            float[] text = model.encode(new PromptInput.Text("a red circle moving left"));
            Conditioning conditioning = Conditioning.single(Modality.TEXT, text, model.nullEmbedding(Modality.TEXT));
            for (int count : threads) {                                                         // warm-up
                JniUtils.setNumThreads(count);
                sample(model, conditioning, outputSets.get(1), 5, 1);
            }
            System.out.printf(Locale.ROOT, "%d steps, %d rounds, %d networks at once; intra-op threads %s%n", steps, rounds, atOnce, threads);
            StringBuilder header = new StringBuilder("| outputs | jobs |");
            threads.forEach(count -> header.append(' ').append(count).append(" thread(s) ms |"));
            threads.subList(1, threads.size()).forEach(count -> header.append(' ').append(count).append(" / ").append(threads.get(0)).append(" |"));
            System.out.println(header);
            System.out.println("|---".repeat(2 + 2 * threads.size() - 1) + "|");
            for (Set<Modality> outputs : outputSets) {
                for (int jobs : jobCounts) {
                    List<List<Double>> millis = new ArrayList<>();
                    threads.forEach(count -> millis.add(new ArrayList<>()));
                    for (int round = 0; round < rounds; round++) {
                        for (int arm = 0; arm < threads.size(); arm++) {
                            JniUtils.setNumThreads(threads.get(arm));
                            millis.get(arm).add(sample(model, conditioning, outputs, steps, jobs));
                        }
                    }
                    StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %d |",
                            outputs.stream().map(Modality::wireName).reduce((x, y) -> x + "+" + y).orElseThrow(), jobs));
                    List<Double> medians = millis.stream().map(IntraOpThreads::median).toList();
                    medians.forEach(m -> row.append(String.format(Locale.ROOT, " %.0f |", m)));
                    medians.subList(1, medians.size()).forEach(m -> row.append(String.format(Locale.ROOT, " %.2f× |", m / medians.get(0))));
                    System.out.println(row);
                }
            }
        }
        return 0;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static double sample(CodiTinyModel model, Conditioning conditioning, Set<Modality> outputs, int steps, int jobs) {
        List<SamplingJob> batch = new ArrayList<>();
        for (int j = 0; j < jobs; j++) {
            JobParams params = new JobParams(steps, JobParams.DEFAULT_GUIDANCE, 0.0, 100 + j, true, JobParams.defaultStagger(steps));
            batch.add(new SamplingJob("threads-" + j, conditioning, outputs, params, () -> false));
        }
        long start = System.nanoTime();
        model.sample(batch, SamplingListener.NONE);
        return (System.nanoTime() - start) / 1e6;
    }
}

package dev.codi.lab.device;

import dev.codi.media.Modality;
import dev.codi.model.Conditioning;
import dev.codi.model.Latent;
import dev.codi.model.PromptInput;
import dev.codi.model.SamplingJob;
import dev.codi.model.SamplingListener;
import dev.codi.protocol.JobParams;
import dev.codi.model.tiny.CodiTinyBundle;
import dev.codi.model.tiny.CodiTinyModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** Prints how long joint sampling and decoding take on this machine (a program, not a test). */
@Command(name = "benchmark-sampling", mixinStandardHelpOptions = true,
        description = "Times a joint image+audio+video DDIM sampling with CFG on a codi-tiny bundle.")
public final class BenchmarkSampling implements Callable<Integer> {
    @Option(names = "--bundle", description = "bundle directory (default: a fresh random bundle in a temporary directory)")
    Path bundle;

    @Option(names = "--steps", defaultValue = "50")
    int steps;

    @Option(names = "--batch", split = ",", defaultValue = "1,4")
    int[] batchSizes;

    @Option(names = "--repeats", defaultValue = "3")
    int repeats;

    @Override
    public Integer call() throws Exception {
        Path directory = bundle;
        if (directory == null) {
            directory = Files.createTempDirectory("codi-tiny-bench");
            CodiTinyBundle.createRandom(directory, 1);
        }
        try (CodiTinyModel model = CodiTinyModel.load(directory)) {
            System.out.printf("device %s%n", model.device());
            model.networks().byName().forEach((name, block) -> System.out.printf("  %-18s %,9d parameters%n", name, block.parameterCount()));
            float[] text = model.encode(new PromptInput.Text("a red circle moving left"));
            Conditioning conditioning = Conditioning.single(Modality.TEXT, text, model.nullEmbedding(Modality.TEXT));
            Set<Modality> outputs = Set.of(Modality.IMAGE, Modality.AUDIO, Modality.VIDEO);
            for (int batchSize : batchSizes) {
                List<SamplingJob> jobs = new ArrayList<>();
                for (int j = 0; j < batchSize; j++) {
                    jobs.add(new SamplingJob("job-" + j, conditioning, outputs,
                            new JobParams(steps, 7.5, 0.0, j, true), () -> false));
                }
                double median = SamplingTimes.medianSeconds(model, jobs, repeats);
                System.out.printf("joint image+audio+video, %d steps, CFG, batch %d: median %.3f s (%.3f s per job)%n",
                        steps, batchSize, median, median / batchSize);
            }
            List<Map<Modality, Latent>> one = model.sample(List.of(new SamplingJob("decode", conditioning,
                    Set.of(Modality.TEXT, Modality.IMAGE, Modality.AUDIO, Modality.VIDEO), new JobParams(5, 7.5, 0, 0, true), () -> false)),
                    SamplingListener.NONE);
            for (Modality modality : Modality.values()) {
                model.decode(modality, one.get(0).get(modality));
                long start = System.nanoTime();
                model.decode(modality, one.get(0).get(modality));
                System.out.printf("decode %-5s %.1f ms%n", modality.wireName(), (System.nanoTime() - start) / 1e6);
            }
        }
        return 0;
    }
}

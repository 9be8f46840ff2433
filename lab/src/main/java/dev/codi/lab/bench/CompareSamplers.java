package dev.codi.lab.bench;

import dev.codi.evaluation.Seeds;
import dev.codi.evaluation.Splits;
import dev.codi.evaluation.scoring.Artifacts;
import dev.codi.evaluation.scoring.Attribute;
import dev.codi.evaluation.scoring.AttributeScore;
import dev.codi.evaluation.scoring.WorldRendering;
import dev.codi.media.Modality;
import dev.codi.model.Conditioning;
import dev.codi.model.GeneratedMedia;
import dev.codi.model.Latent;
import dev.codi.model.SamplingJob;
import dev.codi.model.SamplingListener;
import dev.codi.model.tiny.CodiTinyModel;
import dev.codi.protocol.JobParams;
import dev.codi.world.Attributes;
import dev.codi.world.Combination;
import dev.codi.world.WorldGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Samples the same text → image jobs with several (sampler, steps) settings and judges the images with
 * the world's analytic judge: attribute accuracy, agreement with the first setting (judgement and image
 * latent), seconds per job.
 * A program that prints a table, not a test.
 */
@Command(name = "compare-samplers", mixinStandardHelpOptions = true,
        description = "Judges text → image jobs sampled with DDIM and DPM-Solver++ at several step counts.")
public final class CompareSamplers implements Callable<Integer> {
    @Option(names = "--bundle", defaultValue = "models/codi-tiny")
    Path bundle;

    @Option(names = "--jobs", defaultValue = "16", description = "jobs per setting, half held-in, half held-out")
    int jobs;

    @Option(names = "--batch", defaultValue = "8")
    int batch;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--settings", split = ",", defaultValue = "ddim:50,dpmsolver++:10,dpmsolver++:15,dpmsolver++:20",
            description = "sampler:steps, the first is the reference for agreement")
    List<String> settings;

    @Override
    public Integer call() {
        WorldGenerator world = new WorldGenerator();
        Set<Attribute> scored = Attribute.carriedByBoth(Modality.TEXT, Modality.IMAGE);
        try (CodiTinyModel model = CodiTinyModel.load(bundle)) {
            List<Combination> truths = new ArrayList<>();
            List<Conditioning> conditionings = new ArrayList<>();
            for (Splits split : List.of(Splits.HELD_IN, Splits.HELD_OUT)) {
                for (int k = 0; k < jobs / 2; k++) {
                    Combination combination = split.pick(seed, "samplers", k);
                    GeneratedMedia caption = WorldRendering.render(world, combination, Modality.TEXT,
                            Seeds.random(seed, "samplers/caption/" + split.label(), k));
                    float[] text = model.encode(Artifacts.asInput(caption));
                    truths.add(combination);
                    conditionings.add(Conditioning.single(Modality.TEXT, text, model.nullEmbedding(Modality.TEXT)));
                }
            }
            sample(model, conditionings, JobParams.Sampler.DDIM, 2, new ArrayList<>());  // warm-up
            System.out.printf("%d text → image jobs (%s), batches of %d, scored on %s, device %s%n", truths.size(),
                    "half held-in, half held-out", batch, scored, model.device());
            System.out.println("| sampler | steps | attributes right | whole image right | same judgement as " + settings.get(0)
                    + " | latent RMS distance to " + settings.get(0) + " | s per job |");
            System.out.println("|---|---|---|---|---|---|---|");
            List<Attributes> reference = null;
            List<float[]> referenceLatents = null;
            for (String setting : settings) {
                String[] parts = setting.split(":");
                JobParams.Sampler sampler = JobParams.Sampler.fromWireName(parts[0]);
                int steps = Integer.parseInt(parts[1]);
                long start = System.nanoTime();
                List<float[]> latents = new ArrayList<>();
                List<GeneratedMedia> images = sample(model, conditionings, sampler, steps, latents);
                double secondsPerJob = (System.nanoTime() - start) / 1e9 / images.size();
                AttributeScore score = new AttributeScore();
                List<Attributes> judged = new ArrayList<>();
                for (int i = 0; i < images.size(); i++) {
                    Attributes judgement = Attribute.restrict(Artifacts.judge(images.get(i)), scored);
                    judged.add(judgement);
                    score.add(truths.get(i).toAttributes(), judgement, scored);
                }
                if (reference == null) {
                    reference = judged;
                    referenceLatents = latents;
                }
                double squares = 0;                                                      // ‖z − z_ref‖² over all jobs
                long count = 0;
                for (int i = 0; i < latents.size(); i++) {
                    for (int j = 0; j < latents.get(i).length; j++) {
                        double difference = latents.get(i)[j] - referenceLatents.get(i)[j];
                        squares += difference * difference;
                        count++;
                    }
                }
                int same = 0;
                for (int i = 0; i < judged.size(); i++) {
                    same += judged.get(i).equals(reference.get(i)) ? 1 : 0;
                }
                System.out.printf("| %s | %d | %s (%s) | %s (%s) | %d/%d | %.4f | %.3f |%n", sampler.wireName(), steps,
                        score.attributes().percent(), score.attributes(), score.wholeOutputs().percent(), score.wholeOutputs(),
                        same, judged.size(), Math.sqrt(squares / count), secondsPerJob);
            }
        }
        return 0;
    }

    /** Fills {@code latents} with each job's image latent and returns the decoded images. */
    private List<GeneratedMedia> sample(CodiTinyModel model, List<Conditioning> conditionings, JobParams.Sampler sampler, int steps,
                                        List<float[]> latents) {
        List<GeneratedMedia> images = new ArrayList<>();
        for (int from = 0; from < conditionings.size(); from += batch) {
            List<SamplingJob> chunk = new ArrayList<>();
            for (int i = from; i < Math.min(conditionings.size(), from + batch); i++) {
                JobParams params = new JobParams(steps, JobParams.DEFAULT_GUIDANCE, 0.0, Seeds.of(seed, "samplers/noise", i), false,
                        0, JobParams.DEFAULT_FEEDBACK, sampler);
                chunk.add(new SamplingJob("job-" + i, conditionings.get(i), Set.of(Modality.IMAGE), params, () -> false));
            }
            for (Map<Modality, Latent> job : model.sample(chunk, SamplingListener.NONE)) {
                latents.add(job.get(Modality.IMAGE).values());
                images.add(model.decode(Modality.IMAGE, job.get(Modality.IMAGE)));
            }
        }
        return images;
    }
}

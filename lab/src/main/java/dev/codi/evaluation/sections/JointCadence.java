package dev.codi.evaluation.sections;

import dev.codi.evaluation.EvaluationContext;
import dev.codi.evaluation.Progress;
import dev.codi.evaluation.Settings;
import dev.codi.evaluation.scoring.Attribute;
import dev.codi.evaluation.scoring.Tally;
import dev.codi.media.Modality;
import dev.codi.model.GeneratedMedia;
import dev.codi.model.Latent;
import dev.codi.model.SamplingJob;
import dev.codi.model.SamplingListener;
import dev.codi.model.tiny.CodiTinyModel;
import dev.codi.protocol.JobParams;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The report's joint-coherence jobs ({@link JointCoherence#jobs}: the same prompts, conditionings and
 * noise seeds, the same two judges) sampled only the ways asked for: {@code indep} or joint with the
 * shared space read every k-th step ({@code JobParams#feedbackEvery}). A lab program in the section's
 * package (it reads the section's package-private jobs and tallies); it prints a table, it is not a test.
 *
 * <p>Arguments: bundle samples seed steps batch way... (way: indep or a feedback_every k)
 */
public final class JointCadence {
    private JointCadence() {
    }

    public static void main(String[] args) {
        Path bundle = Path.of(args[0]);
        int samples = Integer.parseInt(args[1]);
        long seed = Long.parseLong(args[2]);
        int steps = Integer.parseInt(args[3]);
        int batch = Integer.parseInt(args[4]);
        List<String> ways = List.of(args).subList(5, args.length);
        Settings settings = new Settings(samples, steps, JobParams.DEFAULT_GUIDANCE, seed, batch);
        try (CodiTinyModel model = CodiTinyModel.load(bundle)) {
            EvaluationContext context = EvaluationContext.of(model, settings, Progress.silent(), Path.of("/tmp"), null);
            Map<String, double[]> wall = new java.util.LinkedHashMap<>();
            Map<String, Tally> pooled = new java.util.LinkedHashMap<>();
            Map<String, Tally> pooledSecond = new java.util.LinkedHashMap<>();
            System.out.printf("seed %d, %d jobs per output set, %d steps, batch %d, stagger %d, feedback %.1f%n", seed, samples, steps,
                    batch, settings.stagger(), settings.feedback());
            System.out.println("| outputs | way | open attribute | agree | agree, second judge | specified right | wall s |");
            System.out.println("|---|---|---|---|---|---|---|");
            for (Set<Modality> outputs : JointCoherence.OUTPUT_SETS) {
                String name = outputs.stream().map(Modality::wireName).collect(Collectors.joining("+"));
                JointCoherence.Jobs jobs = JointCoherence.jobs(context, outputs);
                for (String way : ways) {
                    long start = System.nanoTime();
                    List<Map<Modality, GeneratedMedia>> results = sample(model, settings, jobs, way);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    wall.computeIfAbsent(way, w -> new double[1])[0] += seconds;
                    JointCoherence.Measure measure = new JointCoherence.Measure();
                    for (int k = 0; k < samples; k++) {
                        measure.add(jobs.prompts().get(k), results.get(k));
                    }
                    for (Attribute attribute : Attribute.values()) {
                        Tally agreement = measure.agreement(attribute);
                        if (agreement.counted() == 0) {
                            continue;
                        }
                        pooled.computeIfAbsent(way, w -> new Tally()).addAll(agreement);
                        pooledSecond.computeIfAbsent(way, w -> new Tally()).addAll(measure.secondJudgeAgreement(attribute));
                        System.out.printf(Locale.ROOT, "| %s | %s | %s | %s (%s) | %s (%s) | %s | %.1f |%n", name, way, attribute.word(),
                                agreement.percent(), agreement, measure.secondJudgeAgreement(attribute).percent(),
                                measure.secondJudgeAgreement(attribute), measure.specified.attributes().percent(), seconds);
                    }
                }
            }
            for (String way : ways) {
                System.out.printf(Locale.ROOT, "all sets, %s: agree %s (%s), second judge %s (%s), wall %.1f s%n", way,
                        pooled.get(way).percent(), pooled.get(way), pooledSecond.get(way).percent(), pooledSecond.get(way),
                        wall.get(way)[0]);
            }
        }
    }

    private static List<Map<Modality, GeneratedMedia>> sample(CodiTinyModel model, Settings settings, JointCoherence.Jobs jobs,
                                                              String way) {
        boolean joint = !way.equals("indep");
        int every = joint ? Integer.parseInt(way) : 1;
        List<Map<Modality, GeneratedMedia>> results = new ArrayList<>();
        int samples = jobs.prompts().size();
        for (int from = 0; from < samples; from += settings.batchSize()) {
            List<SamplingJob> chunk = new ArrayList<>();
            for (int k = from; k < Math.min(samples, from + settings.batchSize()); k++) {
                JobParams params = new JobParams(settings.steps(), settings.guidance(), 0.0, jobs.noiseSeeds().get(k), joint,
                        settings.stagger(), settings.feedback(), JobParams.Sampler.DDIM, every);
                chunk.add(new SamplingJob("cadence-" + k, jobs.conditionings().get(k), jobs.outputs(), params, () -> false));
            }
            for (Map<Modality, Latent> latents : model.sample(chunk, SamplingListener.NONE)) {
                Map<Modality, GeneratedMedia> decoded = new EnumMap<>(Modality.class);
                latents.forEach((modality, latent) -> decoded.put(modality, model.decode(modality, latent)));
                results.add(decoded);
            }
        }
        return results;
    }
}

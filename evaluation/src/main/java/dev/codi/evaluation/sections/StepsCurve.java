package dev.codi.evaluation.sections;

import dev.codi.evaluation.BatchSampler;
import dev.codi.evaluation.EvaluationContext;
import dev.codi.evaluation.Markdown;
import dev.codi.evaluation.QualityReport;
import dev.codi.evaluation.SectionResult;
import dev.codi.evaluation.Settings;
import dev.codi.evaluation.pictures.StepsChart;
import dev.codi.evaluation.scoring.Artifacts;
import dev.codi.evaluation.scoring.Attribute;
import dev.codi.evaluation.scoring.AttributeScore;
import dev.codi.evaluation.scoring.Percent;
import dev.codi.evaluation.scoring.Tally;
import dev.codi.media.Modality;
import dev.codi.model.GeneratedMedia;
import dev.codi.protocol.JobParams;
import dev.codi.protocol.JobParams.Sampler;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Accuracy against steps, per sampler: every sampler at every step count samples the same jobs (the same
 * inputs, prompts and noise seeds) of the directions section (all 12 directions, both splits, pooled) and
 * of the joint-coherence section (every output set, sampled jointly as the service does by default); the
 * judge reads them as those sections do. {@link CheapestSetting} then picks the cheapest setting within
 * {@value #TOLERANCE_POINTS} point of DDIM at the most steps on both measures.
 */
public final class StepsCurve {
    public static final String TABLE = "steps";
    public static final List<Integer> STEP_COUNTS = List.of(5, 10, 15, 20, 30, 50);
    public static final double TOLERANCE_POINTS = 1.0;
    public static final String CHART = "steps-curve.png";

    private StepsCurve() {
    }

    /** One setting's figures. */
    record Measured(Sampler sampler, int steps, AttributeScore directions, Tally agreement, Tally specified, double seconds) {
        CheapestSetting.Point point() {
            return new CheapestSetting.Point(sampler, steps, directions.attributes().rate(), agreement.rate());
        }
    }

    public static SectionResult run(EvaluationContext context, List<Sampler> samplers, List<Integer> stepCounts, Path reportDirectory) {
        if (samplers.isEmpty()) {
            throw new IllegalArgumentException("--curve-samplers selects no sampler");
        }
        if (stepCounts.isEmpty() || stepCounts.stream().anyMatch(steps -> steps < 1 || steps > JobParams.MAX_STEPS)) {
            throw new IllegalArgumentException("--curve-steps must list step counts within [1, " + JobParams.MAX_STEPS + "], got " + stepCounts);
        }
        List<Directions.Jobs> directionJobs = Directions.directions().stream()
                .map(direction -> Directions.jobs(context, direction[0], direction[1])).toList();
        List<JointCoherence.Jobs> coherenceJobs = JointCoherence.OUTPUT_SETS.stream()
                .map(outputs -> JointCoherence.jobs(context, outputs)).toList();
        List<Measured> curve = new ArrayList<>();
        for (Sampler sampler : samplers.stream().distinct().sorted().toList()) {
            for (int steps : stepCounts.stream().distinct().sorted().toList()) {
                Measured measured = measure(context, context.settings().sampledWith(sampler, steps), directionJobs, coherenceJobs);
                curve.add(measured);
                context.progress().note(String.format(Locale.ROOT, "steps curve: %s %d steps: directions %s (%s), joint agree %s (%s), "
                                + "specified %s, %.1f s", sampler.wireName(), steps, measured.directions().attributes().percent(),
                        measured.directions().attributes(), measured.agreement().percent(), measured.agreement(),
                        measured.specified().percent(), measured.seconds()));
            }
        }
        CheapestSetting.Choice choice = CheapestSetting.choose(curve.stream().map(Measured::point).toList(), TOLERANCE_POINTS);
        Markdown table = table(curve, choice.reference());
        Path chart = context.pictures().resolve(CHART);
        StepsChart.write(curve.stream().map(Measured::point).toList(), choice.reference(), TOLERANCE_POINTS, chart);
        String link = reportDirectory.relativize(chart.toAbsolutePath()).toString().replace('\\', '/');
        return new SectionResult("Accuracy against steps, per sampler", markdown(context, curve, table, choice, link),
                Map.of(TABLE, table));
    }

    private static Measured measure(EvaluationContext context, Settings settings, List<Directions.Jobs> directionJobs,
                                    List<JointCoherence.Jobs> coherenceJobs) {
        BatchSampler sampler = new BatchSampler(context.model(), settings, context.progress());
        String label = settings.sampler().wireName() + "-" + settings.steps() + " ";
        long start = System.nanoTime();
        AttributeScore directions = new AttributeScore();
        for (Directions.Jobs jobs : directionJobs) {
            Set<Attribute> scored = Attribute.carriedByBoth(jobs.input(), jobs.output());
            List<Map<Modality, GeneratedMedia>> outputs = sampler.run(label + jobs.input().wireName() + "→" + jobs.output().wireName(),
                    jobs.requests());
            for (int i = 0; i < outputs.size(); i++) {
                directions.add(jobs.truths().get(i).toAttributes(), Artifacts.judge(outputs.get(i).get(jobs.output())), scored);
            }
        }
        Tally agreement = new Tally();
        Tally specified = new Tally();
        for (JointCoherence.Jobs jobs : coherenceJobs) {
            List<BatchSampler.Request> requests = new ArrayList<>();
            for (int k = 0; k < jobs.prompts().size(); k++) {
                requests.add(JointCoherence.Way.JOINT.request(jobs.conditionings().get(k), jobs.outputs(), jobs.noiseSeeds().get(k)));
            }
            List<Map<Modality, GeneratedMedia>> outputs = sampler.run(label + String.join("+",
                    jobs.outputs().stream().map(Modality::wireName).sorted().toList()) + " joint", requests);
            JointCoherence.Measure measure = new JointCoherence.Measure();
            for (int k = 0; k < outputs.size(); k++) {
                measure.add(jobs.prompts().get(k), outputs.get(k));
            }
            measure.agreement.values().forEach(agreement::addAll);
            specified.addAll(measure.specified.attributes());
        }
        return new Measured(settings.sampler(), settings.steps(), directions, agreement, specified, (System.nanoTime() - start) / 1e9);
    }

    private static Markdown table(List<Measured> curve, CheapestSetting.Point reference) {
        Markdown table = Markdown.table("sampler", "steps", "directions", "Δ directions", "joint agree", "Δ joint agree",
                "specified right (joint)", "wall", "within " + points(TOLERANCE_POINTS) + " on both");
        for (Measured measured : curve) {
            CheapestSetting.Point point = measured.point();
            boolean within = point.within(reference, TOLERANCE_POINTS);
            table.row(measured.sampler().wireName(), measured.steps(),
                    measured.directions().attributes().percent() + " (" + measured.directions().attributes() + ")",
                    delta(point.directions(), reference.directions()),
                    measured.agreement().percent() + " (" + measured.agreement() + ")",
                    delta(point.coherence(), reference.coherence()),
                    measured.specified().percent(),
                    String.format(Locale.ROOT, "%.1f s", measured.seconds()),
                    point.equals(reference) ? "reference" : within ? "yes" : "no");
        }
        return table;
    }

    private static String markdown(EvaluationContext context, List<Measured> curve, Markdown table, CheapestSetting.Choice choice,
                                   String chart) {
        Settings settings = context.settings();
        CheapestSetting.Point chosen = choice.chosen();
        CheapestSetting.Point reference = choice.reference();
        return """
                Every sampler at every step count samples the same jobs, with the same inputs, prompts and noise \
                seeds: the directions section's %d renderings per split of each of the 12 directions (independent \
                sampling; *directions*: share of the scored attributes right, both splits and all directions pooled) \
                and the joint-coherence section's %d prompts per output set, sampled jointly as the service does by \
                default (staggered by a fifth of the steps, shared-space feedback %s; *joint agree*: share of jobs whose \
                outputs agree on the attribute the prompt left open, every row of that section pooled; *specified \
                right*: as there). Guidance %s, η = 0. *Δ*: percentage points against %s-%d, the reference. *wall*: \
                sampling, decoding and judging of the setting's jobs, one run, noisy. \
                A setting is *within %s* when neither measure falls more than that below the reference's; the \
                cheapest such setting is the one with the fewest steps (every sampler makes one guided denoiser call \
                per step), then DDIM, DPM-Solver++(2M), UniPC.

                %s
                ![accuracy against steps](%s)

                Cheapest within %s of %s-%d on both measures: **%s at %s** (directions %s, joint agree %s). \
                The API's default: %s at %s.
                """.formatted(settings.samples(), settings.samples(), settings.feedback(), settings.guidance(),
                QualityReport.samplerName(reference.sampler()), reference.steps(), points(TOLERANCE_POINTS),
                table.render(), chart, points(TOLERANCE_POINTS), QualityReport.samplerName(reference.sampler()), reference.steps(),
                QualityReport.samplerName(chosen.sampler()), steps(chosen.steps()), Percent.of(chosen.directions()), Percent.of(chosen.coherence()),
                QualityReport.samplerName(JobParams.DEFAULT_SAMPLER), steps(JobParams.DEFAULT_STEPS));
    }

    private static String steps(int steps) {
        return steps == 1 ? "1 step" : steps + " steps";
    }

    private static String delta(double value, double reference) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%+.1f", 100 * (value - reference));
    }

    private static String points(double points) {
        return String.format(Locale.ROOT, "%s point%s", points == Math.rint(points) ? String.valueOf((long) points) : String.valueOf(points),
                points == 1 ? "" : "s");
    }
}

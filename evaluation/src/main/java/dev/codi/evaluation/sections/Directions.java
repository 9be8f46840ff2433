package dev.codi.evaluation.sections;

import dev.codi.evaluation.BatchSampler;
import dev.codi.evaluation.EvaluationContext;
import dev.codi.evaluation.Markdown;
import dev.codi.evaluation.SectionResult;
import dev.codi.evaluation.Seeds;
import dev.codi.evaluation.Splits;
import dev.codi.evaluation.scoring.Artifacts;
import dev.codi.evaluation.scoring.Attribute;
import dev.codi.evaluation.scoring.AttributeScore;
import dev.codi.evaluation.scoring.Percent;
import dev.codi.evaluation.scoring.Tally;
import dev.codi.evaluation.scoring.WorldRendering;
import dev.codi.media.Modality;
import dev.codi.model.GeneratedMedia;
import dev.codi.world.Combination;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The 12 single-input → single-output directions (docs/design.md §8, "direction accuracy"):
 * a world rendering of a combination, through its file format, conditions one output; the
 * output's artifact is judged on the attributes both sides carry.
 */
public final class Directions {
    public static final String TABLE = "directions";

    private Directions() {
    }

    /** The 12 directions, text → image first, in modality order. */
    public static List<Modality[]> directions() {
        List<Modality[]> directions = new ArrayList<>();
        for (Modality input : Modality.values()) {
            for (Modality output : Modality.values()) {
                if (input != output) {
                    directions.add(new Modality[] {input, output});
                }
            }
        }
        return directions;
    }

    /** One direction's jobs: {@code samples} renderings per split, each with its truth and split, in that order. */
    record Jobs(Modality input, Modality output, List<BatchSampler.Request> requests, List<Combination> truths, List<Splits> splits) {
    }

    /** The jobs of the direction input → output, the same for every sampler and step count (the noise seeds included). */
    static Jobs jobs(EvaluationContext context, Modality input, Modality output) {
        long seed = context.settings().seed();
        int samples = context.settings().samples();
        String name = input.wireName() + "→" + output.wireName();
        List<BatchSampler.Request> requests = new ArrayList<>();
        List<Combination> truths = new ArrayList<>();
        List<Splits> splits = new ArrayList<>();
        for (Splits split : List.of(Splits.HELD_IN, Splits.HELD_OUT)) {
            for (int k = 0; k < samples; k++) {
                Combination combination = split.pick(seed, "directions/" + name, k);
                GeneratedMedia rendering = WorldRendering.render(context.world(), combination, input,
                        Seeds.random(seed, "directions/input/" + name + "/" + split.label(), k));
                requests.add(new BatchSampler.Request(context.sampler().condition(Artifacts.asInput(rendering)),
                        Set.of(output), Seeds.of(seed, "directions/noise/" + name + "/" + split.label(), k), false));
                truths.add(combination);
                splits.add(split);
            }
        }
        return new Jobs(input, output, requests, truths, splits);
    }

    public static SectionResult run(EvaluationContext context) {
        int samples = context.settings().samples();
        Markdown table = Markdown.table("direction", "scored", "held-in", "held-out", "chance", "color", "shape", "motion",
                "whole output right");
        Tally heldInMean = new Tally();
        Tally heldOutMean = new Tally();
        for (Modality[] direction : directions()) {
            Modality input = direction[0];
            Modality output = direction[1];
            String name = input.wireName() + "→" + output.wireName();
            Set<Attribute> scored = Attribute.carriedByBoth(input, output);
            Jobs jobs = jobs(context, input, output);
            List<BatchSampler.Request> requests = jobs.requests();
            List<Combination> truths = jobs.truths();
            List<Splits> splits = jobs.splits();
            List<Map<Modality, GeneratedMedia>> outputs = context.sampler().run(name, requests);
            Map<Splits, AttributeScore> scores = new EnumMap<>(Splits.class);
            AttributeScore both = new AttributeScore();
            for (int i = 0; i < outputs.size(); i++) {
                GeneratedMedia media = outputs.get(i).get(output);
                int index = i;
                context.artifactDirectory("directions/" + input.wireName() + "-to-" + output.wireName())
                        .ifPresent(directory -> Artifacts.write(media, directory, String.format("%04d-%s", index,
                                truths.get(index).toString().replace(' ', '-'))));
                var judged = Artifacts.judge(media);
                scores.computeIfAbsent(splits.get(i), s -> new AttributeScore()).add(truths.get(i).toAttributes(), judged, scored);
                both.add(truths.get(i).toAttributes(), judged, scored);
            }
            AttributeScore heldIn = scores.get(Splits.HELD_IN);
            AttributeScore heldOut = scores.get(Splits.HELD_OUT);
            heldInMean.addAll(heldIn.attributes());
            heldOutMean.addAll(heldOut.attributes());
            table.row(name, scored.stream().map(Attribute::word).collect(Collectors.joining("+")),
                    withCount(heldIn), withCount(heldOut), Percent.of(Attribute.meanChance(scored)),
                    both.of(Attribute.COLOR).percent(), both.of(Attribute.SHAPE).percent(), both.of(Attribute.MOTION).percent(),
                    both.wholeOutputs().percent());
        }
        String markdown = """
                Each row: %d world renderings per split of a (color, shape, motion) combination in the input \
                modality, encoded to its file (PNG, WAV, MP4, TXT caption drawn from the generator's templates) and \
                decoded again, condition one output (independent sampling, %d DDIM steps, guidance %s); the output \
                is written to its artifact file and judged. *held-in* / *held-out*: share of the scored attributes \
                right (the attributes both sides carry: images have no motion), over the 82 training and the 14 \
                held-out combinations. *chance*: a uniform guess (color 1/6, shape and motion 1/4). The per-attribute \
                and whole-output columns pool both splits. An attribute the judge cannot tell counts as wrong.

                %s
                All 12 directions pooled: **%s held-in, %s held-out** (targets: ≥ 95 %% held-in, ≥ 85 %% held-out).
                """.formatted(samples, context.settings().steps(), context.settings().guidanceText(), table.render(),
                heldInMean.percent(), heldOutMean.percent());
        return new SectionResult("Directions: single input → single output", markdown, Map.of(TABLE, table));
    }

    private static String withCount(AttributeScore score) {
        return score.attributes().percent() + " (n=" + score.outputs() + ")";
    }
}

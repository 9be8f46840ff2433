package dev.codi.evaluation.sections;

import dev.codi.evaluation.BatchSampler;
import dev.codi.evaluation.EvaluationContext;
import dev.codi.evaluation.Markdown;
import dev.codi.evaluation.SectionResult;
import dev.codi.evaluation.Seeds;
import dev.codi.evaluation.scoring.Artifacts;
import dev.codi.evaluation.scoring.Attribute;
import dev.codi.evaluation.scoring.AttributeScore;
import dev.codi.evaluation.scoring.Percent;
import dev.codi.evaluation.scoring.Tally;
import dev.codi.evaluation.scoring.WorldRendering;
import dev.codi.evaluation.spec.ForeignRendering;
import dev.codi.evaluation.spec.SpecJudge;
import dev.codi.evaluation.spec.SpecRenderer;
import dev.codi.media.Modality;
import dev.codi.model.GeneratedMedia;
import dev.codi.world.Attributes;
import dev.codi.world.Captions;
import dev.codi.world.Combination;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The 12 directions with inputs from a second renderer written from the spec alone (docs/design.md §7.1),
 * beside the same jobs with the generator's inputs: the same combinations and the same noise, so a
 * gap is the model's reading of a rendering the spec allows and its training never showed.
 */
public final class ForeignRenderings {
    public static final String TABLE = "foreign";

    private ForeignRenderings() {
    }

    public static SectionResult run(EvaluationContext context) {
        long seed = context.settings().seed();
        int samples = context.settings().samples();
        SpecRenderer renderer = new SpecRenderer();
        Markdown table = Markdown.table("direction", "scored", "generator's inputs", "foreign inputs", "gap (points)",
                "foreign inputs, second judge", "color", "shape", "motion");
        Map<String, Tally> byChoice = new TreeMap<>();
        Tally ownPooled = new Tally();
        Tally foreignPooled = new Tally();
        Tally wellFormed = new Tally();
        List<String> worstCaptions = new ArrayList<>();
        for (Modality[] direction : Directions.directions()) {
            Modality input = direction[0];
            Modality output = direction[1];
            String name = input.wireName() + "→" + output.wireName();
            Set<Attribute> scored = Attribute.carriedByBoth(input, output);
            List<BatchSampler.Request> requests = new ArrayList<>();
            List<Combination> truths = new ArrayList<>();
            List<ForeignRendering> foreignInputs = new ArrayList<>();
            for (int k = 0; k < samples; k++) {
                Combination combination = Combination.ALL.get(
                        Math.floorMod(Seeds.of(seed, "foreign/combination/" + name, k), Combination.ALL.size()));
                long noise = Seeds.of(seed, "foreign/noise/" + name, k);
                GeneratedMedia own = WorldRendering.render(context.world(), combination, input,
                        Seeds.random(seed, "foreign/own/" + name, k));
                ForeignRendering foreign = renderer.render(combination, input, Seeds.random(seed, "foreign/input/" + name, k));
                requests.add(new BatchSampler.Request(context.sampler().condition(Artifacts.asInput(own)), Set.of(output), noise, false));
                requests.add(new BatchSampler.Request(context.sampler().condition(foreign.asInput()), Set.of(output), noise, false));
                truths.add(combination);
                foreignInputs.add(foreign);
            }
            List<Map<Modality, GeneratedMedia>> outputs = context.sampler().run("foreign " + name, requests);
            AttributeScore own = new AttributeScore();
            AttributeScore foreign = new AttributeScore();
            AttributeScore foreignSecond = new AttributeScore();
            for (int k = 0; k < samples; k++) {
                Attributes truth = truths.get(k).toAttributes();
                GeneratedMedia ownOutput = outputs.get(2 * k).get(output);
                GeneratedMedia foreignOutput = outputs.get(2 * k + 1).get(output);
                own.add(truth, Artifacts.judge(ownOutput), scored);
                Attributes read = Artifacts.judge(foreignOutput);
                foreign.add(truth, read, scored);
                foreignSecond.add(truth, SpecJudge.judge(output, Artifacts.encode(foreignOutput)), scored);
                boolean right = scored.stream().allMatch(a -> a.of(truth) == a.of(read));
                foreignInputs.get(k).choices().forEach((choice, value) ->
                        byChoice.computeIfAbsent(input.wireName() + " | " + choice + " | " + value, key -> new Tally()).add(right));
                for (GeneratedMedia text : List.of(ownOutput, foreignOutput)) {
                    if (text instanceof GeneratedMedia.Text caption) {
                        boolean ok = Captions.isWellFormed(caption.text());
                        wellFormed.add(ok);
                        if (!ok && worstCaptions.size() < 5) {
                            worstCaptions.add("\"" + caption.text() + "\"");
                        }
                    }
                }
            }
            ownPooled.addAll(own.attributes());
            foreignPooled.addAll(foreign.attributes());
            table.row(name, scored.stream().map(Attribute::word).collect(Collectors.joining("+")),
                    own.attributes().percent(), foreign.attributes().percent(),
                    String.format(Locale.ROOT, "%+.1f", 100 * (foreign.attributes().rate() - own.attributes().rate())),
                    foreignSecond.attributes().percent(),
                    foreign.of(Attribute.COLOR).percent(), foreign.of(Attribute.SHAPE).percent(), foreign.of(Attribute.MOTION).percent());
        }
        Markdown choices = Markdown.table("input", "free choice", "value", "outputs fully right", "jobs");
        byChoice.forEach((key, tally) -> {
            String[] parts = key.split(" \\| ");
            choices.row(parts[0], parts[1], parts[2], tally.percent(), tally.counted());
        });
        String markdown = """
                Each row: %d combinations drawn from all 96, each rendered twice in the input modality — once by the \
                project's generator (through the product's own formats, as in the directions section) and once by the \
                spec renderer, a second program written from the spec's table alone (docs/design.md §7.1) that makes \
                other free choices: images with hard or anti-aliased edges at any real-valued position, flat, \
                gradient, striped or grainy backgrounds, PNG or JPEG; videos likewise at 1–2 px per frame, GIF or MP4 \
                at 5–12 fps; audio at 8–48 kHz, −12 to −0.5 dBFS, with linear or exponential ramps from floors up to \
                15 %% and gated or raised-cosine pulses with jittered onsets; captions from any full template, \
                capitalised or not. Both inputs condition one output with the same noise (independent sampling, \
                %d DDIM steps, guidance %s); the output's artifact is read by the project's judge, and the foreign \
                inputs' outputs also by the second judge (`SpecJudge`, its own features and thresholds). Targets: \
                foreign inputs within 2 points of the generator's on every direction, and ≥ 95 %% everywhere.

                %s
                All 12 directions pooled: **%s with the generator's inputs, %s with foreign inputs**. \
                Text outputs that are well-formed captions of the world's grammar: **%s** (n=%d)%s.

                Foreign inputs by the free choice they made (every direction from that input pooled; *outputs fully \
                right*: every scored attribute right, read by the project's judge):

                %s""".formatted(samples, context.settings().steps(), context.settings().guidanceText(), table.render(),
                ownPooled.percent(), foreignPooled.percent(), wellFormed.percent(), wellFormed.counted(),
                worstCaptions.isEmpty() ? "" : "; malformed: " + String.join(", ", worstCaptions), choices.render());
        return new SectionResult("Foreign renderings: the directions with inputs from a second renderer", markdown,
                Map.of(TABLE, table, "foreign-choices", choices));
    }
}

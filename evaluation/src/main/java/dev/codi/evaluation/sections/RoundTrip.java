package dev.codi.evaluation.sections;

import dev.codi.evaluation.EvaluationContext;
import dev.codi.evaluation.Markdown;
import dev.codi.evaluation.SectionResult;
import dev.codi.evaluation.Seeds;
import dev.codi.evaluation.Splits;
import dev.codi.evaluation.scoring.Artifacts;
import dev.codi.evaluation.scoring.Attribute;
import dev.codi.evaluation.scoring.AttributeScore;
import dev.codi.evaluation.scoring.Percent;
import dev.codi.evaluation.scoring.WorldRendering;
import dev.codi.media.Modality;
import dev.codi.model.GeneratedMedia;
import dev.codi.model.PromptInput;
import dev.codi.world.Combination;
import me.tongfei.progressbar.ProgressBar;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The autoencoders alone (docs/design.md §8): a world rendering, through its file, is encoded to its latent
 * (the mean, scaled as the denoisers see it) and decoded again; the judge reads the result. This
 * is the ceiling of every direction into that modality: sampling cannot beat its decoder.
 */
public final class RoundTrip {
    public static final String TABLE = "roundtrip";

    private RoundTrip() {
    }

    public static SectionResult run(EvaluationContext context) {
        long seed = context.settings().seed();
        int samples = context.settings().samples();
        Markdown table = Markdown.table("modality", "scored", "held-in", "held-out", "chance", "whole output right");
        try (ProgressBar bar = context.progress().bar("round trip", 4L * 2 * samples, "samples")) {
            for (Modality modality : Modality.values()) {
                Set<Attribute> scored = Attribute.carriedBy(modality);
                AttributeScore heldIn = new AttributeScore();
                AttributeScore heldOut = new AttributeScore();
                AttributeScore both = new AttributeScore();
                for (Splits split : List.of(Splits.HELD_IN, Splits.HELD_OUT)) {
                    for (int k = 0; k < samples; k++) {
                        Combination combination = split.pick(seed, "roundtrip/" + modality.wireName(), k);
                        GeneratedMedia rendering = WorldRendering.render(context.world(), combination, modality,
                                Seeds.random(seed, "roundtrip/" + modality.wireName() + "/" + split.label(), k));
                        PromptInput input = Artifacts.asInput(rendering);
                        GeneratedMedia decoded = context.model().decode(modality, context.model().toLatent(input));
                        var judged = Artifacts.judge(decoded);
                        (split == Splits.HELD_IN ? heldIn : heldOut).add(combination.toAttributes(), judged, scored);
                        both.add(combination.toAttributes(), judged, scored);
                        bar.step();
                    }
                }
                table.row(modality.wireName(), scored.stream().map(Attribute::word).collect(Collectors.joining("+")),
                        heldIn.attributes().percent(), heldOut.attributes().percent(),
                        Percent.of(Attribute.meanChance(scored)), both.wholeOutputs().percent());
            }
        }
        String markdown = """
                %d world renderings per modality and split, through their files, encoded to the autoencoder's latent \
                mean and decoded (text: the most likely caption of the world's grammar; audio: Griffin-Lim), written to the artifact and judged. \
                Video uses the image autoencoder per frame.

                %s""".formatted(samples, table.render());
        return new SectionResult("Autoencoder round trip", markdown, Map.of(TABLE, table));
    }
}

package dev.codi.evaluation.sections;

import dev.codi.evaluation.Seeds;
import dev.codi.evaluation.Splits;
import dev.codi.evaluation.scoring.Attribute;
import dev.codi.evaluation.scoring.Coherence;
import dev.codi.media.Modality;
import dev.codi.world.Attributes;
import dev.codi.world.Combination;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The under-specified prompts of docs/design.md §8: "a red shape moving left" (shape open), "something green"
 * (shape and motion open), "a circle" (color and motion open), "a blue square" (motion open),
 * "something moving up" (color and shape open). Values are drawn per job from a seeded walk over
 * the 96 combinations.
 */
final class UnderSpecifiedPrompts {
    static final List<Set<Attribute>> PATTERNS = List.of(
            EnumSet.of(Attribute.COLOR, Attribute.MOTION),
            EnumSet.of(Attribute.COLOR),
            EnumSet.of(Attribute.SHAPE),
            EnumSet.of(Attribute.COLOR, Attribute.SHAPE),
            EnumSet.of(Attribute.MOTION));

    private UnderSpecifiedPrompts() {
    }

    /** The patterns that leave open at least one attribute two of {@code outputs} carry. */
    static List<Set<Attribute>> patternsFor(Set<Modality> outputs) {
        Attributes probe = Combination.ALL.get(0).toAttributes();
        return PATTERNS.stream().filter(p -> !Coherence.measured(Attribute.restrict(probe, p), outputs).isEmpty()).toList();
    }

    /** The prompt attributes of job {@code k}: patterns in turn, values from a seeded walk. */
    static Attributes prompt(long seed, String tag, Set<Modality> outputs, int k) {
        List<Set<Attribute>> patterns = patternsFor(outputs);
        Combination values = Splits.ALL.pick(seed, tag, k);
        return Attribute.restrict(values.toAttributes(), patterns.get(k % patterns.size()));
    }

    static long noiseSeed(long seed, String tag, int k) {
        return Seeds.of(seed, tag + "/noise", k);
    }
}

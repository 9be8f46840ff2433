package dev.codi.evaluation.scoring;

import dev.codi.media.Modality;
import dev.codi.world.Attributes;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Joint coherence (docs/design.md §8, CoDi's central claim): for an under-specified prompt, do the outputs
 * generated together agree on what the prompt left open? An attribute is measured when the prompt
 * does not specify it and at least two of the outputs carry it; the outputs agree when every one
 * of them that carries it was judged to have the same, known value. An unknown reading is a
 * disagreement, so unreadable noise never counts as agreement.
 */
public final class Coherence {
    private Coherence() {
    }

    /** The attributes coherence is measured on for a prompt and a set of outputs. */
    public static Set<Attribute> measured(Attributes prompt, Set<Modality> outputs) {
        Set<Attribute> measured = EnumSet.noneOf(Attribute.class);
        for (Attribute attribute : Attribute.values()) {
            long carriers = outputs.stream().filter(m -> Attribute.carriedBy(m).contains(attribute)).count();
            if (attribute.of(prompt) == null && carriers >= 2) {
                measured.add(attribute);
            }
        }
        return measured;
    }

    /** Per measured attribute: whether the judged outputs agree on it. */
    public static Map<Attribute, Boolean> agreement(Attributes prompt, Map<Modality, Attributes> judged) {
        Map<Attribute, Boolean> agreement = new EnumMap<>(Attribute.class);
        for (Attribute attribute : measured(prompt, judged.keySet())) {
            Object common = null;
            boolean agree = true;
            for (Map.Entry<Modality, Attributes> output : judged.entrySet()) {
                if (!Attribute.carriedBy(output.getKey()).contains(attribute)) {
                    continue;
                }
                Object value = attribute.of(output.getValue());
                if (value == null || (common != null && common != value)) {
                    agree = false;
                    break;
                }
                common = value;
            }
            agreement.put(attribute, agree);
        }
        return agreement;
    }

    /** Chance that {@code carriers} independent uniform outputs agree on an attribute: (1/n)^(k−1). */
    public static double chance(Attribute attribute, int carriers) {
        return Math.pow(attribute.chance(), carriers - 1);
    }

    /** How many of {@code outputs} carry {@code attribute}. */
    public static int carriers(Attribute attribute, Set<Modality> outputs) {
        return (int) outputs.stream().filter(m -> Attribute.carriedBy(m).contains(attribute)).count();
    }
}

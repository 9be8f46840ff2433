package dev.codi.evaluation.scoring;

import dev.codi.world.Attributes;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * Attribute accuracy of a set of outputs (docs/design.md §8, "direction accuracy": the share of the scored
 * attributes the output gets right). An attribute the judge could not tell counts as wrong.
 */
public final class AttributeScore {
    private final Map<Attribute, Tally> perAttribute = new EnumMap<>(Attribute.class);
    private final Tally attributes = new Tally();
    private final Tally wholeOutputs = new Tally();

    /**
     * Scores one output: each attribute in {@code scored} is right when {@code judged} has the value
     * {@code truth} has.
     */
    public void add(Attributes truth, Attributes judged, Set<Attribute> scored) {
        boolean allRight = true;
        for (Attribute attribute : scored) {
            Object expected = attribute.of(truth);
            if (expected == null) {
                throw new IllegalArgumentException("truth " + truth + " does not specify the scored attribute " + attribute.word());
            }
            boolean right = expected == attribute.of(judged);
            perAttribute.computeIfAbsent(attribute, a -> new Tally()).add(right);
            attributes.add(right);
            allRight &= right;
        }
        wholeOutputs.add(allRight);
    }

    /** Share of scored attributes right, over every output and attribute. */
    public Tally attributes() {
        return attributes;
    }

    /** Share of outputs with every scored attribute right. */
    public Tally wholeOutputs() {
        return wholeOutputs;
    }

    /** Accuracy of one attribute; an empty tally when it was never scored. */
    public Tally of(Attribute attribute) {
        return perAttribute.getOrDefault(attribute, new Tally());
    }

    public int outputs() {
        return wholeOutputs.counted();
    }
}

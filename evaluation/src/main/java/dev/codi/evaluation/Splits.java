package dev.codi.evaluation;

import dev.codi.world.Combination;
import dev.codi.world.HeldOutCombinations;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Held-in (the 82 combinations training may use) and held-out (the 14 it never sees, docs/design.md §7
 * "generalisation"). Samples walk a seeded shuffle of a split, so N samples cover its combinations
 * evenly.
 */
public enum Splits {
    HELD_IN("held-in"),
    HELD_OUT("held-out"),
    /** All 96, for measures where the split is not the question (coherence, pictures). */
    ALL("all");

    private final String label;

    Splits(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public List<Combination> combinations() {
        return switch (this) {
            case HELD_IN -> HeldOutCombinations.training();
            case HELD_OUT -> List.copyOf(HeldOutCombinations.heldOut());
            case ALL -> Combination.ALL;
        };
    }

    /** The combination of sample {@code k}: a walk through a shuffle of the split seeded by (seed, tag). */
    public Combination pick(long seed, String tag, int k) {
        List<Combination> order = new ArrayList<>(combinations());
        int round = k / order.size();
        Collections.shuffle(order, Seeds.random(seed, tag + "/" + label, round));
        return order.get(k % order.size());
    }
}

package dev.codi.world;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The (color, shape, motion) combinations kept out of training, to measure generalisation
 * (docs/design.md §7). The committed resource {@value #RESOURCE} is the contract; {@link #select} is how it
 * was made, and a test checks the two agree. Run {@link #main} to print the file again.
 */
public final class HeldOutCombinations {
    public static final String RESOURCE = "/dev/codi/world/held-out-combinations.txt";
    /** CoDi's arXiv number (2305.11846), as a fixed seed nobody picked to suit the result. */
    public static final long SEED = 2305_11846L;
    /** About 15 % of the 96 combinations. */
    public static final int COUNT = 14;

    private HeldOutCombinations() {
    }

    /** The held-out combinations, sorted in {@link Combination#ALL} order. */
    public static Set<Combination> heldOut() {
        return Loaded.HELD_OUT;
    }

    public static boolean isHeldOut(Combination combination) {
        return Loaded.HELD_OUT.contains(combination);
    }

    /** The 82 combinations training may use, in {@link Combination#ALL} order. */
    public static List<Combination> training() {
        return Combination.ALL.stream().filter(c -> !Loaded.HELD_OUT.contains(c)).toList();
    }

    /**
     * Shuffles all 96 combinations with {@code new Random(seed)} and holds out each in turn unless
     * that would remove the last training example of one of its pairs (color–shape, color–motion,
     * shape–motion), until {@code count} are held out. Every single value and every pair of values
     * therefore still appears in training; only the triple is new.
     */
    public static List<Combination> select(long seed, int count) {
        List<Combination> order = new ArrayList<>(Combination.ALL);
        Collections.shuffle(order, new Random(seed));
        List<Combination> heldOut = new ArrayList<>();
        for (Combination candidate : order) {
            if (heldOut.size() == count) {
                break;
            }
            heldOut.add(candidate);
            if (!everyPairTrained(heldOut)) {
                heldOut.remove(heldOut.size() - 1);
            }
        }
        if (heldOut.size() < count) {
            throw new IllegalArgumentException("cannot hold out " + count + " combinations and keep every pair");
        }
        Collections.sort(heldOut);
        return List.copyOf(heldOut);
    }

    /** True when every pair of attribute values occurs in at least one combination not held out. */
    public static boolean everyPairTrained(List<Combination> heldOut) {
        Set<String> trainedPairs = new TreeSet<>();
        for (Combination c : Combination.ALL) {
            if (!heldOut.contains(c)) {
                trainedPairs.addAll(pairs(c));
            }
        }
        int expected = Color.values().length * Shape.values().length
                + Color.values().length * Motion.values().length
                + Shape.values().length * Motion.values().length;
        return trainedPairs.size() == expected;
    }

    private static List<String> pairs(Combination c) {
        return List.of("cs:" + c.color() + c.shape(), "cm:" + c.color() + c.motion(), "sm:" + c.shape() + c.motion());
    }

    /** The resource file's text for a selection, header included. */
    public static String render(List<Combination> heldOut) {
        StringBuilder text = new StringBuilder()
                .append("# Combinations held out of codi-tiny's training (docs/design.md §7: generalisation).\n")
                .append("# Chosen by dev.codi.world.HeldOutCombinations.select(seed = ").append(SEED)
                .append(", count = ").append(COUNT).append("):\n")
                .append("# shuffle all 96 with java.util.Random(seed), hold out in that order while every\n")
                .append("# color-shape, color-motion and shape-motion pair keeps a training example.\n")
                .append("# Regenerate: java -cp <world classpath> dev.codi.world.HeldOutCombinations\n")
                .append("# One 'color shape motion' per line.\n");
        for (Combination combination : heldOut) {
            text.append(combination).append('\n');
        }
        return text.toString();
    }

    /** Parses the resource format: '#' starts a comment line, blank lines are ignored. */
    public static List<Combination> parse(String text) {
        List<Combination> combinations = new ArrayList<>();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                combinations.add(Combination.parse(trimmed));
            }
        }
        return combinations;
    }

    public static String readResource() {
        try (InputStream in = HeldOutCombinations.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** Loaded on first use, so {@link #main} can print the file before it exists. */
    private static final class Loaded {
        static final Set<Combination> HELD_OUT = Collections.unmodifiableSet(new TreeSet<>(parse(readResource())));
    }

    /** Prints the resource file for {@link #SEED} and {@link #COUNT}. */
    public static void main(String[] args) {
        System.out.print(render(select(SEED, COUNT)));
    }
}

package dev.codi.world;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** One of the 6 × 4 × 4 = 96 fully specified (color, shape, motion) combinations. */
public record Combination(Color color, Shape shape, Motion motion) implements Comparable<Combination> {

    /** Every combination, in enum order (color slowest, motion fastest). */
    public static final List<Combination> ALL = enumerate();

    public Combination {
        Objects.requireNonNull(color, "color");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(motion, "motion");
    }

    public Attributes toAttributes() {
        return new Attributes(color, shape, motion);
    }

    /** Index in {@link #ALL}, 0..95. */
    public int index() {
        return (color.ordinal() * Shape.values().length + shape.ordinal()) * Motion.values().length
                + motion.ordinal();
    }

    /** Parses the {@code "color shape motion"} form of {@link #toString()}. */
    public static Combination parse(String text) {
        String[] words = text.trim().split("\\s+");
        if (words.length != 3) {
            throw new IllegalArgumentException("expected 'color shape motion', got '" + text + "'");
        }
        return new Combination(
                Color.fromWord(words[0]).orElseThrow(() -> unknown("color", words[0])),
                Shape.fromWord(words[1]).orElseThrow(() -> unknown("shape", words[1])),
                Motion.fromWord(words[2]).orElseThrow(() -> unknown("motion", words[2])));
    }

    private static IllegalArgumentException unknown(String attribute, String word) {
        return new IllegalArgumentException("unknown " + attribute + " '" + word + "'");
    }

    @Override
    public int compareTo(Combination other) {
        return Integer.compare(index(), other.index());
    }

    @Override
    public String toString() {
        return color.word() + " " + shape.word() + " " + motion.word();
    }

    private static List<Combination> enumerate() {
        List<Combination> all = new ArrayList<>();
        for (Color color : Color.values()) {
            for (Shape shape : Shape.values()) {
                for (Motion motion : Motion.values()) {
                    all.add(new Combination(color, shape, motion));
                }
            }
        }
        return List.copyOf(all);
    }
}

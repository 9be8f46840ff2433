package dev.codi.world;

import java.util.Locale;
import java.util.Optional;

/**
 * The four motions (docs/design.md §7). In video a motion is the direction the shape travels (image rows
 * grow downwards, so UP is negative dy); in audio it is the loudness envelope.
 */
public enum Motion {
    LEFT(-1, 0, Envelope.TWO_PULSES),
    RIGHT(1, 0, Envelope.FOUR_PULSES),
    UP(0, -1, Envelope.CRESCENDO),
    DOWN(0, 1, Envelope.DECRESCENDO);

    private final int dx;
    private final int dy;
    private final Envelope envelope;

    Motion(int dx, int dy, Envelope envelope) {
        this.dx = dx;
        this.dy = dy;
        this.envelope = envelope;
    }

    /** Unit step in image columns. */
    public int dx() {
        return dx;
    }

    /** Unit step in image rows (down is positive). */
    public int dy() {
        return dy;
    }

    public Envelope envelope() {
        return envelope;
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Motion> fromWord(String word) {
        for (Motion motion : values()) {
            if (motion.word().equals(word)) {
                return Optional.of(motion);
            }
        }
        return Optional.empty();
    }

    /** The motion whose direction is closest to a displacement (dx, dy) in pixels. */
    public static Motion ofDisplacement(double dx, double dy) {
        if (Math.abs(dx) >= Math.abs(dy)) {
            return dx < 0 ? LEFT : RIGHT;
        }
        return dy < 0 ? UP : DOWN;
    }

    /** How loudness evolves over the one-second clip. */
    public enum Envelope {
        CRESCENDO, DECRESCENDO, TWO_PULSES, FOUR_PULSES;

        /** Pulses per second, 0 for the ramps. */
        public int pulses() {
            return switch (this) {
                case TWO_PULSES -> 2;
                case FOUR_PULSES -> 4;
                default -> 0;
            };
        }
    }
}

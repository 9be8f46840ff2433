package dev.codi.world;

import java.util.Optional;

/**
 * What a prompt specifies or a judge recovers: any of color, shape and motion, each {@code null}
 * when unspecified (an under-specified prompt such as "a red shape") or unknown (the judge could
 * not tell, or the modality does not carry it: images carry no motion).
 */
public record Attributes(Color color, Shape shape, Motion motion) {

    private static final Attributes NONE = new Attributes(null, null, null);

    public static Attributes none() {
        return NONE;
    }

    public static Attributes of(Color color, Shape shape, Motion motion) {
        return new Attributes(color, shape, motion);
    }

    public Optional<Color> colorIfKnown() {
        return Optional.ofNullable(color);
    }

    public Optional<Shape> shapeIfKnown() {
        return Optional.ofNullable(shape);
    }

    public Optional<Motion> motionIfKnown() {
        return Optional.ofNullable(motion);
    }

    public boolean isComplete() {
        return color != null && shape != null && motion != null;
    }

    public int knownCount() {
        return (color != null ? 1 : 0) + (shape != null ? 1 : 0) + (motion != null ? 1 : 0);
    }

    /** The full combination; throws when an attribute is missing. */
    public Combination toCombination() {
        if (!isComplete()) {
            throw new IllegalStateException("attributes are incomplete: " + this);
        }
        return new Combination(color, shape, motion);
    }

    public Attributes withColor(Color newColor) {
        return new Attributes(newColor, shape, motion);
    }

    public Attributes withShape(Shape newShape) {
        return new Attributes(color, newShape, motion);
    }

    public Attributes withMotion(Motion newMotion) {
        return new Attributes(color, shape, newMotion);
    }

    /** Keeps only the attributes a modality carries (images: color and shape). */
    public Attributes restrictTo(boolean keepColor, boolean keepShape, boolean keepMotion) {
        return new Attributes(keepColor ? color : null, keepShape ? shape : null, keepMotion ? motion : null);
    }

    /** True when every attribute known on both sides agrees. */
    public boolean consistentWith(Attributes other) {
        return agrees(color, other.color) && agrees(shape, other.shape) && agrees(motion, other.motion);
    }

    private static <T> boolean agrees(T mine, T theirs) {
        return mine == null || theirs == null || mine == theirs;
    }

    @Override
    public String toString() {
        return "(" + word(color) + " " + word(shape) + " " + word(motion) + ")";
    }

    private static String word(Enum<?> value) {
        return value == null ? "?" : value.name().toLowerCase(java.util.Locale.ROOT);
    }
}

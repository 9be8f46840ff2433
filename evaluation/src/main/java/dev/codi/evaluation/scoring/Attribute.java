package dev.codi.evaluation.scoring;

import dev.codi.media.Modality;
import dev.codi.world.Attributes;
import dev.codi.world.Color;
import dev.codi.world.Motion;
import dev.codi.world.Shape;
import dev.codi.world.WorldSpec;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The three attributes of the Shapes &amp; Tones world (docs/design.md §7), and which modality carries which. */
public enum Attribute {
    COLOR(Color.values().length),
    SHAPE(Shape.values().length),
    MOTION(Motion.values().length);

    private final int valueCount;

    Attribute(int valueCount) {
        this.valueCount = valueCount;
    }

    /** How many values the attribute takes: a uniform guess is right with probability 1 / values. */
    public int valueCount() {
        return valueCount;
    }

    public double chance() {
        return 1.0 / valueCount;
    }

    /** The attribute's value in {@code attributes}, {@code null} when unspecified or unknown. */
    public Enum<?> of(Attributes attributes) {
        return switch (this) {
            case COLOR -> attributes.color();
            case SHAPE -> attributes.shape();
            case MOTION -> attributes.motion();
        };
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** docs/design.md §7: images carry color and shape; text, audio and video carry all three. */
    public static Set<Attribute> carriedBy(Modality modality) {
        return WorldSpec.showsMotion(modality) ? EnumSet.allOf(Attribute.class) : EnumSet.of(COLOR, SHAPE);
    }

    /** The attributes both modalities carry: what a direction input → output can be scored on. */
    public static Set<Attribute> carriedByBoth(Modality input, Modality output) {
        Set<Attribute> both = EnumSet.copyOf(carriedBy(input));
        both.retainAll(carriedBy(output));
        return both;
    }

    /** The attributes {@code attributes} specifies (non-null). */
    public static Set<Attribute> specifiedIn(Attributes attributes) {
        Set<Attribute> specified = EnumSet.noneOf(Attribute.class);
        for (Attribute attribute : values()) {
            if (attribute.of(attributes) != null) {
                specified.add(attribute);
            }
        }
        return specified;
    }

    /** Keeps only {@code keep} of {@code attributes}; the others become unspecified. */
    public static Attributes restrict(Attributes attributes, Set<Attribute> keep) {
        return attributes.restrictTo(keep.contains(COLOR), keep.contains(SHAPE), keep.contains(MOTION));
    }

    /** Mean chance of a uniform guess over {@code attributes}. */
    public static double meanChance(Set<Attribute> attributes) {
        return attributes.stream().mapToDouble(Attribute::chance).average().orElse(Double.NaN);
    }
}

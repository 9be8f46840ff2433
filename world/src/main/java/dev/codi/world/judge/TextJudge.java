package dev.codi.world.judge;

import dev.codi.world.Attributes;
import dev.codi.world.Color;
import dev.codi.world.Motion;
import dev.codi.world.Shape;
import dev.codi.world.Vocabulary;
import java.util.EnumSet;
import java.util.Set;

/**
 * Attributes a caption mentions, by its words: an attribute is known when the text names exactly
 * one value of it ("a red shape" → red, shape and motion unknown). Naming two values ("a red or
 * blue circle") leaves that attribute unknown rather than guessing.
 */
public final class TextJudge {
    private TextJudge() {
    }

    public static Attributes read(String text) {
        Set<Color> colors = EnumSet.noneOf(Color.class);
        Set<Shape> shapes = EnumSet.noneOf(Shape.class);
        Set<Motion> motions = EnumSet.noneOf(Motion.class);
        for (String token : Vocabulary.tokenize(text)) {
            Color.fromWord(token).ifPresent(colors::add);
            Shape.fromWord(token).ifPresent(shapes::add);
            Motion.fromWord(token).ifPresent(motions::add);
        }
        return new Attributes(only(colors), only(shapes), only(motions));
    }

    private static <T> T only(Set<T> values) {
        return values.size() == 1 ? values.iterator().next() : null;
    }
}

package dev.codi.world;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every token a caption of this world can contain, in a fixed order a text model can index: the
 * attribute words first (colors, shapes, motions in enum order), then the template words in order
 * of first appearance, then words the parser also accepts ("an"). The comma is a token.
 */
public final class Vocabulary {
    /** Accepted by {@link #tokenize} and the judge although no template writes them. */
    private static final List<String> ALSO_ACCEPTED = List.of("an");
    private static final Pattern TOKEN = Pattern.compile("[a-z]+|,");

    public static final List<String> WORDS = build();

    private Vocabulary() {
    }

    /** Lower-cases and splits into words and commas; other characters separate tokens. */
    public static List<String> tokenize(String text) {
        Matcher matcher = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
        List<String> tokens = new ArrayList<>();
        while (matcher.find()) {
            tokens.add(matcher.group());
        }
        return tokens;
    }

    /** Position of a token in {@link #WORDS}, or -1 when the world never uses it. */
    public static int indexOf(String token) {
        return WORDS.indexOf(token);
    }

    private static List<String> build() {
        Set<String> words = new LinkedHashSet<>();
        for (Color color : Color.values()) {
            words.add(color.word());
        }
        for (Shape shape : Shape.values()) {
            words.add(shape.word());
        }
        for (Motion motion : Motion.values()) {
            words.add(motion.word());
        }
        for (String template : Captions.ALL_TEMPLATES) {
            for (String token : tokenize(template.replaceAll("\\{[csm]}", " "))) {
                words.add(token);
            }
        }
        words.addAll(ALSO_ACCEPTED);
        return List.copyOf(words);
    }
}

package dev.codi.world;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Caption templates for every subset of known attributes. {@code {c}}, {@code {s}} and {@code {m}}
 * stand for the color, shape and motion words. The first template of each subset is its canonical
 * form; for full attributes it is docs/design.md §7's {@code a <color> <shape> moving <motion>}. The
 * article agrees with the word after it ("an orange circle moving up", docs/design.md §7.1).
 */
public final class Captions {
    static final List<String> FULL = List.of(
            "a {c} {s} moving {m}",
            "a {s} in {c} going {m}",
            "{c} {s}, moving {m}",
            "the {s} is {c} and heads {m}",
            "a {c} {s} that moves {m}",
            "a {s} in {c} moving {m}");
    static final List<String> COLOR_SHAPE = List.of("a {c} {s}", "a {s} in {c}", "the {s} is {c}");
    static final List<String> COLOR_MOTION = List.of(
            "a {c} shape moving {m}", "something {c} moving {m}", "a {c} shape going {m}");
    static final List<String> SHAPE_MOTION = List.of("a {s} moving {m}", "a {s} going {m}", "the {s} heads {m}");
    static final List<String> COLOR = List.of("a {c} shape", "something {c}", "something in {c}");
    static final List<String> SHAPE = List.of("a {s}", "the {s}");
    static final List<String> MOTION = List.of("something moving {m}", "a shape moving {m}", "something going {m}");
    static final List<String> NOTHING = List.of("a shape", "something");

    /** Every template, for the vocabulary and for tests that parse each one back. */
    public static final List<String> ALL_TEMPLATES = List.of(FULL, COLOR_SHAPE, COLOR_MOTION, SHAPE_MOTION,
            COLOR, SHAPE, MOTION, NOTHING).stream().flatMap(List::stream).toList();

    /**
     * Every well-formed description of one thing of the world: a full template filled with a color,
     * a shape and a motion, the article agreeing. A generated caption is one of these; under-specified
     * captions are prompts, never outputs, since every thing of the world has all three attributes.
     */
    public static final Set<String> WELL_FORMED = wellFormed();

    private Captions() {
    }

    /** Whether a caption is exactly one of {@link #WELL_FORMED}, ignoring surrounding whitespace. */
    public static boolean isWellFormed(String caption) {
        return WELL_FORMED.contains(caption.strip());
    }

    /** The canonical caption of whatever the attributes specify. */
    public static String canonical(Attributes attributes) {
        return fill(templatesFor(attributes).get(0), attributes);
    }

    /** A caption drawn uniformly from the templates that fit exactly the known attributes. */
    public static String random(Attributes attributes, Random random) {
        List<String> templates = templatesFor(attributes);
        return fill(templates.get(random.nextInt(templates.size())), attributes);
    }

    /** The templates that mention exactly the attributes that are known. */
    public static List<String> templatesFor(Attributes attributes) {
        boolean c = attributes.color() != null;
        boolean s = attributes.shape() != null;
        boolean m = attributes.motion() != null;
        if (c && s && m) {
            return FULL;
        } else if (c && s) {
            return COLOR_SHAPE;
        } else if (c && m) {
            return COLOR_MOTION;
        } else if (s && m) {
            return SHAPE_MOTION;
        } else if (c) {
            return COLOR;
        } else if (s) {
            return SHAPE;
        } else if (m) {
            return MOTION;
        }
        return NOTHING;
    }

    public static String fill(String template, Attributes attributes) {
        String text = template;
        if (attributes.color() != null) {
            text = text.replace("{c}", attributes.color().word());
        }
        if (attributes.shape() != null) {
            text = text.replace("{s}", attributes.shape().word());
        }
        if (attributes.motion() != null) {
            text = text.replace("{m}", attributes.motion().word());
        }
        if (text.contains("{")) {
            throw new IllegalArgumentException("template '" + template + "' needs attributes missing from "
                    + attributes);
        }
        return withAgreeingArticles(text);
    }

    /** "a" before a word that starts with a vowel becomes "an" ("an orange"); "an" before a consonant, "a". */
    public static String withAgreeingArticles(String text) {
        String[] words = text.split(" ", -1);
        for (int i = 0; i + 1 < words.length; i++) {
            String article = words[i].toLowerCase(Locale.ROOT);
            if (article.equals("a") || article.equals("an")) {
                boolean vowel = !words[i + 1].isEmpty() && "aeiou".indexOf(Character.toLowerCase(words[i + 1].charAt(0))) >= 0;
                String agreeing = vowel ? "an" : "a";
                words[i] = Character.isUpperCase(words[i].charAt(0))
                        ? Character.toUpperCase(agreeing.charAt(0)) + agreeing.substring(1) : agreeing;
            }
        }
        return String.join(" ", words);
    }

    private static Set<String> wellFormed() {
        Set<String> captions = new LinkedHashSet<>();
        for (String template : FULL) {
            for (Color color : Color.values()) {
                for (Shape shape : Shape.values()) {
                    for (Motion motion : Motion.values()) {
                        captions.add(fill(template, Attributes.of(color, shape, motion)));
                    }
                }
            }
        }
        return Set.copyOf(captions);
    }
}

package dev.codi.gateway.jobs;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The words a text prompt may use. The text networks split a prompt on anything but the
 * letters a–z (lower-cased), read an unknown word as {@code <unk>} and only the first
 * {@code maxWords} words (the model's {@code Vocabulary.encode}).
 */
public record PromptWords(List<String> known, int maxWords) {
    /** A bundle that does not list its words: nothing is flagged. */
    public static final PromptWords UNKNOWN_VOCABULARY = new PromptWords(List.of(), Integer.MAX_VALUE);

    public PromptWords {
        known = List.copyOf(known);
    }

    /** The distinct words of {@code text} the model does not know, in order of appearance. */
    public List<String> unknown(String text) {
        if (known.isEmpty()) {
            return List.of();
        }
        Set<String> unknown = new LinkedHashSet<>();
        for (String word : words(text)) {
            if (!known.contains(word)) {
                unknown.add(word);
            }
        }
        return List.copyOf(unknown);
    }

    /** The words past the first {@code maxWords}, which the model never reads. */
    public List<String> unread(String text) {
        List<String> words = words(text);
        return words.size() <= maxWords ? List.of() : words.subList(maxWords, words.size());
    }

    /**
     * What a job says about its text input: one warning naming the words the model reads as
     * {@code <unk>}, one naming the words past the first {@code maxWords}; empty for a prompt it reads whole.
     */
    public JsonArray warnings(String text) {
        JsonArray warnings = new JsonArray();
        List<String> unknown = unknown(text);
        if (!unknown.isEmpty()) {
            warnings.add(new JsonObject().put("code", "unknown_words").put("field", "inputs.text")
                    .put("words", new JsonArray(unknown))
                    .put("detail", "inputs.text: the model does not know " + quoted(unknown)
                            + " and reads each as an unknown word; GET /v1/models lists the words it knows"));
        }
        List<String> unread = unread(text);
        if (!unread.isEmpty()) {
            warnings.add(new JsonObject().put("code", "unread_words").put("field", "inputs.text")
                    .put("words", new JsonArray(unread))
                    .put("detail", "inputs.text: the model reads only the first " + maxWords + " words; it ignores "
                            + quoted(unread)));
        }
        return warnings;
    }

    private static String quoted(List<String> words) {
        return String.join(", ", words.stream().map(word -> "'" + word + "'").toList());
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        for (String word : text.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }
}

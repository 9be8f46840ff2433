package dev.codi.model.autoencoder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The word vocabulary of the Shapes &amp; Tones world (docs/design.md §7) plus four special tokens. A
 * sentence is encoded as {@code <bos> w₁ … wₙ <eos> <pad>…}, {@link #MAX_TOKENS} tokens in all.
 */
public final class WordTokenizer {
    public static final String PAD = "<pad>";
    public static final String BOS = "<bos>";
    public static final String EOS = "<eos>";
    public static final String UNK = "<unk>";
    public static final int MAX_TOKENS = 10;
    public static final List<String> WORDS = List.of(
            "a", "the", "red", "orange", "yellow", "green", "blue", "purple",
            "circle", "square", "triangle", "cross", "moving", "going", "heads",
            "left", "right", "up", "down", "shape", "something", "in", "and", "is");

    private final List<String> tokens;
    private final Map<String, Integer> ids = new HashMap<>();

    public WordTokenizer() {
        tokens = new ArrayList<>(List.of(PAD, BOS, EOS, UNK));
        tokens.addAll(WORDS);
        for (int i = 0; i < tokens.size(); i++) {
            ids.put(tokens.get(i), i);
        }
    }

    public int size() {
        return tokens.size();
    }

    public List<String> tokens() {
        return List.copyOf(tokens);
    }

    /** "an" is the article "a" before a vowel (docs/design.md §7.1): one token for both. */
    public int id(String token) {
        return ids.getOrDefault(token.equals("an") ? "a" : token, ids.get(UNK));
    }

    public String token(int id) {
        return tokens.get(id);
    }

    public boolean isWord(int id) {
        return id >= 4;
    }

    /** Lower-cases, splits on anything but letters, truncates to {@code MAX_TOKENS − 2} words. */
    public int[] encode(String sentence) {
        int[] encoded = new int[MAX_TOKENS]; // <pad> is 0
        encoded[0] = id(BOS);
        int position = 1;
        for (String word : sentence.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (position == MAX_TOKENS - 1) {
                break;
            }
            encoded[position++] = id(word);
        }
        encoded[position] = id(EOS);
        return encoded;
    }

    /** Joins word tokens until the first {@code <eos>}; special tokens are skipped. */
    public String decode(int[] ids) {
        StringBuilder sentence = new StringBuilder();
        for (int id : ids) {
            if (id == this.ids.get(EOS)) {
                break;
            }
            if (isWord(id)) {
                if (sentence.length() > 0) {
                    sentence.append(' ');
                }
                sentence.append(tokens.get(id));
            }
        }
        return sentence.toString();
    }
}

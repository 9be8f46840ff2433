package dev.codi.model.autoencoder;

import java.util.ArrayList;
import java.util.List;

/**
 * The sentences codi-tiny's text decoder may emit: every description of one thing of the Shapes &amp;
 * Tones world (docs/design.md §7.1), a full caption template filled with a color, a shape and a motion.
 * The decoder reads per-position token logits (non-autoregressive), so the most likely sentence of a
 * finite language is found exactly by scoring each one: Σₚ log p(wₚ at p) + log p(&lt;eos&gt; after the
 * last word). Greedy per-position reading can spell a word twice or leave one out ("a red circle
 * moving up up", "a cross"); a sentence of this language cannot.
 *
 * <p>A small copy of the world's full templates and attribute words (the model module does not
 * depend on the world module); a test in the training module checks that both spell the same captions.
 */
public final class CaptionGrammar {
    static final List<String> TEMPLATES = List.of(
            "a {c} {s} moving {m}",
            "a {s} in {c} going {m}",
            "{c} {s}, moving {m}",
            "the {s} is {c} and heads {m}",
            "a {c} {s} that moves {m}",
            "a {s} in {c} moving {m}");
    static final List<String> COLORS = List.of("red", "orange", "yellow", "green", "blue", "purple");
    static final List<String> SHAPES = List.of("circle", "square", "triangle", "cross");
    static final List<String> MOTIONS = List.of("left", "right", "up", "down");

    /** One sentence: its text as written (commas, agreeing articles) and its token ids. */
    public record Sentence(String text, int[] tokenIds) { }

    private final WordTokenizer vocabulary;
    private final List<Sentence> sentences;

    public CaptionGrammar(WordTokenizer vocabulary) {
        this.vocabulary = vocabulary;
        List<Sentence> all = new ArrayList<>();
        for (String template : TEMPLATES) {
            for (String color : COLORS) {
                for (String shape : SHAPES) {
                    for (String motion : MOTIONS) {
                        String text = withAgreeingArticles(
                                template.replace("{c}", color).replace("{s}", shape).replace("{m}", motion));
                        all.add(new Sentence(text, wordIds(text)));
                    }
                }
            }
        }
        sentences = List.copyOf(all);
    }

    public List<Sentence> sentences() {
        return sentences;
    }

    /**
     * The most likely sentence of the language under per-position logits.
     *
     * @param logits (maxTokens, vocabulary) flattened; position p scores the (p+1)-th token after &lt;bos&gt;
     */
    public String decode(float[] logits) {
        int vocabularySize = vocabulary.size();
        int positions = WordTokenizer.MAX_TOKENS;
        if (logits.length != positions * vocabularySize) {
            throw new IllegalArgumentException("expected " + positions + " × " + vocabularySize + " logits, got "
                    + logits.length);
        }
        double[] logProbabilities = new double[logits.length];
        for (int p = 0; p < positions; p++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int id = 0; id < vocabularySize; id++) {
                max = Math.max(max, logits[p * vocabularySize + id]);
            }
            double sum = 0;
            for (int id = 0; id < vocabularySize; id++) {
                sum += Math.exp(logits[p * vocabularySize + id] - max);
            }
            double logNormaliser = max + Math.log(sum);
            for (int id = 0; id < vocabularySize; id++) {
                logProbabilities[p * vocabularySize + id] = logits[p * vocabularySize + id] - logNormaliser;
            }
        }
        int eos = vocabulary.id(WordTokenizer.EOS);
        Sentence best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (Sentence sentence : sentences) {
            int[] ids = sentence.tokenIds();
            double score = logProbabilities[ids.length * vocabularySize + eos];
            for (int p = 0; p < ids.length; p++) {
                score += logProbabilities[p * vocabularySize + ids[p]];
            }
            if (score > bestScore) {
                bestScore = score;
                best = sentence;
            }
        }
        return best.text();
    }

    private int[] wordIds(String text) {
        int[] encoded = vocabulary.encode(text);   // <bos> w₁ … wₙ <eos> <pad>…
        int eos = vocabulary.id(WordTokenizer.EOS);
        int words = 0;
        while (encoded[words + 1] != eos) {
            words++;
        }
        int[] ids = new int[words];
        System.arraycopy(encoded, 1, ids, 0, words);
        return ids;
    }

    /** "a" before a vowel becomes "an" ("an orange"), as the world's captions write it. */
    static String withAgreeingArticles(String text) {
        String[] words = text.split(" ");
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals("a") && "aeiou".indexOf(words[i + 1].charAt(0)) >= 0) {
                words[i] = "an";
            }
        }
        return String.join(" ", words);
    }
}

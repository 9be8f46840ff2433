package dev.codi.model.autoencoder;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CaptionGrammarTest {
    private final WordTokenizer vocabulary = new WordTokenizer();
    private final CaptionGrammar grammar = new CaptionGrammar(vocabulary);
    private final Set<String> language = grammar.sentences().stream().map(CaptionGrammar.Sentence::text)
            .collect(Collectors.toSet());

    /** Logits whose per-position argmax spells {@code words} then &lt;eos&gt;, each by a margin of 4. */
    private float[] logitsSpelling(List<String> words) {
        int v = vocabulary.size();
        float[] logits = new float[WordTokenizer.MAX_TOKENS * v];
        for (int p = 0; p < WordTokenizer.MAX_TOKENS; p++) {
            String token = p < words.size() ? words.get(p) : WordTokenizer.EOS;
            logits[p * v + vocabulary.id(token)] = 4f;
        }
        return logits;
    }

    @Test
    void theLanguageIsEveryFullCaptionWithAgreeingArticles() {
        assertThat(language).hasSize(6 * 96).contains("an orange circle moving up", "a red cross moving left",
                "yellow square, moving down", "the triangle is blue and heads right", "a square in orange going up");
        assertThat(language).noneMatch(text -> text.contains("a orange"));
    }

    @Test
    void aWellFormedReadingIsKept() {
        assertThat(grammar.decode(logitsSpelling(List.of("a", "green", "triangle", "that", "moves", "left"))))
                .isEqualTo("a green triangle that moves left");
        assertThat(grammar.decode(logitsSpelling(List.of("a", "orange", "cross", "moving", "down"))))
                .isEqualTo("an orange cross moving down");
    }

    @Test
    void malformedGreedyReadingsDecodeToTheNearestCaption() {
        // what greedy per-position reading of codi-tiny's text decoder has produced
        assertThat(grammar.decode(logitsSpelling(List.of("a", "red", "circle", "moving", "up", "up"))))
                .isEqualTo("a red circle moving up");
        assertThat(grammar.decode(logitsSpelling(List.of("a", "purple", "circle", "red", "down"))))
                .isEqualTo("a purple circle moving down");
        for (List<String> malformed : List.of(List.of("a", "cross"), List.of("a", "square"), List.of("a", "green"),
                List.of("a", "orange"))) {
            String decoded = grammar.decode(logitsSpelling(malformed));
            assertThat(language).as("%s → %s", malformed, decoded).contains(decoded);
            assertThat(decoded).as("%s keeps its words", malformed).contains(malformed.get(1));
        }
    }

    @Test
    void anIsReadAsTheArticleA() {
        assertThat(vocabulary.encode("an orange circle")).isEqualTo(vocabulary.encode("a orange circle"));
    }
}

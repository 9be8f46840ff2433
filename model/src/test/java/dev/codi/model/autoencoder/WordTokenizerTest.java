package dev.codi.model.autoencoder;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WordTokenizerTest {
    private final WordTokenizer vocabulary = new WordTokenizer();

    @Test
    void encodesWithBosEosAndPaddingAndDecodesBack() {
        int[] ids = vocabulary.encode("A red circle, moving LEFT!");
        assertThat(ids).hasSize(WordTokenizer.MAX_TOKENS);
        assertThat(vocabulary.token(ids[0])).isEqualTo(WordTokenizer.BOS);
        assertThat(vocabulary.token(ids[6])).isEqualTo(WordTokenizer.EOS);
        assertThat(ids[9]).isZero();
        assertThat(vocabulary.decode(ids)).isEqualTo("a red circle moving left");
        assertThat(vocabulary.size()).isEqualTo(28);
    }

    @Test
    void unknownWordsAndLongSentences() {
        assertThat(vocabulary.token(vocabulary.encode("a magenta circle")[2])).isEqualTo(WordTokenizer.UNK);
        int[] ids = vocabulary.encode("a a a a a a a a a a a a");
        assertThat(vocabulary.token(ids[WordTokenizer.MAX_TOKENS - 1])).isEqualTo(WordTokenizer.EOS);
        assertThat(vocabulary.decode(ids).split(" ")).hasSize(WordTokenizer.MAX_TOKENS - 2);
    }
}

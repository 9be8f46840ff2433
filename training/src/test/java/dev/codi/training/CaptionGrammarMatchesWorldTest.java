package dev.codi.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codi.model.autoencoder.CaptionGrammar;
import dev.codi.model.autoencoder.WordTokenizer;
import dev.codi.world.Captions;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The text decoder's language is a copy of the world's full captions; both must spell the same ones. */
class CaptionGrammarMatchesWorldTest {

    @Test
    void theDecodersLanguageIsExactlyTheWorldsWellFormedCaptions() {
        var decoderLanguage = new CaptionGrammar(new WordTokenizer()).sentences().stream()
                .map(CaptionGrammar.Sentence::text).collect(Collectors.toSet());
        assertThat(decoderLanguage).isEqualTo(Captions.WELL_FORMED);
    }
}

package dev.codi.world;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codi.world.judge.TextJudge;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CaptionsTest {

    @Test
    void canonicalCaptionIsTheSpecForm() {
        assertThat(Captions.canonical(Combination.parse("red circle left").toAttributes()))
                .isEqualTo("a red circle moving left");
        assertThat(Captions.canonical(Attributes.of(Color.RED, null, null))).isEqualTo("a red shape");
        assertThat(Captions.canonical(Attributes.of(null, null, Motion.UP))).isEqualTo("something moving up");
    }

    @Test
    void everyTemplateOfEverySubsetParsesBackToExactlyItsAttributes() {
        int checked = 0;
        for (Combination combination : Combination.ALL) {
            for (int subset = 0; subset < 8; subset++) {
                Attributes attributes = combination.toAttributes().restrictTo(
                        (subset & 1) != 0, (subset & 2) != 0, (subset & 4) != 0);
                for (String template : Captions.templatesFor(attributes)) {
                    String caption = Captions.fill(template, attributes);
                    assertThat(TextJudge.read(caption)).as(caption).isEqualTo(attributes);
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(96 * 20);
    }

    @Test
    void randomCaptionsUseParaphrasesAndOnlyVocabularyWords() {
        Random random = new Random(5);
        Set<String> seen = new HashSet<>();
        Attributes attributes = Combination.parse("green square down").toAttributes();
        for (int i = 0; i < 200; i++) {
            String caption = new WorldGenerator().caption(attributes, random);
            seen.add(caption);
            assertThat(Vocabulary.WORDS).containsAll(Vocabulary.tokenize(caption));
        }
        assertThat(seen).hasSize(Captions.FULL.size()).contains(
                "a green square moving down", "a square in green going down", "green square, moving down",
                "the square is green and heads down");
    }

    @Test
    void vocabularyStartsWithTheAttributeWordsAndHasNoDuplicates() {
        assertThat(Vocabulary.WORDS.subList(0, 14)).containsExactly("red", "orange", "yellow", "green", "blue",
                "purple", "circle", "square", "triangle", "cross", "left", "right", "up", "down");
        assertThat(Vocabulary.WORDS).doesNotHaveDuplicates().contains(",", "something", "shape", "an");
        assertThat(Vocabulary.tokenize("The RED circle, moving Left!")).isEqualTo(
                List.of("the", "red", "circle", ",", "moving", "left"));
    }

    @Test
    void theArticleAgreesWithTheWordAfterIt() {
        assertThat(Captions.canonical(Combination.parse("orange circle up").toAttributes()))
                .isEqualTo("an orange circle moving up");
        assertThat(Captions.canonical(Attributes.of(Color.ORANGE, null, null))).isEqualTo("an orange shape");
        assertThat(Captions.withAgreeingArticles("An red square")).isEqualTo("A red square");
    }

    @Test
    void wellFormedCaptionsDescribeOneWholeThingOfTheWorld() {
        assertThat(Captions.WELL_FORMED).hasSize(Captions.FULL.size() * 96)
                .contains("an orange circle moving up", "the cross is purple and heads left", "green square, moving down");
        // seen from the model: missing words, a repeated word, two colors, a wrong article
        for (String malformed : List.of("a cross", "a square", "a green", "a purple circle red down",
                "a red circle moving up up", "a orange", "a orange circle moving up", "a red shape moving left", "")) {
            assertThat(Captions.isWellFormed(malformed)).as(malformed).isFalse();
        }
    }

    @Test
    void textJudgeLeavesAmbiguousOrMissingAttributesUnknown() {
        assertThat(TextJudge.read("a red or blue circle moving up")).isEqualTo(Attributes.of(null, Shape.CIRCLE, Motion.UP));
        assertThat(TextJudge.read("an orange triangle")).isEqualTo(Attributes.of(Color.ORANGE, Shape.TRIANGLE, null));
        assertThat(TextJudge.read("hello")).isEqualTo(Attributes.none());
    }
}

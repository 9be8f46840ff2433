package dev.codi.gateway.jobs;

import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PromptWordsTest {
    private static final PromptWords WORDS = new PromptWords(List.of("a", "red", "circle", "moving", "left"), 4);

    @Test
    void namesEachUnknownWordOnceAsTheModelSplitsThem() {
        assertThat(WORDS.unknown("A red DOG, dog-like circle!")).containsExactly("dog", "like");
        assertThat(WORDS.unknown("a red circle")).isEmpty();
    }

    @Test
    void warnsAboutUnknownWordsAndWordsPastTheLimit() {
        JsonArray warnings = WORDS.warnings("a red cat circle moving left");

        assertThat(warnings).hasSize(2);
        assertThat(warnings.getJsonObject(0).getString("code")).isEqualTo("unknown_words");
        assertThat(warnings.getJsonObject(0).getJsonArray("words").getList()).containsExactly("cat");
        assertThat(warnings.getJsonObject(1).getString("code")).isEqualTo("unread_words");
        assertThat(warnings.getJsonObject(1).getJsonArray("words").getList()).containsExactly("moving", "left");
        assertThat(WORDS.warnings("a red circle")).isEmpty();
    }

    @Test
    void aBundleThatListsNoWordsFlagsNothing() {
        assertThat(PromptWords.UNKNOWN_VOCABULARY.warnings("anything at all")).isEmpty();
    }
}

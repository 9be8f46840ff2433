package dev.codi.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectKeysTest {

    @Test
    void layoutsMatchTheDocumentedKeys() {
        assertThat(ObjectKeys.input("j1", "image", "png")).isEqualTo("jobs/j1/inputs/image.png");
        assertThat(ObjectKeys.input("j1", "text", "")).isEqualTo("jobs/j1/inputs/text");
        assertThat(ObjectKeys.upload("u_1")).isEqualTo("uploads/u_1");
        assertThat(ObjectKeys.latents("j1", "audio")).isEqualTo("jobs/j1/latents/audio.bin");
        assertThat(ObjectKeys.artifact("j1", "video.gif")).isEqualTo("jobs/j1/artifacts/video.gif");
        assertThat(ObjectKeys.modelFile("codi-tiny", "1.0.0", "manifest.json")).isEqualTo("models/codi-tiny/1.0.0/manifest.json");
        assertThat(ObjectKeys.modelFile("codi-tiny", "1.0.0", "image/vae.params")).isEqualTo("models/codi-tiny/1.0.0/image/vae.params");
        assertThat(ObjectKeys.jobPrefix("j1")).isEqualTo("jobs/j1/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "..", ".", "a/b", "a b", "", "x\u0000", "é"})
    void idsThatCouldEscapeTheirPrefixAreRejected(String badId) {
        assertThat(ObjectKeys.isValidId(badId)).isFalse();
        assertThatThrownBy(() -> ObjectKeys.upload(badId)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uploadId");
        assertThatThrownBy(() -> ObjectKeys.artifact(badId, "image.png")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void idsLongerThanSixtyFourCharactersAreRejected() {
        assertThat(ObjectKeys.isValidId("a".repeat(64))).isTrue();
        assertThat(ObjectKeys.isValidId("a".repeat(65))).isFalse();
        assertThat(ObjectKeys.isValidId(null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "..", ".hidden", "a/b", ""})
    void fileNamesThatCouldEscapeAreRejected(String badName) {
        assertThatThrownBy(() -> ObjectKeys.artifact("j1", badName)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("filename");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../weights", "a/../../b", "a//b", "/abs", "a/"})
    void modelFilePathsThatCouldEscapeAreRejected(String badFile) {
        assertThatThrownBy(() -> ObjectKeys.modelFile("codi-tiny", "1", badFile)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void modelVersionsMayBeDottedButNotDotDot() {
        assertThatThrownBy(() -> ObjectKeys.modelPrefix("codi-tiny", "..")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ObjectKeys.modelPrefix("codi-tiny", "2.1.0")).isEqualTo("models/codi-tiny/2.1.0/");
    }

    @Test
    void extensionsAreGivenWithoutTheDot() {
        assertThatThrownBy(() -> ObjectKeys.input("j1", "image", ".png")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without the dot");
    }

    @Test
    void safeKeyCheckRejectsTraversalAndOverlongKeys() {
        assertThat(ObjectKeys.requireSafeKey("jobs/j1/inputs/text")).isEqualTo("jobs/j1/inputs/text");
        assertThatThrownBy(() -> ObjectKeys.requireSafeKey("../x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ObjectKeys.requireSafeKey("jobs/./x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ObjectKeys.requireSafeKey("k".repeat(ObjectKeys.MAX_KEY_BYTES + 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

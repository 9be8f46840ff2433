package dev.codi.model;

import dev.codi.media.Modality;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ConditioningTest {
    private static final Map<Modality, float[]> EMBEDDINGS = Map.of(
            Modality.TEXT, new float[] {1, 0, 2},
            Modality.IMAGE, new float[] {0, 1, 4});
    private static final Map<Modality, float[]> NULLS = Map.of(
            Modality.TEXT, new float[] {10, 0, 0},
            Modality.IMAGE, new float[] {0, 10, 0});

    @Test
    void equalWeightsAverageInputsAndNullsAlike() {
        Conditioning mixed = Conditioning.mix(EMBEDDINGS, NULLS, Map.of());
        assertThat(mixed.vector()).containsExactly(new float[] {0.5f, 0.5f, 3f}, within(1e-6f));
        assertThat(mixed.nullVector()).containsExactly(new float[] {5f, 5f, 0f}, within(1e-6f));
    }

    @Test
    void weightsApplyToNullEmbeddingsToo() {
        Conditioning mixed = Conditioning.mix(EMBEDDINGS, NULLS, Map.of(Modality.TEXT, 3.0));
        assertThat(mixed.vector()).containsExactly(new float[] {0.75f, 0.25f, 2.5f}, within(1e-6f));
        assertThat(mixed.nullVector()).containsExactly(new float[] {7.5f, 2.5f, 0f}, within(1e-6f));
    }

    @Test
    void rejectsNonPositiveWeightsAndMissingNulls() {
        assertThatThrownBy(() -> Conditioning.mix(EMBEDDINGS, NULLS, Map.of(Modality.IMAGE, 0.0))).hasMessageContaining("positive");
        assertThatThrownBy(() -> Conditioning.mix(EMBEDDINGS, Map.of(Modality.TEXT, new float[3]), Map.of()))
                .hasMessageContaining("dimension");
    }
}

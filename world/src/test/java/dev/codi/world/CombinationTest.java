package dev.codi.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CombinationTest {

    @Test
    void thereAre96DistinctCombinationsIndexedInOrder() {
        assertThat(Combination.ALL).hasSize(96).doesNotHaveDuplicates();
        for (int i = 0; i < 96; i++) {
            assertThat(Combination.ALL.get(i).index()).isEqualTo(i);
            assertThat(Combination.parse(Combination.ALL.get(i).toString())).isEqualTo(Combination.ALL.get(i));
        }
    }

    @Test
    void specValuesAreThoseOfDesignSection2() {
        assertThat(new int[] {Color.BLUE.red(), Color.BLUE.green(), Color.BLUE.blue()}).containsExactly(40, 90, 220);
        assertThat(Color.PURPLE.pitchHz()).isEqualTo(523.25);
        assertThat(Shape.CROSS.timbre()).isEqualTo(Shape.Timbre.SAWTOOTH);
        assertThat(Motion.LEFT.envelope().pulses()).isEqualTo(2);
        assertThat(Motion.RIGHT.envelope().pulses()).isEqualTo(4);
        assertThat(Shape.Timbre.TRIANGLE.harmonic(3)).isEqualTo(-1.0 / 9);
        assertThat(Shape.Timbre.SAWTOOTH.harmonic(2)).isEqualTo(-0.5);
        assertThat(Shape.Timbre.SQUARE.harmonic(2)).isZero();
    }

    @Test
    void incompleteAttributesAreRejectedWithTheReason() {
        assertThatThrownBy(() -> Attributes.of(Color.RED, null, Motion.UP).toCombination())
                .hasMessageContaining("incomplete");
        assertThatThrownBy(() -> Combination.parse("red blob up")).hasMessageContaining("unknown shape 'blob'");
        assertThat(Attributes.of(Color.RED, null, null).consistentWith(Attributes.of(Color.RED, Shape.CROSS, null)))
                .isTrue();
        assertThat(Attributes.of(Color.RED, null, null).consistentWith(Attributes.of(Color.BLUE, null, null)))
                .isFalse();
    }
}

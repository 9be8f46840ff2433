package dev.codi.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HeldOutCombinationsTest {

    @Test
    void committedFileIsExactlyWhatTheSeededSelectionProduces() {
        List<Combination> selected = HeldOutCombinations.select(HeldOutCombinations.SEED, HeldOutCombinations.COUNT);
        assertThat(HeldOutCombinations.readResource()).isEqualTo(HeldOutCombinations.render(selected));
        assertThat(HeldOutCombinations.heldOut()).containsExactlyElementsOf(selected);
    }

    @Test
    void fourteenAreHeldOutAndTheOtherEightyTwoTrain() {
        Set<Combination> heldOut = HeldOutCombinations.heldOut();
        List<Combination> training = HeldOutCombinations.training();
        assertThat(heldOut).hasSize(14);
        assertThat(training).hasSize(82).doesNotContainAnyElementsOf(heldOut);
        assertThat(HeldOutCombinations.isHeldOut(heldOut.iterator().next())).isTrue();
        assertThat(HeldOutCombinations.isHeldOut(training.get(0))).isFalse();
    }

    @Test
    void everyValueAndEveryPairOfValuesStillAppearsInTraining() {
        List<Combination> training = HeldOutCombinations.training();
        assertThat(training.stream().map(Combination::color).collect(Collectors.toSet()))
                .isEqualTo(EnumSet.allOf(Color.class));
        assertThat(training.stream().map(Combination::shape).collect(Collectors.toSet()))
                .isEqualTo(EnumSet.allOf(Shape.class));
        assertThat(training.stream().map(Combination::motion).collect(Collectors.toSet()))
                .isEqualTo(EnumSet.allOf(Motion.class));
        assertThat(training.stream().map(c -> c.color() + "-" + c.shape()).distinct()).hasSize(24);
        assertThat(training.stream().map(c -> c.color() + "-" + c.motion()).distinct()).hasSize(24);
        assertThat(training.stream().map(c -> c.shape() + "-" + c.motion()).distinct()).hasSize(16);
    }

    @Test
    void anotherSeedSelectsAnotherSet() {
        assertThat(HeldOutCombinations.select(1, HeldOutCombinations.COUNT))
                .isNotEqualTo(List.copyOf(HeldOutCombinations.heldOut()));
    }
}

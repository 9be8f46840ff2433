package dev.codi.evaluation;

import dev.codi.world.Combination;
import dev.codi.world.HeldOutCombinations;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SplitsAndSeedsTest {
    @Test
    void aSplitsFirstSamplesCoverItsCombinationsOnceEach() {
        Set<Combination> seen = new HashSet<>();
        for (int k = 0; k < HeldOutCombinations.COUNT; k++) {
            seen.add(Splits.HELD_OUT.pick(11, "t", k));
        }
        assertThat(seen).isEqualTo(HeldOutCombinations.heldOut());
        for (int k = 0; k < 200; k++) {
            assertThat(HeldOutCombinations.isHeldOut(Splits.HELD_IN.pick(11, "t", k))).isFalse();
        }
    }

    @Test
    void seedsAreReproducibleAndDependOnEveryPart() {
        assertThat(Seeds.of(1, "a", 2, 3)).isEqualTo(Seeds.of(1, "a", 2, 3));
        assertThat(Set.of(Seeds.of(1, "a", 2, 3), Seeds.of(2, "a", 2, 3), Seeds.of(1, "b", 2, 3), Seeds.of(1, "a", 3, 2))).hasSize(4);
    }

    @Test
    void settingsRefuseNonsense() {
        assertThatThrownBy(() -> new Settings(0, 50, 7.5, 1, 16)).hasMessageContaining("--samples");
        assertThatThrownBy(() -> new Settings(1, 500, 7.5, 1, 16)).hasMessageContaining("--steps");
        assertThatThrownBy(() -> new Settings(1, 50, 7.5, 1, 16, 10, -0.5)).hasMessageContaining("--feedback");
    }

    @Test
    void eachCouplingSamplesAsItsColumnSays() {
        Settings settings = new Settings(1, 50, 7.5, 1, 16, 10, 0.5);
        assertThat(BatchSampler.Coupling.SETTINGS.stagger(settings)).isEqualTo(10);
        assertThat(BatchSampler.Coupling.SETTINGS.feedback(settings)).isEqualTo(0.5);
        assertThat(BatchSampler.Coupling.TOKENS_ONLY.stagger(settings)).isEqualTo(10);
        assertThat(BatchSampler.Coupling.TOKENS_ONLY.feedback(settings)).isZero();
        assertThat(BatchSampler.Coupling.LOCKSTEP.stagger(settings)).isZero();
        assertThat(BatchSampler.Coupling.LOCKSTEP.feedback(settings)).isZero();
    }

    @Test
    void unknownSectionsAreNamedWithTheValidOnes() {
        assertThatThrownBy(() -> QualityReport.Section.fromId("directons")).hasMessageContaining("directions,foreign,conformance,composition");
        assertThat(QualityReport.Section.fromId("coherence")).isEqualTo(QualityReport.Section.COHERENCE);
    }

    @Test
    void theReportedCommandQuotesWhatTheShellWould() {
        Evaluate evaluate = new Evaluate(new String[] {"--samples", "8", "--out", "docs/my report.md"});
        assertThat(evaluate.command()).isEqualTo("evaluation/evaluate.sh --samples 8 --out 'docs/my report.md'");
    }
}

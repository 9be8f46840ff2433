package dev.codi.evaluation.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codi.evaluation.scoring.Artifacts;
import dev.codi.evaluation.scoring.WorldRendering;
import dev.codi.media.Modality;
import dev.codi.world.Attributes;
import dev.codi.world.Combination;
import dev.codi.world.WorldGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Both judges on true samples of both renderers (docs/design.md §7.1): each must read at least 99 % of
 * the attributes right, per modality, on the generator's renderings and on the spec renderer's.
 */
class SpecJudgeAccuracyTest {
    private static final int PER_MODALITY = 96;

    @Test
    void bothJudgesReadTrueRenderingsOfBothRenderers() {
        WorldGenerator generator = new WorldGenerator();
        SpecRenderer foreign = new SpecRenderer();
        List<String> report = new ArrayList<>();
        List<String> misses = new ArrayList<>();
        for (Modality modality : List.of(Modality.IMAGE, Modality.VIDEO, Modality.AUDIO, Modality.TEXT)) {
            int[] right = new int[4];   // (world judge, spec judge) × (generator, spec renderer)
            int scored = 0;
            Random random = new Random(27 + modality.ordinal());
            for (int k = 0; k < PER_MODALITY; k++) {
                Combination truth = Combination.ALL.get(k % Combination.ALL.size());
                byte[] generated = Artifacts.encode(WorldRendering.render(generator, truth, modality, random));
                ForeignRendering rendering = foreign.render(truth, modality, random);
                Attributes expected = modality == Modality.IMAGE
                        ? Attributes.of(truth.color(), truth.shape(), null) : truth.toAttributes();
                int attributes = expected.knownCount();
                scored += attributes;
                right[0] += matches(expected, Artifacts.judge(modality, generated));
                right[1] += matches(expected, SpecJudge.judge(modality, generated));
                right[2] += matches(expected, rendering.judgedByTheWorldJudge());
                Attributes read = SpecJudge.judge(modality, rendering.file());
                right[3] += matches(expected, read);
                if (matches(expected, read) < attributes) {
                    misses.add(modality + " " + truth + " " + rendering.choices() + " → " + read);
                }
            }
            report.add("%s: world judge %d/%d, %d/%d; spec judge %d/%d, %d/%d".formatted(modality, right[0], scored, right[2],
                    scored, right[1], scored, right[3], scored));
            for (int r : right) {
                assertThat(r / (double) scored).as(report + " misses " + misses).isGreaterThanOrEqualTo(0.99);
            }
        }
        System.out.println(String.join("\n", report));
    }

    private static int matches(Attributes expected, Attributes read) {
        int right = 0;
        right += expected.color() != null && expected.color() == read.color() ? 1 : 0;
        right += expected.shape() != null && expected.shape() == read.shape() ? 1 : 0;
        right += expected.motion() != null && expected.motion() == read.motion() ? 1 : 0;
        return right;
    }
}

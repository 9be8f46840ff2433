package dev.codi.evaluation.scoring;

import dev.codi.media.Modality;
import dev.codi.world.Attributes;
import dev.codi.world.Color;
import dev.codi.world.Motion;
import dev.codi.world.Shape;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The coherence metric on hand-made judgements. */
class CoherenceTest {
    private static final Attributes RED_MOVING_LEFT = Attributes.of(Color.RED, null, Motion.LEFT); // "a red shape moving left"

    private static Map<Modality, Attributes> judged(Object... modalityThenAttributes) {
        Map<Modality, Attributes> judged = new EnumMap<>(Modality.class);
        for (int i = 0; i < modalityThenAttributes.length; i += 2) {
            judged.put((Modality) modalityThenAttributes[i], (Attributes) modalityThenAttributes[i + 1]);
        }
        return judged;
    }

    @Test
    void outputsAgreeingOnTheOpenShapeCount() {
        var agreement = Coherence.agreement(RED_MOVING_LEFT, judged(
                Modality.IMAGE, Attributes.of(Color.RED, Shape.CIRCLE, null),
                Modality.AUDIO, Attributes.of(Color.BLUE, Shape.CIRCLE, Motion.UP)));
        // only shape is open; the wrong color and motion are accuracy's business, not coherence's
        assertThat(agreement).containsExactly(Map.entry(Attribute.SHAPE, true));
    }

    @Test
    void differentOrUnknownValuesDisagree() {
        assertThat(Coherence.agreement(RED_MOVING_LEFT, judged(
                Modality.IMAGE, Attributes.of(Color.RED, Shape.CIRCLE, null),
                Modality.AUDIO, Attributes.of(Color.RED, Shape.SQUARE, Motion.LEFT)))).containsEntry(Attribute.SHAPE, false);
        assertThat(Coherence.agreement(RED_MOVING_LEFT, judged(
                Modality.IMAGE, Attributes.of(Color.RED, null, null),
                Modality.AUDIO, Attributes.of(Color.RED, null, Motion.LEFT)))).containsEntry(Attribute.SHAPE, false);
    }

    @Test
    void anAttributeOnlyOneOutputCarriesIsNotMeasured() {
        Attributes somethingGreen = Attributes.of(Color.GREEN, null, null);
        assertThat(Coherence.measured(somethingGreen, EnumSet.of(Modality.IMAGE, Modality.AUDIO))).containsExactly(Attribute.SHAPE);
        assertThat(Coherence.measured(somethingGreen, EnumSet.of(Modality.AUDIO, Modality.VIDEO)))
                .containsExactly(Attribute.SHAPE, Attribute.MOTION);
        assertThat(Coherence.measured(Attributes.of(Color.BLUE, Shape.SQUARE, null), EnumSet.of(Modality.IMAGE, Modality.AUDIO))).isEmpty();
    }

    @Test
    void threeOutputsAgreeOnlyWhenAllDo() {
        Attributes aCircle = Attributes.of(null, Shape.CIRCLE, null);
        var agreement = Coherence.agreement(aCircle, judged(
                Modality.IMAGE, Attributes.of(Color.YELLOW, Shape.CIRCLE, null),
                Modality.AUDIO, Attributes.of(Color.YELLOW, Shape.CIRCLE, Motion.DOWN),
                Modality.VIDEO, Attributes.of(Color.YELLOW, Shape.CIRCLE, Motion.UP)));
        assertThat(agreement).containsEntry(Attribute.COLOR, true).containsEntry(Attribute.MOTION, false).doesNotContainKey(Attribute.SHAPE);
        assertThat(Coherence.carriers(Attribute.MOTION, EnumSet.of(Modality.IMAGE, Modality.AUDIO, Modality.VIDEO))).isEqualTo(2);
    }

    @Test
    void chanceIsOneOverValuesPerExtraOutput() {
        assertThat(Coherence.chance(Attribute.SHAPE, 2)).isCloseTo(0.25, within(1e-12));
        assertThat(Coherence.chance(Attribute.SHAPE, 3)).isCloseTo(0.0625, within(1e-12));
        assertThat(Coherence.chance(Attribute.COLOR, 2)).isCloseTo(1 / 6.0, within(1e-12));
    }
}

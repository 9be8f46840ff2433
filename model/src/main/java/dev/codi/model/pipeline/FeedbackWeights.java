package dev.codi.model.pipeline;

import dev.codi.media.Modality;

import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * How much each other output's shared-space reading weighs in an output's conditioning, in joint
 * sampling with feedback (CoDi's composable conditioning, §3.2, applied to the outputs being generated).
 *
 * <p>A reading counts by what its modality shows. In Shapes & Tones every modality shows color and
 * shape, and all but the image show motion ({@link Modality#showsMotion()}). A reading whose modality
 * shows every attribute the reader shows weighs the full feedback weight {@code w}. One that lacks
 * some (an image's, read by audio, video or text: no motion) weighs {@code w / 4}, and is left out altogether when another output
 * gives a reading that shows them all: its prompt encoder places a motion-less image at some motion,
 * which would pull the reader's motion away from the full reading's; alone, it pulls the reader's
 * motion away from the one the prompt names, hence the quarter. Text is read by none (it gives no
 * reading), so it never counts as the other output.
 *
 * <p>Measured on the quality report's jobs: docs/quality.md, "Joint coherence".
 */
public final class FeedbackWeights {
    /**
     * The share of the feedback weight that a reading lacking some of the reader's attributes gets when
     * no reading that shows them all is there: a quarter (measured against a half and none on
     * the report's jobs; docs/quality.md, "Joint coherence").
     */
    public static final double PARTIAL_SHARE = 0.25;

    private FeedbackWeights() {
    }

    /**
     * @param reader      the output whose conditioning the readings are mixed into
     * @param readOutputs the outputs that give a reading (the job's outputs whose modality the shared space reads)
     * @param feedback    the feedback weight {@code w} of the job
     * @return the weight of each other output's reading; an output left out has none
     */
    public static Map<Modality, Double> of(Modality reader, Collection<Modality> readOutputs, double feedback) {
        Set<Modality> others = EnumSet.noneOf(Modality.class);
        others.addAll(readOutputs);
        others.remove(reader);
        boolean someReadingShowsAll = others.stream().anyMatch(other -> showsAllOf(other, reader));
        Map<Modality, Double> weights = new EnumMap<>(Modality.class);
        for (Modality other : others) {
            if (showsAllOf(other, reader)) {
                weights.put(other, feedback);
            } else if (!someReadingShowsAll) {
                weights.put(other, feedback * PARTIAL_SHARE);
            }
        }
        return weights;
    }

    /** Whether {@code modality} shows every attribute {@code reader} shows (all show color and shape). */
    static boolean showsAllOf(Modality modality, Modality reader) {
        return modality.showsMotion() || !reader.showsMotion();
    }
}

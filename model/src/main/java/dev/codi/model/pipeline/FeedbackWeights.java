package dev.codi.model.pipeline;

import dev.codi.media.Modality;

import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * How much each other output's shared-space reading weighs in an output's conditioning, in joint
 * sampling with feedback (CoDi's composable conditioning, §3.2, applied to the outputs being
 * generated; docs/design.md §6.4). This is the one statement of the rule:
 *
 * <ul>
 *   <li>A reading counts by what its modality shows (the bundle's manifest says; in Shapes &amp; Tones
 *       every modality shows color and shape, and all but the image show motion). A reading whose
 *       modality shows every attribute the reader shows weighs the job's feedback weight {@code w}.</li>
 *   <li>One that lacks some (an image's, read by audio, video or text: no motion) weighs
 *       {@code w · }{@link #PARTIAL_SHARE}, and nothing when another output gives a reading that shows
 *       them all.</li>
 *   <li>Text gives no reading, so it is never the other output.</li>
 * </ul>
 *
 * <p>Why: the image's prompt encoder places a motion-less image at some motion. Beside a full reading
 * that pull would take the reader's motion away from the full reading's; alone, it takes it away
 * from the motion the prompt names, hence a reduced share rather than none.
 */
public final class FeedbackWeights {
    /**
     * The share of the feedback weight that a reading lacking some of the reader's attributes gets when
     * no reading that shows them all is there. A sampling default tuned on the quality report's jobs:
     * a quarter measured better than a half (image + video's named motion) and than none (image +
     * audio's shape agreement); docs/quality.md, "Joint coherence", reports the runs with it.
     */
    public static final double PARTIAL_SHARE = 0.25;

    private FeedbackWeights() {
    }

    /**
     * @param reader      the output whose conditioning the readings are mixed into
     * @param readOutputs the outputs that give a reading (the job's outputs whose modality the shared space reads)
     * @param feedback    the feedback weight {@code w} of the job
     * @param shows       what each modality shows of the world's attributes (the bundle's manifest)
     * @return the weight of each other output's reading; an output left out has none
     */
    public static Map<Modality, Double> of(Modality reader, Collection<Modality> readOutputs, double feedback,
                                           Map<Modality, Set<String>> shows) {
        Set<Modality> others = EnumSet.noneOf(Modality.class);
        others.addAll(readOutputs);
        others.remove(reader);
        boolean someReadingShowsAll = others.stream().anyMatch(other -> shows.get(other).containsAll(shows.get(reader)));
        Map<Modality, Double> weights = new EnumMap<>(Modality.class);
        for (Modality other : others) {
            if (shows.get(other).containsAll(shows.get(reader))) {
                weights.put(other, feedback);
            } else if (!someReadingShowsAll) {
                weights.put(other, feedback * PARTIAL_SHARE);
            }
        }
        return weights;
    }
}

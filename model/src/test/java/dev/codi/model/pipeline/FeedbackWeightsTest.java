package dev.codi.model.pipeline;

import dev.codi.media.Modality;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.codi.media.Modality.AUDIO;
import static dev.codi.media.Modality.IMAGE;
import static dev.codi.media.Modality.TEXT;
import static dev.codi.media.Modality.VIDEO;
import static org.assertj.core.api.Assertions.assertThat;

class FeedbackWeightsTest {
    /** What the committed bundle's manifest says each modality shows: an image shows no motion. */
    private static final Map<Modality, Set<String>> SHAPES_AND_TONES = Map.of(TEXT, Set.of("color", "shape", "motion"),
            IMAGE, Set.of("color", "shape"), AUDIO, Set.of("color", "shape", "motion"), VIDEO, Set.of("color", "shape", "motion"));

    @Test
    void aReadingThatShowsEverythingTheOutputShowsWeighsTheFeedbackWeight() {
        assertThat(FeedbackWeights.of(IMAGE, List.of(IMAGE, AUDIO), 0.8, SHAPES_AND_TONES)).isEqualTo(Map.of(AUDIO, 0.8));
        assertThat(FeedbackWeights.of(IMAGE, List.of(IMAGE, VIDEO), 0.8, SHAPES_AND_TONES)).isEqualTo(Map.of(VIDEO, 0.8));
        assertThat(FeedbackWeights.of(AUDIO, List.of(AUDIO, VIDEO), 0.8, SHAPES_AND_TONES)).isEqualTo(Map.of(VIDEO, 0.8));
        assertThat(FeedbackWeights.of(VIDEO, List.of(AUDIO, VIDEO), 0.8, SHAPES_AND_TONES)).isEqualTo(Map.of(AUDIO, 0.8));
        assertThat(FeedbackWeights.of(IMAGE, List.of(IMAGE, AUDIO, VIDEO), 0.8, SHAPES_AND_TONES)).isEqualTo(Map.of(AUDIO, 0.8, VIDEO, 0.8));
    }

    @Test
    void anImageReadByAnOutputThatShowsMotionWeighsAQuarterAloneAndNothingBesideAReadingThatShowsMotion() {
        assertThat(FeedbackWeights.of(AUDIO, List.of(IMAGE, AUDIO), 0.8, SHAPES_AND_TONES)).isEqualTo(Map.of(IMAGE, 0.2));
        assertThat(FeedbackWeights.of(VIDEO, List.of(IMAGE, VIDEO), 0.8, SHAPES_AND_TONES)).isEqualTo(Map.of(IMAGE, 0.2));
        assertThat(FeedbackWeights.of(AUDIO, List.of(IMAGE, AUDIO, VIDEO), 0.8, SHAPES_AND_TONES)).isEqualTo(Map.of(VIDEO, 0.8));
        assertThat(FeedbackWeights.of(VIDEO, List.of(IMAGE, AUDIO, VIDEO), 0.8, SHAPES_AND_TONES)).isEqualTo(Map.of(AUDIO, 0.8));
        // text shows motion too; it reads the others but gives no reading, so it is never the other output
        assertThat(FeedbackWeights.of(TEXT, List.of(IMAGE), 1.0, SHAPES_AND_TONES)).isEqualTo(Map.of(IMAGE, 0.25));
        assertThat(FeedbackWeights.of(TEXT, List.of(IMAGE, VIDEO), 1.0, SHAPES_AND_TONES)).isEqualTo(Map.of(VIDEO, 1.0));
        assertThat(FeedbackWeights.of(VIDEO, List.of(IMAGE, VIDEO), 1.0, SHAPES_AND_TONES)).as("text beside image and video").isEqualTo(Map.of(IMAGE, 0.25));
    }

    @Test
    void anOutputAloneOrWithoutFeedbackReadsNothingWeighty() {
        assertThat(FeedbackWeights.of(IMAGE, List.of(IMAGE), 1.0, SHAPES_AND_TONES)).isEmpty();
        assertThat(FeedbackWeights.of(TEXT, List.of(), 1.0, SHAPES_AND_TONES)).isEmpty();
        assertThat(FeedbackWeights.of(AUDIO, List.of(IMAGE, AUDIO), 0.0, SHAPES_AND_TONES)).isEqualTo(Map.of(IMAGE, 0.0));
    }
}

package dev.codi.evaluation.scoring;

import dev.codi.evaluation.Seeds;
import dev.codi.evaluation.Splits;
import dev.codi.media.Modality;
import dev.codi.model.GeneratedMedia;
import dev.codi.model.PromptInput;
import dev.codi.world.Attributes;
import dev.codi.world.Color;
import dev.codi.world.Combination;
import dev.codi.world.Sample;
import dev.codi.world.WorldGenerator;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scorer, independent of any model: true world renderings fed through exactly the path the
 * report scores generated outputs by (artifact bytes → judge → attribute score) score 100 %, and a
 * wrong truth scores 0 on the attribute it gets wrong.
 */
class GroundTruthScoringTest {
    private static final int SAMPLES_PER_MODALITY = 24;

    @Test
    void trueWorldSamplesScoreEveryCarriedAttributeRight() {
        WorldGenerator world = new WorldGenerator();
        Map<Modality, AttributeScore> scores = new EnumMap<>(Modality.class);
        for (int k = 0; k < SAMPLES_PER_MODALITY; k++) {
            Combination combination = Splits.ALL.pick(7, "ground-truth", k);
            Sample sample = world.sample(combination, Seeds.random(7, "ground-truth/sample", k));
            for (Modality modality : Modality.values()) {
                GeneratedMedia media = Artifacts.asOutput(sample, modality);
                scores.computeIfAbsent(modality, m -> new AttributeScore())
                        .add(combination.toAttributes(), Artifacts.judge(media), Attribute.carriedBy(modality));
            }
        }
        for (Modality modality : Modality.values()) {
            AttributeScore score = scores.get(modality);
            assertThat(score.attributes().counted()).as(modality.wireName())
                    .isEqualTo(SAMPLES_PER_MODALITY * Attribute.carriedBy(modality).size());
            assertThat(score.attributes().rate()).as(modality.wireName() + " " + score.attributes()).isEqualTo(1.0);
            assertThat(score.wholeOutputs().rate()).isEqualTo(1.0);
        }
    }

    @Test
    void worldInputsSurviveTheirFileRoundTrip() {
        Combination combination = Combination.parse("purple triangle up");
        Sample sample = new WorldGenerator().sample(combination, Seeds.random(3, "inputs"));
        for (Modality modality : Modality.values()) {
            var input = Artifacts.asInput(sample, modality);
            assertThat(input.modality()).isEqualTo(modality);
            GeneratedMedia back;
            if (input instanceof PromptInput.Text text) {
                back = new GeneratedMedia.Text(text.text());
            } else if (input instanceof PromptInput.Image image) {
                back = new GeneratedMedia.Image(image.image());
            } else if (input instanceof PromptInput.Audio audio) {
                back = new GeneratedMedia.Audio(audio.audio());
            } else {
                back = new GeneratedMedia.Video(((PromptInput.Video) input).video());
            }
            assertThat(Attribute.restrict(Artifacts.judge(back), Attribute.carriedBy(modality)))
                    .isEqualTo(Attribute.restrict(combination.toAttributes(), Attribute.carriedBy(modality)));
        }
    }

    @Test
    void aWrongTruthScoresZeroOnTheWrongAttributeOnly() {
        Combination combination = Combination.parse("red circle left");
        Sample sample = new WorldGenerator().sample(combination, Seeds.random(5, "wrong"));
        Attributes wrongColor = combination.toAttributes().withColor(Color.BLUE);
        AttributeScore score = new AttributeScore();
        score.add(wrongColor, Artifacts.judge(Artifacts.asOutput(sample, Modality.AUDIO)), Attribute.carriedBy(Modality.AUDIO));
        assertThat(score.of(Attribute.COLOR).rate()).isEqualTo(0.0);
        assertThat(score.of(Attribute.SHAPE).rate()).isEqualTo(1.0);
        assertThat(score.of(Attribute.MOTION).rate()).isEqualTo(1.0);
        assertThat(score.attributes().right()).isEqualTo(2);
        assertThat(score.wholeOutputs().rate()).isEqualTo(0.0);
    }

    @Test
    void sameArtifactComparesTheFilesBytes() {
        WorldGenerator world = new WorldGenerator();
        Sample one = world.sample(Combination.parse("blue cross right"), Seeds.random(9, "same", 1));
        Sample other = world.sample(Combination.parse("blue cross right"), Seeds.random(9, "same", 2));
        for (Modality modality : Modality.values()) {
            assertThat(Artifacts.sameArtifact(Artifacts.asOutput(one, modality), Artifacts.asOutput(one, modality))).isTrue();
        }
        assertThat(Artifacts.sameArtifact(Artifacts.asOutput(one, Modality.IMAGE), Artifacts.asOutput(other, Modality.IMAGE))).isFalse();
        assertThat(Artifacts.sameArtifact(Artifacts.asOutput(one, Modality.AUDIO), Artifacts.asOutput(other, Modality.AUDIO))).isFalse();
        assertThat(Artifacts.sameArtifact(Artifacts.asOutput(one, Modality.IMAGE), Artifacts.asOutput(one, Modality.VIDEO))).isFalse();
    }

    @Test
    void anUnknownReadingIsWrongAndAnImageIsNeverScoredOnMotion() {
        AttributeScore score = new AttributeScore();
        Attributes truth = Combination.parse("green square down").toAttributes();
        score.add(truth, Attributes.none(), Attribute.carriedByBoth(Modality.TEXT, Modality.IMAGE));
        assertThat(score.attributes().toString()).isEqualTo("0/2");
        assertThat(score.of(Attribute.MOTION).counted()).isZero();
        assertThat(Artifacts.judge(Modality.IMAGE, new byte[] {1, 2, 3})).isEqualTo(Attributes.none());
    }
}

package dev.codi.training;

import dev.codi.media.Modality;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;

import static dev.codi.media.Modality.AUDIO;
import static dev.codi.media.Modality.IMAGE;
import static dev.codi.media.Modality.TEXT;
import static dev.codi.media.Modality.VIDEO;
import static org.assertj.core.api.Assertions.assertThat;

/** Which outputs each stage-2 stage generates together, and which sides it trains. */
class TrainingStepTest {

    @Test
    void bridgingTrainsOnlyTheSideNewToStageTwoAndTheMixedStageTrainsEverySide() {
        assertThat(TrainingStep.stageTwo()).containsExactly(TrainingStep.JOINT_TEXT_IMAGE, TrainingStep.JOINT_TEXT_AUDIO, TrainingStep.JOINT_AUDIO_VIDEO, TrainingStep.JOINT_MIXED);
        assertThat(TrainingStep.JOINT_TEXT_IMAGE.trainedInStageTwo()).containsExactly(TEXT, IMAGE);
        assertThat(TrainingStep.JOINT_TEXT_AUDIO.trainedInStageTwo()).containsExactly(AUDIO);
        assertThat(TrainingStep.JOINT_AUDIO_VIDEO.trainedInStageTwo()).containsExactly(VIDEO);
        assertThat(TrainingStep.JOINT_MIXED.trainedInStageTwo()).containsExactly(TEXT, IMAGE, AUDIO, VIDEO);
        assertThat(TrainingStep.JOINT_AUDIO_VIDEO.pair()).containsExactly(AUDIO, VIDEO);
        assertThat(TrainingStep.JOINT_MIXED.pair()).isEmpty();
        assertThat(TrainingStep.IMAGE_DENOISER.joint()).isFalse();
        assertThat(TrainingStep.IMAGE_DENOISER.outputSets()).isEmpty();
    }

    @Test
    void theMixedStageDrawsFromEverySetOfTwoToFourOutputsEachInModalityOrder() {
        List<List<Modality>> sets = TrainingStep.JOINT_MIXED.outputSets();
        assertThat(sets).hasSize(11);                                   // 6 pairs, 4 triples, 1 of all four
        assertThat(new HashSet<>(sets)).hasSize(11);
        assertThat(sets).filteredOn(set -> set.size() == 2).hasSize(6);
        assertThat(sets).filteredOn(set -> set.size() == 3).hasSize(4).contains(List.of(IMAGE, AUDIO, VIDEO));
        assertThat(sets).contains(List.of(TEXT, IMAGE, AUDIO, VIDEO), List.of(IMAGE, VIDEO), List.of(IMAGE, AUDIO));
        // the sampler stacks the other outputs' tokens in modality order: training must see them in that order
        assertThat(sets).allSatisfy(set -> assertThat(set).isSortedAccordingTo(java.util.Comparator.comparingInt(Modality::ordinal)));
        assertThat(TrainingStep.JOINT_MIXED.modalities()).containsExactly(TEXT, IMAGE, AUDIO, VIDEO);
        assertThat(TrainingStep.fromId("joint-mixed")).isEqualTo(TrainingStep.JOINT_MIXED);
    }

    @Test
    void aConfigSavedBeforeTheMixedStageExistedGetsItsDefaultSchedule() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var saved = (com.fasterxml.jackson.databind.node.ObjectNode) json.valueToTree(TrainConfig.defaults());
        ((com.fasterxml.jackson.databind.node.ObjectNode) saved.get("stageTwo")).remove("mixed");
        TrainConfig config = json.treeToValue(saved, TrainConfig.class);
        assertThat(config.schedule(TrainingStep.JOINT_MIXED)).isEqualTo(TrainConfig.defaults().schedule(TrainingStep.JOINT_MIXED));
        assertThat(config.schedule(TrainingStep.JOINT_AUDIO_VIDEO)).isEqualTo(TrainConfig.defaults().schedule(TrainingStep.JOINT_AUDIO_VIDEO));
    }
}

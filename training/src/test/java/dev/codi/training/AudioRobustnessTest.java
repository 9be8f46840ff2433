package dev.codi.training;

import dev.codi.model.tiny.CodiTinyConfig;
import dev.codi.model.tiny.CodiTinyModel;
import dev.codi.training.data.RandomisedAudioSet;
import dev.codi.training.data.WorldDataset;
import dev.codi.training.loop.CheckpointState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Audio alignment on domain-randomised clips, re-run on a finished run with an anchor to the
 * encoder it starts from: the clips are reproducible and leave the dataset unchanged, and the
 * extension records its settings in its checkpoints and in the exported bundle's manifest.
 */
class AudioRobustnessTest {
    private static final int SAMPLES = 24;

    private static TrainConfig tiny(int steps) {
        TrainConfig defaults = TrainConfig.defaults();
        return defaults.withEveryStage(steps, 16).with(defaults.seed(), SAMPLES, 2);
    }

    @Test
    void randomisedClipsAreReproducibleFromTheSeedAndDifferFromTheDatasetsOwn() {
        CodiTinyConfig model = CodiTinyConfig.defaults();
        RandomisedAudioSet first = RandomisedAudioSet.render(5, 4, model);
        RandomisedAudioSet again = RandomisedAudioSet.render(5, 4, model);
        WorldDataset dataset = WorldDataset.render(5, 4, 0.25, 0.3, model);
        int values = dataset.spectrogramValues();
        for (int sample = 0; sample < 4; sample++) {
            float[] randomised = new float[values];
            float[] repeated = new float[values];
            float[] own = new float[values];
            first.spectrogram(sample, randomised, 0);
            again.spectrogram(sample, repeated, 0);
            dataset.spectrogram(sample, own, 0);
            assertThat(repeated).containsExactly(randomised);
            assertThat(Arrays.equals(randomised, own)).as("sample %d's randomised clip is another rendering", sample).isFalse();
        }
    }

    @Test
    void anAnchoredReRunOfAudioAlignmentRecordsItsSettingsAndTheBundleHoldsItsEncoder(@TempDir Path directory) throws Exception {
        TrainConfig config = tiny(2);
        assertThat(config.randomisedAudioShare()).isEqualTo(0.5);
        assertThat(config.audioAnchorWeight()).isZero();
        try (TrainingContext context = new TrainingContext(config, directory)) {
            Stages.run(context, Arrays.stream(TrainingStep.values()).filter(stage -> !stage.joint()).toList()); // stage 1 is enough
        }
        TrainConfig anchored = config.withAudioRobustness(0.75, 10);
        try (TrainingContext context = new TrainingContext(anchored, directory)) { // `stage audio-alignment --extend-to 4 --audio-anchor-weight 10`
            CheckpointState state = Stages.run(context, List.of(TrainingStep.AUDIO_ALIGNMENT), 4);
            assertThat(state.losses().get("audio-alignment")).isFinite().isPositive();
            assertThat(state.config().audioAnchorWeight()).isEqualTo(10);
            assertThat(state.config().randomisedAudioShare()).isEqualTo(0.75);
        }
        assertThat(directory.resolve("audio-alignment-anchor-from-step-000002.bin")).isRegularFile();
        byte[] encoder = Files.readAllBytes(directory.resolve("audio-alignment/step-000004/audio_encoder.params"));
        assertThat(encoder).isNotEqualTo(Files.readAllBytes(directory.resolve("video-denoiser/step-000002/audio_encoder.params")));

        Path bundle = directory.resolve("bundle");
        Train.export(directory, bundle);
        assertThat(Files.readAllBytes(bundle.resolve("audio_encoder.params"))).isEqualTo(encoder);
        try (CodiTinyModel model = CodiTinyModel.load(bundle)) {
            @SuppressWarnings("unchecked")
            var recorded = (Map<String, Object>) model.bundleManifest().training().get("config");
            assertThat(recorded.get("audioAnchorWeight")).isEqualTo(10.0);
            assertThat(recorded.get("randomisedAudioShare")).isEqualTo(0.75);
            assertThat(recorded.get("audioAlignment").toString()).contains("steps=4");
        }
    }
}

package dev.codi.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.codi.model.PromptInput;
import dev.codi.model.nn.TinyBlock;
import dev.codi.model.tiny.BundleManifest;
import dev.codi.model.denoiser.EnvironmentEncoder;
import dev.codi.model.tiny.CodiTinyConfig;
import dev.codi.model.tiny.CodiTinyModel;
import dev.codi.training.loop.CheckpointState;
import dev.codi.training.loop.StageRunner;
import dev.codi.training.loop.StageTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every trainer on a tiny dataset, a few steps each: finite losses, resume, determinism, the bundle. */
class StagesTest {
    private static final int SAMPLES = 24;
    /** The networks whose weight files stage 2 changes: environment encoders, and denoisers (their joint attention). */
    private static final List<String> STAGE_TWO_NETWORKS = List.of("text_environment", "image_environment", "audio_environment",
            "video_environment", "text_denoiser", "image_denoiser", "audio_denoiser", "video_denoiser");
    private static final List<TrainingStep> STAGE_ONE = Arrays.stream(TrainingStep.values()).filter(s -> !s.joint()).toList();

    private static TrainConfig tiny(int steps) {
        TrainConfig defaults = TrainConfig.defaults();
        return defaults.withEveryStage(steps, 16).with(defaults.seed(), SAMPLES, 2);
    }

    /** {@link #tiny} at 2 steps a stage, the mixed stage at {@code mixedSteps}. */
    private static TrainConfig tinyWithMixedSteps(int mixedSteps) {
        TrainConfig tiny = tiny(2);
        return tiny.withStageTwo(tiny.stageTwo().with(TrainingStep.JOINT_MIXED, new TrainConfig.Schedule(mixedSteps, 16, 2e-3)));
    }

    @Test
    void everyStageTrainsWithFiniteLossesAndTheResultIsALoadableTrainedBundle(@TempDir Path directory) {
        TrainConfig config = tiny(3);
        CheckpointState state;
        Path bundle = directory.resolve("bundle");
        try (TrainingContext context = new TrainingContext(config, directory.resolve("run"))) {
            state = Stages.run(context, Arrays.asList(TrainingStep.values()));
            Train.writeBundle(context, state, bundle);
        }
        assertThat(state.done()).isTrue();
        assertThat(state.stage()).isEqualTo("joint-mixed");
        assertThat(state.losses()).hasSize(TrainingStep.values().length).allSatisfy((stage, loss) -> assertThat(loss).isFinite().isPositive());
        assertThat(state.latentScales()).containsOnlyKeys("image", "audio", "text", "video")
                .allSatisfy((modality, scale) -> assertThat(scale).isFinite().isPositive());
        try (CodiTinyModel model = CodiTinyModel.load(bundle)) {
            BundleManifest manifest = model.bundleManifest();
            assertThat(manifest.trained()).isTrue();
            assertThat(manifest.latentScales().get("image")).isEqualTo(state.latentScales().get("image"));
            assertThat(manifest.training()).containsKeys("config", "seed", "durationSeconds", "stageLosses");
            assertThat(model.encode(new PromptInput.Text("a red circle moving left"))).hasSize(manifest.embeddingDimension());
        }
    }

    @Test
    void stageTwoTrainsOnlyEnvironmentEncodersAndJointAttentionAndMakesJointSamplingDiffer(@TempDir Path directory) throws Exception {
        // the mixed stage draws one set of outputs per step: enough steps that every modality is drawn
        TrainConfig config = tinyWithMixedSteps(6);
        Path run = directory.resolve("run");
        try (TrainingContext context = new TrainingContext(config, run)) {
            Stages.run(context, STAGE_ONE);
        }
        Path stageOneEnd = run.resolve("video-denoiser/step-000002");
        CheckpointState state;
        Path bundle = directory.resolve("bundle");
        try (TrainingContext context = new TrainingContext(config, run)) {
            state = Stages.run(context, TrainingStep.stageTwo());
            Train.writeBundle(context, state, bundle);
        }
        assertThat(state.stage()).isEqualTo("joint-mixed");
        assertThat(state.losses()).containsKeys("joint-text-image", "joint-text-audio", "joint-audio-video", "joint-mixed");
        Path bridgingEnd = run.resolve("joint-audio-video/step-000002");
        Path stageTwoEnd = run.resolve("joint-mixed/step-000006");
        // every stage-1 network is frozen: its weight file is byte for byte what stage 1 left
        for (String frozen : List.of("image_autoencoder", "audio_autoencoder", "text_autoencoder", "text_encoder", "image_encoder",
                "audio_encoder", "video_encoder")) {
            for (Path end : List.of(bridgingEnd, stageTwoEnd)) {
                assertThat(Files.readAllBytes(end.resolve(frozen + ".params")))
                        .as(frozen).isEqualTo(Files.readAllBytes(stageOneEnd.resolve(frozen + ".params")));
            }
        }
        // environment encoders and the denoisers' joint attention changed (the denoisers' files hold both)
        for (String trained : STAGE_TWO_NETWORKS) {
            assertThat(Files.readAllBytes(bridgingEnd.resolve(trained + ".params")))
                    .as(trained).isNotEqualTo(Files.readAllBytes(stageOneEnd.resolve(trained + ".params")));
            // the mixed stage trains every one of them again, on sets of two to four outputs
            assertThat(Files.readAllBytes(stageTwoEnd.resolve(trained + ".params")))
                    .as(trained + " after the mixed stage").isNotEqualTo(Files.readAllBytes(bridgingEnd.resolve(trained + ".params")));
        }
        // bridging: a later pair leaves the side an earlier pair trained as it was (text after text–image, audio after text–audio)
        Path textImageEnd = run.resolve("joint-text-image/step-000002");
        Path textAudioEnd = run.resolve("joint-text-audio/step-000002");
        for (String kept : List.of("text_environment", "text_denoiser", "image_environment", "image_denoiser")) {
            assertThat(Files.readAllBytes(bridgingEnd.resolve(kept + ".params")))
                    .as(kept).isEqualTo(Files.readAllBytes(textImageEnd.resolve(kept + ".params")));
        }
        for (String kept : List.of("audio_environment", "audio_denoiser")) {
            assertThat(Files.readAllBytes(bridgingEnd.resolve(kept + ".params")))
                    .as(kept).isEqualTo(Files.readAllBytes(textAudioEnd.resolve(kept + ".params")));
        }
        try (CodiTinyModel model = CodiTinyModel.load(bundle)) {
            assertThat(model.bundleManifest().description()).contains("stage 2").contains("mixed");
        }
    }

    @Test
    void stageTwoTrainsEnvironmentEncodersThatReadTheCleanEstimateAndTheBundleSaysSo(@TempDir Path directory) throws Exception {
        TrainConfig config = tiny(2);
        Path run = directory.resolve("run");
        try (TrainingContext context = new TrainingContext(config, run)) {
            Stages.run(context, STAGE_ONE);
        }
        Path stageOneEnd = run.resolve("video-denoiser/step-000002");
        // the same stage-1 end and seed, stage 2 twice: environment encoders reading z_t, then reading x̂₀
        Path noisyRun = directory.resolve("noisy");
        Path cleanRun = directory.resolve("clean");
        copyTree(run, noisyRun);
        copyTree(run, cleanRun);
        try (TrainingContext context = new TrainingContext(config, noisyRun)) {
            Stages.run(context, List.of(TrainingStep.JOINT_TEXT_IMAGE));
        }
        CodiTinyConfig cleanEstimate = CodiTinyConfig.defaults().withEnvironmentReads(EnvironmentEncoder.Reads.CLEAN_ESTIMATE);
        CheckpointState state;
        Path bundle = directory.resolve("bundle");
        try (TrainingContext context = new TrainingContext(config, cleanRun, cleanEstimate)) {
            state = Stages.run(context, TrainingStep.stageTwo());
            Train.writeBundle(context, state, bundle);
        }
        assertThat(state.losses()).containsKeys("joint-text-image", "joint-text-audio", "joint-audio-video")
                .allSatisfy((stage, loss) -> assertThat(loss).isFinite().isPositive());
        Path noisyEnd = noisyRun.resolve("joint-text-image/step-000002");
        Path cleanEnd = cleanRun.resolve("joint-text-image/step-000002");
        for (String trained : List.of("text_environment", "image_environment")) {
            byte[] before = Files.readAllBytes(stageOneEnd.resolve(trained + ".params"));
            assertThat(Files.readAllBytes(cleanEnd.resolve(trained + ".params"))).as(trained + " trained").isNotEqualTo(before);
            // the estimate is what the encoders read: the same steps on z_t end elsewhere
            assertThat(Files.readAllBytes(cleanEnd.resolve(trained + ".params")))
                    .as(trained + " reading x̂₀ against z_t").isNotEqualTo(Files.readAllBytes(noisyEnd.resolve(trained + ".params")));
        }
        try (CodiTinyModel model = CodiTinyModel.load(bundle)) {
            assertThat(model.networks().environmentEncoders.values())
                    .allSatisfy(encoder -> assertThat(encoder.reads()).isEqualTo(EnvironmentEncoder.Reads.CLEAN_ESTIMATE));
        }
    }

    @Test
    void aSecondStageTwoSeedTrainsTheStagesItStartsWithThatSeedAndTheBundleRecordsEveryStagesSeed(@TempDir Path directory) throws Exception {
        TrainConfig config = tinyWithMixedSteps(4);
        Path run = directory.resolve("run");
        try (TrainingContext context = new TrainingContext(config, run)) {
            Stages.run(context, Arrays.asList(TrainingStep.values()));
        }
        List<String> trained = STAGE_TWO_NETWORKS;
        byte[] firstSeed = concatenated(run.resolve("joint-mixed/step-000004"), trained);
        deleteTree(run.resolve("joint-mixed"));

        // `train joint --seed 7`: the finished stages are kept, the mixed stage starts again with seed 7
        TrainConfig seven = common(run, 7L).config(TrainingStep.stageTwo());
        assertThat(seven.seed()).isEqualTo(7);
        Path bundle = directory.resolve("bundle");
        try (TrainingContext context = new TrainingContext(seven, run)) {
            CheckpointState state = Stages.run(context, TrainingStep.stageTwo());
            Train.writeBundle(context, state, bundle);
        }
        var checkpoints = new dev.codi.training.loop.Checkpoints(run);
        assertThat(checkpoints.readState(run.resolve("joint-mixed/step-000004")).seed()).isEqualTo(7);
        assertThat(checkpoints.readState(run.resolve("joint-audio-video/step-000002")).seed()).isEqualTo(config.seed());
        assertThat(concatenated(run.resolve("joint-mixed/step-000004"), trained)).isNotEqualTo(firstSeed);
        try (CodiTinyModel model = CodiTinyModel.load(bundle)) {
            BundleManifest manifest = model.bundleManifest();
            assertThat(manifest.seed()).isEqualTo(config.seed());
            @SuppressWarnings("unchecked")
            var stageSeeds = (java.util.Map<String, Number>) manifest.training().get("stageSeeds");
            assertThat(stageSeeds).hasSize(TrainingStep.values().length);
            assertThat(stageSeeds.get("video-denoiser").longValue()).isEqualTo(config.seed());
            assertThat(stageSeeds.get("joint-audio-video").longValue()).isEqualTo(config.seed());
            assertThat(stageSeeds.get("joint-mixed").longValue()).isEqualTo(7);
            assertThat((String) manifest.training().get("command")).startsWith("codi train all --seed " + config.seed())
                    .contains("from joint-mixed on").endsWith("codi train joint --seed 7");
        }

        // an interrupted stage resumes with the seed it began with; another --seed is refused
        deleteTree(run.resolve("joint-mixed/step-000004"));
        assertThat(common(run, null).config(TrainingStep.stageTwo()).seed()).isEqualTo(7);
        assertThatThrownBy(() -> common(run, config.seed()).config(TrainingStep.stageTwo()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("joint-mixed").hasMessageContaining("began with seed 7");
        // with no --seed, a new stage goes on with the seed of the run's newest checkpoint
        deleteTree(run.resolve("joint-mixed"));
        assertThat(common(run, null).config(TrainingStep.stageTwo()).seed()).isEqualTo(config.seed());
    }

    private static Train.Common common(Path directory, Long seed) {
        Train.Common common = new Train.Common();
        common.directory = directory;
        common.seed = seed;
        return common;
    }

    private static byte[] concatenated(Path checkpoint, List<String> networks) throws java.io.IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        for (String network : networks) {
            bytes.write(Files.readAllBytes(checkpoint.resolve(network + ".params")));
        }
        return bytes.toByteArray();
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static void copyTree(Path source, Path target) throws java.io.IOException {
        try (var paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Path copy = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(path, copy);
                }
            }
        }
    }

    @Test
    void aBridgedEncoderExtendedAfterTheRunIsWhatLaterStagesTrainOnAndWhatStageTwoKeeps(@TempDir Path directory) throws Exception {
        TrainConfig config = tiny(2);
        try (TrainingContext context = new TrainingContext(config, directory)) {
            Stages.run(context, STAGE_ONE);
            Stages.run(context, List.of(TrainingStep.JOINT_TEXT_IMAGE, TrainingStep.JOINT_TEXT_AUDIO));
        }
        try (TrainingContext context = new TrainingContext(config, directory)) { // `stage video-alignment --extend-to 4`
            Stages.run(context, List.of(TrainingStep.VIDEO_ALIGNMENT), 4);
        }
        byte[] extendedEncoder = Files.readAllBytes(directory.resolve("video-alignment/step-000004/video_encoder.params"));
        assertThat(extendedEncoder).isNotEqualTo(Files.readAllBytes(directory.resolve("video-alignment/step-000002/video_encoder.params")));
        try (TrainingContext context = new TrainingContext(config, directory)) { // then `stage video-denoiser --extend-to 4`
            CheckpointState denoiser = Stages.run(context, List.of(TrainingStep.VIDEO_DENOISER), 4);
            assertThat(denoiser.config().schedule(TrainingStep.VIDEO_ALIGNMENT).steps()).isEqualTo(4);
        }
        assertThat(Files.readAllBytes(directory.resolve("video-denoiser/step-000004/video_encoder.params"))).isEqualTo(extendedEncoder);
        CheckpointState state;
        try (TrainingContext context = new TrainingContext(config, directory)) {
            state = Stages.run(context, TrainingStep.stageTwo());
        }
        assertThat(state.config().schedule(TrainingStep.VIDEO_ALIGNMENT).steps()).isEqualTo(4);
        assertThat(Files.readAllBytes(directory.resolve("joint-audio-video/step-000002/video_encoder.params"))).isEqualTo(extendedEncoder);
    }

    @Test
    void aBridgedEncoderTrainedOnAfterStageTwoIsWhatTheExportedBundleHolds(@TempDir Path directory) throws Exception {
        TrainConfig config = tiny(2);
        try (TrainingContext context = new TrainingContext(config, directory)) {
            Stages.run(context, Arrays.asList(TrainingStep.values()));
        }
        try (TrainingContext context = new TrainingContext(config, directory)) { // `stage image-alignment --extend-to 4`
            Stages.run(context, List.of(TrainingStep.IMAGE_ALIGNMENT), 4);
        }
        byte[] extendedEncoder = Files.readAllBytes(directory.resolve("image-alignment/step-000004/image_encoder.params"));
        assertThat(extendedEncoder).isNotEqualTo(Files.readAllBytes(directory.resolve("joint-mixed/step-000002/image_encoder.params")));

        Path bundle = directory.resolve("bundle");
        assertThat(Train.export(directory, bundle)).isEqualTo(directory.resolve("joint-mixed/step-000002"));

        assertThat(Files.readAllBytes(bundle.resolve("image_encoder.params"))).isEqualTo(extendedEncoder);
        assertThat(Files.readAllBytes(bundle.resolve("image_denoiser.params")))
                .isEqualTo(Files.readAllBytes(directory.resolve("joint-mixed/step-000002/image_denoiser.params")));
        try (CodiTinyModel model = CodiTinyModel.load(bundle)) {
            @SuppressWarnings("unchecked")
            var config4 = (java.util.Map<String, Object>) model.bundleManifest().training().get("config");
            assertThat(config4.get("imageAlignment").toString()).contains("steps=4");
        }
    }

    @Test
    void anEnvironmentEncoderNoStageHasTrainedYetKeepsItsSeededInitialisationWhateverTheCheckpointHolds(@TempDir Path directory)
            throws Exception {
        TrainConfig config = tiny(2);
        try (TrainingContext context = new TrainingContext(config, directory)) {
            Stages.run(context, STAGE_ONE);
            Stages.run(context, List.of(TrainingStep.JOINT_TEXT_IMAGE, TrainingStep.JOINT_TEXT_AUDIO));
        }
        // video's encoder is first trained by audio–video: a text–audio checkpoint holding another layout for it
        // (written before its architecture changed) must not stop the next stage from starting
        Path textAudioEnd = directory.resolve("joint-text-audio/step-000002");
        Files.copy(textAudioEnd.resolve("image_environment.params"), textAudioEnd.resolve("video_environment.params"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (TrainingContext fresh = new TrainingContext(config, directory);
             TrainingContext loaded = new TrainingContext(config, directory)) {
            loaded.checkpoints.loadWeights(textAudioEnd, loaded.networks, loaded.manager);
            var seeded = fresh.networks.environmentEncoders.get(dev.codi.media.Modality.VIDEO).getParameters();
            var kept = loaded.networks.environmentEncoders.get(dev.codi.media.Modality.VIDEO).getParameters();
            for (int i = 0; i < seeded.size(); i++) {
                assertThat(kept.get(i).getValue().getArray().toFloatArray()).as(seeded.get(i).getKey())
                        .isEqualTo(seeded.get(i).getValue().getArray().toFloatArray());
            }
            // what text–audio did train is loaded
            assertThat(loaded.networks.environmentEncoders.get(dev.codi.media.Modality.AUDIO).getParameters().get(0).getValue().getArray()
                    .toFloatArray()).isNotEqualTo(fresh.networks.environmentEncoders.get(dev.codi.media.Modality.AUDIO)
                    .getParameters().get(0).getValue().getArray().toFloatArray());
        }
        CheckpointState state;
        try (TrainingContext context = new TrainingContext(config, directory)) {
            state = Stages.run(context, List.of(TrainingStep.JOINT_AUDIO_VIDEO));
        }
        assertThat(state.stage()).isEqualTo("joint-audio-video");
        assertThat(state.losses().get("joint-audio-video")).isFinite();
        // audio–video started video's encoder as a copy of image's: two steps later its convolutions are still within a few
        // learning-rate steps of image's (their seeded initialisations differ by ~0.1–0.3)
        try (TrainingContext trained = new TrainingContext(config, directory)) {
            trained.checkpoints.loadWeights(directory.resolve("joint-audio-video/step-000002"), trained.networks, trained.manager);
            var image = trained.networks.environmentEncoders.get(dev.codi.media.Modality.IMAGE).getParameters();
            var video = trained.networks.environmentEncoders.get(dev.codi.media.Modality.VIDEO).getParameters();
            assertThat(image.keys()).filteredOn(name -> name.contains("conv")).hasSize(4); // conv1 and conv2, weight and bias
            for (int i = 0; i < image.size(); i++) {
                if (image.get(i).getKey().contains("conv")) {
                    float[] fromImage = image.get(i).getValue().getArray().toFloatArray();
                    float[] fromVideo = video.get(i).getValue().getArray().toFloatArray();
                    float largest = 0;
                    for (int k = 0; k < fromImage.length; k++) {
                        largest = Math.max(largest, Math.abs(fromImage[k] - fromVideo[k]));
                    }
                    assertThat(largest).as(image.get(i).getKey()).isLessThan(0.02f);
                }
            }
        }
    }

    @Test
    void aDenoiserExtendedWhileStageTwoRanIsPickedUpByTheFirstPairThatTrainsIt(@TempDir Path directory) {
        TrainConfig config = tiny(2);
        try (TrainingContext context = new TrainingContext(config, directory)) {
            Stages.run(context, STAGE_ONE);
            Stages.run(context, List.of(TrainingStep.JOINT_TEXT_IMAGE, TrainingStep.JOINT_TEXT_AUDIO));
        }
        try (TrainingContext context = new TrainingContext(config, directory)) { // `stage video-denoiser --extend-to 4`
            Stages.run(context, List.of(TrainingStep.VIDEO_DENOISER), 4);
        }
        CheckpointState state;
        try (TrainingContext context = new TrainingContext(config, directory)) {
            state = Stages.run(context, TrainingStep.stageTwo());
        }
        assertThat(state.stage()).isEqualTo("joint-mixed");
        assertThat(state.config().schedule(TrainingStep.VIDEO_DENOISER).steps()).isEqualTo(4);
        // audio–video trained only the video side's joint layers: every other video-denoiser weight is the extension's
        try (TrainingContext extended = new TrainingContext(config, directory);
             TrainingContext joint = new TrainingContext(config, directory)) {
            extended.checkpoints.loadWeights(directory.resolve("video-denoiser/step-000004"), extended.networks, extended.manager);
            joint.checkpoints.loadWeights(directory.resolve("joint-audio-video/step-000002"), joint.networks, joint.manager);
            var expected = extended.networks.denoisers.get(dev.codi.media.Modality.VIDEO).getParameters();
            var actual = joint.networks.denoisers.get(dev.codi.media.Modality.VIDEO).getParameters();
            boolean jointLayersTrained = false;
            for (int i = 0; i < expected.size(); i++) {
                String name = expected.get(i).getKey();
                boolean same = Arrays.equals(expected.get(i).getValue().getArray().toFloatArray(),
                        actual.get(i).getValue().getArray().toFloatArray());
                if (name.contains("joint")) {
                    jointLayersTrained |= !same;
                } else {
                    assertThat(same).as(name).isTrue();
                }
            }
            assertThat(jointLayersTrained).isTrue();
        }
    }

    @Test
    void textAutoencoderLossFallsWithTraining(@TempDir Path directory) {
        TrainConfig config = tiny(40);
        try (TrainingContext context = new TrainingContext(config, directory)) {
            StageTrainer trainer = Stages.trainer(TrainingStep.TEXT_AUTOENCODER, context);
            float before = lossAt(context, trainer, 0);
            new StageRunner(config, context.networks, context.manager, context.checkpoints)
                    .run(trainer, Stages.fresh(TrainingStep.TEXT_AUTOENCODER, config, null));
            assertThat(lossAt(context, trainer, 0)).isLessThan(before * 0.7f);
        }
    }

    @Test
    void sameSeedGivesTheSameFirstBatchAndAnotherSeedAnother(@TempDir Path directory) {
        TrainConfig config = tiny(3);
        float first;
        float again;
        float otherSeed;
        try (TrainingContext context = new TrainingContext(config, directory)) {
            first = lossAt(context, Stages.trainer(TrainingStep.IMAGE_AUTOENCODER, context), 0);
        }
        try (TrainingContext context = new TrainingContext(config, directory)) {
            again = lossAt(context, Stages.trainer(TrainingStep.IMAGE_AUTOENCODER, context), 0);
        }
        TrainConfig other = config.with(config.seed() + 1, SAMPLES, 2);
        try (TrainingContext context = new TrainingContext(other, directory)) {
            otherSeed = lossAt(context, Stages.trainer(TrainingStep.IMAGE_AUTOENCODER, context), 0);
        }
        assertThat(again).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
    }

    @Test
    void anInterruptedStageResumesFromItsLatestCheckpoint(@TempDir Path directory) throws Exception {
        TrainConfig config = tiny(4);   // checkpoints every 2 steps
        try (TrainingContext context = new TrainingContext(config, directory)) {
            // crash on the first batch after the step-2 checkpoint (a step whose gradient is not finite is
            // recomputed, so counting batches would not say which step a crash falls in)
            Path checkpoint = directory.resolve("image-autoencoder").resolve("step-000002");
            StageTrainer crashing = Counting.crashingWhen(Stages.trainer(TrainingStep.IMAGE_AUTOENCODER, context), () -> Files.isDirectory(checkpoint));
            StageRunner runner = new StageRunner(config, context.networks, context.manager, context.checkpoints);
            assertThatThrownBy(() -> runner.run(crashing, Stages.fresh(TrainingStep.IMAGE_AUTOENCODER, config, null)))
                    .hasMessageContaining("simulated crash");
        }
        Path stageDirectory = directory.resolve("image-autoencoder");
        assertThat(stageDirectory.resolve("step-000002")).isDirectory();
        assertThat(stageDirectory.resolve("step-000004")).doesNotExist();
        byte[] atStep2 = Files.readAllBytes(stageDirectory.resolve("step-000002/image_autoencoder.params"));

        CheckpointState resumed;
        try (TrainingContext context = new TrainingContext(config, directory)) { // a new process, as after a crash
            resumed = Stages.run(context, List.of(TrainingStep.IMAGE_AUTOENCODER));
        }
        assertThat(resumed.step()).isEqualTo(4);
        assertThat(resumed.done()).isTrue();
        assertThat(Files.readAllBytes(stageDirectory.resolve("step-000004/image_autoencoder.params"))).isNotEqualTo(atStep2);
        // it went on from the checkpoint's state: the time spent before the crash is part of the record
        double beforeCrash = new dev.codi.training.loop.Checkpoints(directory)
                .readState(stageDirectory.resolve("step-000002")).seconds().get("image-autoencoder");
        assertThat(resumed.seconds().get("image-autoencoder")).isGreaterThan(beforeCrash);

        try (TrainingContext context = new TrainingContext(config, directory)) { // done: nothing left to do
            CheckpointState again = Stages.run(context, List.of(TrainingStep.IMAGE_AUTOENCODER));
            assertThat(again.step()).isEqualTo(4);
            assertThat(again.seconds()).isEqualTo(resumed.seconds());
        }
    }

    @Test
    void aFinishedDenoiserStageIsExtendedFromItsLastCheckpointAndExportUsesItsNewerWeights(@TempDir Path directory) throws Exception {
        TrainConfig config = tiny(2);   // checkpoints every 2 steps
        try (TrainingContext context = new TrainingContext(config, directory)) {
            assertThat(Stages.run(context, STAGE_ONE).done()).isTrue();
        }
        Path imageStage = directory.resolve("image-denoiser");
        Path videoFinal = directory.resolve("video-denoiser/step-000002");
        byte[] before = Files.readAllBytes(imageStage.resolve("step-000002/image_denoiser.params"));
        double secondsBefore = new dev.codi.training.loop.Checkpoints(directory).readState(imageStage.resolve("step-000002"))
                .seconds().get("image-denoiser");

        CheckpointState extended;
        try (TrainingContext context = new TrainingContext(config, directory)) { // a new process: `stage image-denoiser --extend-to 5`
            extended = Stages.run(context, List.of(TrainingStep.IMAGE_DENOISER), 5);
        }
        assertThat(extended.step()).isEqualTo(5);
        assertThat(extended.steps()).isEqualTo(5);
        assertThat(extended.done()).isTrue();
        assertThat(extended.segmentStart()).isEqualTo(2);       // resumed at the old end, a new LR segment from there
        assertThat(extended.seconds().get("image-denoiser")).isGreaterThan(secondsBefore);
        assertThat(imageStage.resolve("step-000004")).isDirectory();
        byte[] after = Files.readAllBytes(imageStage.resolve("step-000005/image_denoiser.params"));
        assertThat(after).isNotEqualTo(before);
        // the other networks are the ones the extension started from
        assertThat(Files.readAllBytes(imageStage.resolve("step-000005/image_autoencoder.params")))
                .isEqualTo(Files.readAllBytes(videoFinal.resolve("image_autoencoder.params")));

        // a second extension, by the runner itself: exactly the added steps run
        try (TrainingContext context = new TrainingContext(config, directory)) {
            var checkpoints = context.checkpoints;
            Path latest = checkpoints.latest(TrainingStep.IMAGE_DENOISER).orElseThrow();
            checkpoints.loadWeights(latest, context.networks, context.manager);
            CheckpointState start = checkpoints.readState(latest).extendedTo(7);
            context.latentScales.putAll(start.latentScales());
            Counting counting = new Counting(Stages.trainer(TrainingStep.IMAGE_DENOISER, context));
            CheckpointState end = new StageRunner(config, context.networks, context.manager, checkpoints).run(counting, start);
            assertThat(counting.calls[0]).isEqualTo(2);
            assertThat(end.step()).isEqualTo(7);
            assertThat(end.segmentStart()).isEqualTo(5);
        }
        byte[] afterSecond = Files.readAllBytes(imageStage.resolve("step-000007/image_denoiser.params"));

        // the run's final state (video-denoiser) still holds the old image denoiser; export and `all` overlay the extension
        assertThat(Files.readAllBytes(videoFinal.resolve("image_denoiser.params"))).isEqualTo(before);
        Path bundle = directory.resolve("bundle");
        try (TrainingContext context = new TrainingContext(config, directory)) {
            CheckpointState state = Stages.run(context, STAGE_ONE);
            assertThat(state.stage()).isEqualTo("video-denoiser");
            assertThat(state.seconds().get("image-denoiser")).isGreaterThan(extended.seconds().get("image-denoiser"));
            assertThat(state.config().schedule(TrainingStep.IMAGE_DENOISER).steps()).isEqualTo(7);   // the manifest says what ran
            context.checkpoints.save(TrainingStep.VIDEO_DENOISER, new CheckpointState("video-denoiser", 99, 99, true, state.seed(),
                    state.config(), state.latentScales(), state.losses(), state.seconds(), state.skippedSteps(), 0), context.networks);
            Path written = directory.resolve("video-denoiser/step-000099");
            assertThat(Files.readAllBytes(written.resolve("image_denoiser.params"))).isEqualTo(afterSecond);
            assertThat(Files.readAllBytes(written.resolve("video_denoiser.params")))
                    .isEqualTo(Files.readAllBytes(videoFinal.resolve("video_denoiser.params")));
            Train.writeBundle(context, state, bundle);
        }
        try (CodiTinyModel model = CodiTinyModel.load(bundle)) {
            assertThat(model.bundleManifest().trained()).isTrue();
        }
        try (TrainingContext context = new TrainingContext(config, directory)) {
            assertThatThrownBy(() -> Stages.run(context, List.of(TrainingStep.TEXT_AUTOENCODER), 9))
                    .hasMessageContaining("denoiser");
        }
    }

    @Test
    void aStageNeedsItsPredecessorsFinalCheckpoint(@TempDir Path directory) {
        try (TrainingContext context = new TrainingContext(tiny(2), directory)) {
            assertThatThrownBy(() -> Stages.run(context, List.of(TrainingStep.IMAGE_DENOISER)))
                    .hasMessageContaining("video-alignment");
        }
    }

    private static float lossAt(TrainingContext context, StageTrainer trainer, int step) {
        try (NDManager batch = context.manager.newSubManager()) {
            NDArray loss = trainer.loss(batch, new ParameterStore(context.manager, false),
                    StageRunner.stepRandom(context.config.seed(), trainer.stage(), step));
            float value = loss.getFloat();
            assertThat(value).isFinite();
            return value;
        }
    }

    /** Delegates to {@code inner} and counts its batches; fails on a batch once {@code crash} holds, as a killed process would. */
    private record Counting(StageTrainer inner, java.util.function.BooleanSupplier crash, int[] calls) implements StageTrainer {
        Counting(StageTrainer inner) {
            this(inner, () -> false, new int[1]);
        }

        static Counting crashingWhen(StageTrainer inner, java.util.function.BooleanSupplier crash) {
            return new Counting(inner, crash, new int[1]);
        }

        @Override
        public TrainingStep stage() {
            return inner.stage();
        }

        @Override
        public List<TinyBlock> trainedNetworks() {
            return inner.trainedNetworks();
        }

        @Override
        public void prepare(CheckpointState start) {
            inner.prepare(start);
        }

        @Override
        public NDArray loss(NDManager batch, ParameterStore store, Random random) {
            calls[0]++;
            if (crash.getAsBoolean()) {
                throw new IllegalStateException("simulated crash");
            }
            return inner.loss(batch, store, random);
        }

        @Override
        public java.util.Map<String, Double> latentScales() {
            return inner.latentScales();
        }
    }
}

package dev.codi.model.tiny;

import dev.codi.media.AudioClip;
import dev.codi.media.Modality;
import dev.codi.media.RgbImage;
import dev.codi.media.VideoClip;
import dev.codi.model.Conditioning;
import dev.codi.model.GeneratedMedia;
import dev.codi.model.Latent;
import dev.codi.model.PromptInput;
import dev.codi.model.SamplingJob;
import dev.codi.model.SamplingListener;
import dev.codi.protocol.JobParams;
import dev.codi.model.autoencoder.CaptionGrammar;
import dev.codi.model.autoencoder.WordTokenizer;
import dev.codi.model.denoiser.EnvironmentEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** codi-tiny end to end on a seeded random bundle: shapes, determinism, batching, cancel, bundle integrity. */
class CodiTinyModelTest {
    private static final Set<Modality> ALL = Set.of(Modality.TEXT, Modality.IMAGE, Modality.AUDIO, Modality.VIDEO);
    private static final long BUNDLE_SEED = 7;

    @TempDir
    static Path temporary;
    private static Path bundle;
    private static CodiTinyModel model;
    private static Conditioning conditioning;

    @BeforeAll
    static void loadModel() {
        bundle = temporary.resolve("bundle");
        CodiTinyBundle.createRandom(bundle, BUNDLE_SEED);
        model = CodiTinyModel.load(bundle);
        float[] text = model.encode(new PromptInput.Text("a red circle moving left"));
        conditioning = Conditioning.single(Modality.TEXT, text, model.nullEmbedding(Modality.TEXT));
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    @Test
    void manifestDescribesTheBundle() throws Exception {
        BundleManifest manifest = model.bundleManifest();
        assertThat(manifest.name()).isEqualTo("codi-tiny");
        assertThat(manifest.trained()).isFalse();
        assertThat(manifest.world()).isEqualTo("shapes-and-tones/1");
        assertThat(manifest.scheduler().betaSchedule()).isEqualTo("scaled_linear");
        assertThat(manifest.weights()).hasSize(15);
        assertThat(model.manifest().embeddingDimension()).isEqualTo(64);
        assertThat(model.manifest().latentShapes().get(Modality.IMAGE)).containsExactly(4, 8, 8);
        assertThat(model.manifest().latentShapes().get(Modality.AUDIO)).containsExactly(4, 8, 8);
        assertThat(model.manifest().latentShapes().get(Modality.VIDEO)).containsExactly(8, 4, 8, 8);
        assertThat(model.manifest().latentShapes().get(Modality.TEXT)).containsExactly(32);
        for (var weightFile : manifest.weights().values()) {
            assertThat(Files.size(bundle.resolve(weightFile.file()))).isEqualTo(weightFile.bytes());
            assertThat(weightFile.parameters()).isBetween(5_000L, 1_000_000L);
        }
    }

    @Test
    void encodeGivesUnitVectorsOfTheManifestDimensionForEveryModality() {
        List<PromptInput> inputs = List.of(
                new PromptInput.Text("a blue square moving up"),
                new PromptInput.Image(gradientImage(48, 40)),            // resized to 32×32
                new PromptInput.Audio(new AudioClip(8_000, tone(8_000, 0.7))), // resampled to 16 kHz, padded
                new PromptInput.Video(new VideoClip(List.of(gradientImage(64, 48), gradientImage(64, 48), gradientImage(64, 48)), 3)));
        List<float[]> embeddings = new ArrayList<>();
        for (PromptInput input : inputs) {
            float[] embedding = model.encode(input);
            assertThat(embedding).hasSize(model.manifest().embeddingDimension());
            assertThat(norm(embedding)).as(input.modality().wireName()).isCloseTo(1.0, within(1e-4));
            embeddings.add(embedding);
            assertThat(norm(model.nullEmbedding(input.modality()))).isCloseTo(1.0, within(1e-4));
        }
        assertThat(embeddings.get(0)).isNotEqualTo(model.encode(new PromptInput.Text("a red circle moving left")));
    }

    @Test
    void samplesEveryOutputInTheManifestShapes() {
        AtomicInteger steps = new AtomicInteger();
        // 5 steps, the default stagger of 5 steps is 1: the 4 outputs start at iterations 0, 1, 2 and 3
        List<Map<Modality, Latent>> results = model.sample(List.of(job("all", ALL, 11)), (id, step, total) -> {
            assertThat(total).isEqualTo(5 + 3);
            assertThat(step).isEqualTo(steps.incrementAndGet());
        });
        assertThat(steps).hasValue(8);
        Map<Modality, Latent> latents = results.get(0);
        assertThat(latents.keySet()).isEqualTo(ALL);
        for (Modality modality : ALL) {
            assertThat(latents.get(modality).shape()).isEqualTo(model.manifest().latentShapes().get(modality));
            for (float v : latents.get(modality).values()) {
                assertThat(Float.isFinite(v)).isTrue();
            }
        }
    }

    @Test
    void sameSeedSameLatentsDifferentSeedDifferent() {
        Map<Modality, Latent> first = model.sample(List.of(job("a", Set.of(Modality.IMAGE, Modality.AUDIO), 3)), SamplingListener.NONE).get(0);
        Map<Modality, Latent> again = model.sample(List.of(job("b", Set.of(Modality.IMAGE, Modality.AUDIO), 3)), SamplingListener.NONE).get(0);
        Map<Modality, Latent> other = model.sample(List.of(job("c", Set.of(Modality.IMAGE, Modality.AUDIO), 4)), SamplingListener.NONE).get(0);
        for (Modality modality : List.of(Modality.IMAGE, Modality.AUDIO)) {
            assertThat(again.get(modality).values()).containsExactly(first.get(modality).values());
            assertThat(other.get(modality).values()).isNotEqualTo(first.get(modality).values());
        }
    }

    @Test
    void aJobsLatentsDoNotDependOnItsBatch() {
        SamplingJob alone = job("alone", ALL, 42);
        Map<Modality, Latent> single = model.sample(List.of(alone), SamplingListener.NONE).get(0);
        SamplingJob differentOutputs = job("image-only", Set.of(Modality.IMAGE), 1);
        List<Map<Modality, Latent>> batch = model.sample(List.of(job("x", ALL, 5), differentOutputs, alone, job("y", ALL, 6)), SamplingListener.NONE);
        assertThat(batch).hasSize(4);
        assertThat(batch.get(1).keySet()).containsExactly(Modality.IMAGE);
        for (Modality modality : ALL) {
            assertNearlyEqual(batch.get(2).get(modality).values(), single.get(modality).values(), modality.wireName());
            assertThat(batch.get(0).get(modality).values()).isNotEqualTo(single.get(modality).values());
        }
    }

    @Test
    void canceledJobGetsAnEmptyMapAndOthersFinish() {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger canceledSteps = new AtomicInteger();
        SamplingJob canceled = new SamplingJob("cancel-me", conditioning, ALL, new JobParams(5, 7.5, 0, 1, true),
                () -> canceledSteps.get() >= 2);
        SamplingJob survivor = job("survivor", ALL, 2);
        List<Map<Modality, Latent>> results = model.sample(List.of(canceled, survivor), (id, step, total) -> {
            seen.add(id);
            if (id.equals("cancel-me")) {
                canceledSteps.incrementAndGet();
            }
        });
        assertThat(results.get(0)).isEmpty();
        assertThat(canceledSteps.get()).isLessThanOrEqualTo(3);
        assertThat(results.get(1).keySet()).isEqualTo(ALL);
        assertThat(seen.stream().filter("survivor"::equals).count()).isEqualTo(survivor.params().iterations(ALL.size()));
        Map<Modality, Latent> survivorAlone = model.sample(List.of(survivor), SamplingListener.NONE).get(0);
        assertNearlyEqual(results.get(1).get(Modality.VIDEO).values(), survivorAlone.get(Modality.VIDEO).values(), "video");
    }

    @Test
    void dpmSolverJobsKeepTheirOwnMemoryWhateverShareTheirBatch() {
        // DPM-Solver++ remembers each latent's previous prediction: a staggered job batched with a DDIM
        // job and with a DPM-Solver++ job canceled mid-way must end where it ends sampled alone
        JobParams fast = new JobParams(6, 7.5, 0.0, 23, true, 2, 1.0, JobParams.Sampler.DPM_SOLVER_PLUS_PLUS);
        SamplingJob survivor = new SamplingJob("fast", conditioning, Set.of(Modality.IMAGE, Modality.AUDIO), fast, () -> false);
        AtomicInteger canceledSteps = new AtomicInteger();
        SamplingJob canceled = new SamplingJob("fast-canceled", conditioning, Set.of(Modality.IMAGE, Modality.AUDIO),
                new JobParams(6, 7.5, 0.0, 5, true, 2, 1.0, JobParams.Sampler.DPM_SOLVER_PLUS_PLUS), () -> canceledSteps.get() >= 4);
        SamplingJob ddim = new SamplingJob("ddim", conditioning, Set.of(Modality.IMAGE, Modality.AUDIO),
                new JobParams(6, 7.5, 0.0, 23, true, 2, 1.0), () -> false);
        List<Map<Modality, Latent>> batch = model.sample(List.of(canceled, survivor, ddim), (id, step, total) -> {
            if (id.equals("fast-canceled")) {
                canceledSteps.incrementAndGet();
            }
        });
        Map<Modality, Latent> alone = model.sample(List.of(survivor), SamplingListener.NONE).get(0);
        assertThat(batch.get(0)).isEmpty();
        for (Modality modality : List.of(Modality.IMAGE, Modality.AUDIO)) {
            assertNearlyEqual(batch.get(1).get(modality).values(), alone.get(modality).values(), modality.wireName());
            assertThat(batch.get(2).get(modality).values()).as("DDIM's " + modality).isNotEqualTo(alone.get(modality).values());
        }
    }

    @Test
    void jointAttentionIsANoOpUntilStageTwoTraining() {
        // CoDi's joint cross-attention starts with a zero output projection: joint and independent
        // sampling of an untrained bundle must agree (to rounding: joint sampling runs the unconditional
        // and conditional halves as two batches), while the environment encoders do run
        SamplingJob joint = tokensOnly("joint", Set.of(Modality.IMAGE, Modality.AUDIO), 13);
        SamplingJob independent = new SamplingJob("independent", conditioning, Set.of(Modality.IMAGE, Modality.AUDIO),
                new JobParams(5, 7.5, 0.0, 13, false), () -> false);
        Map<Modality, Latent> jointLatents = model.sample(List.of(joint), SamplingListener.NONE).get(0);
        Map<Modality, Latent> independentLatents = model.sample(List.of(independent), SamplingListener.NONE).get(0);
        assertNearlyEqual(jointLatents.get(Modality.AUDIO).values(), independentLatents.get(Modality.AUDIO).values(), "audio");
        assertNearlyEqual(jointLatents.get(Modality.IMAGE).values(), independentLatents.get(Modality.IMAGE).values(), "image");
        assertThat(model.networks().denoisers.get(Modality.IMAGE).getParameters().keys())
                .anySatisfy(name -> assertThat(name).contains("joint1").contains("zeroinit"));
    }

    @Test
    void staggeredJointSamplingTakesEveryOutputThroughItsOwnStepsInTurn() {
        // at zero-initialised joint attention the outputs do not couple, so however their starts are
        // staggered each must end where independent sampling takes it: a waiting or finished output
        // stepped by mistake, or an output stepped at another output's t, would not
        SamplingJob independent = new SamplingJob("independent", conditioning, ALL, new JobParams(5, 7.5, 0.0, 17, false), () -> false);
        Map<Modality, Latent> expected = model.sample(List.of(independent), SamplingListener.NONE).get(0);
        for (int stagger : new int[] {0, 2, 5}) {
            SamplingJob staggered = new SamplingJob("stagger-" + stagger, conditioning, ALL,
                    new JobParams(5, 7.5, 0.0, 17, true, stagger, 0), () -> false);
            AtomicInteger iterations = new AtomicInteger();
            Map<Modality, Latent> latents = model.sample(List.of(staggered), (id, step, total) -> {
                assertThat(total).isEqualTo(5 + 3 * stagger);
                iterations.incrementAndGet();
            }).get(0);
            assertThat(iterations).hasValue(5 + 3 * stagger);
            for (Modality modality : ALL) {
                assertNearlyEqual(latents.get(modality).values(), expected.get(modality).values(), modality + " at stagger " + stagger);
            }
        }
        assertThatThrownBy(() -> new JobParams(5, 7.5, 0.0, 17, true, 6)).hasMessageContaining("params.stagger must be within [0, params.steps = 5]");
    }

    @Test
    void feedbackConditionsEachOutputOnTheOtherOutputsReadingsAndTextGivesNone() {
        // at zero-initialised joint attention only the feedback couples the outputs: text is
        // conditioned on the image's reading, while text is not read, so the image must end where
        // independent sampling takes it; image and audio read each other, so both change
        Set<Modality> textImage = Set.of(Modality.TEXT, Modality.IMAGE);
        Map<Modality, Latent> independent = model.sample(List.of(new SamplingJob("independent", conditioning, textImage,
                new JobParams(5, 7.5, 0.0, 19, false), () -> false)), SamplingListener.NONE).get(0);
        Map<Modality, Latent> withFeedback = model.sample(List.of(new SamplingJob("feedback", conditioning, textImage,
                new JobParams(5, 7.5, 0.0, 19, true, 1, 1.0), () -> false)), SamplingListener.NONE).get(0);
        assertNearlyEqual(withFeedback.get(Modality.IMAGE).values(), independent.get(Modality.IMAGE).values(), "image");
        assertThat(maxDifference(withFeedback.get(Modality.TEXT), independent.get(Modality.TEXT))).as("text").isGreaterThan(1e-3);

        Set<Modality> imageAudio = Set.of(Modality.IMAGE, Modality.AUDIO);
        Map<Modality, Latent> tokensOnly = model.sample(List.of(tokensOnly("tokens", imageAudio, 19)), SamplingListener.NONE).get(0);
        Map<Modality, Latent> coupled = model.sample(List.of(new SamplingJob("coupled", conditioning, imageAudio,
                new JobParams(5, 7.5, 0.0, 19, true, 1, 1.0), () -> false)), SamplingListener.NONE).get(0);
        for (Modality modality : imageAudio) {
            assertThat(maxDifference(coupled.get(modality), tokensOnly.get(modality))).as(modality.toString()).isGreaterThan(1e-3);
        }
        assertThatThrownBy(() -> new JobParams(5, 7.5, 0.0, 19, true, 1, -0.1)).hasMessageContaining("params.feedback must be within [0, 10]");
        assertThatThrownBy(() -> new JobParams(5, 7.5, 0.0, 19, true, 1, Double.NaN)).hasMessageContaining("feedback must be within");
    }

    @Test
    void eachOutputIsGuidedWithItsOwnScale() {
        // independent sampling: each output depends only on its own guidance, so an image guided at 3
        // beside audio guided at the job's 7.5 is the image of a job guided at 3 throughout, and the
        // audio that of a job guided at 7.5 throughout
        Set<Modality> imageAudio = Set.of(Modality.IMAGE, Modality.AUDIO);
        JobParams perOutput = new JobParams(5, 7.5, 0.0, 23, false, 0, 1.0, JobParams.Sampler.DDIM, 5, Map.of(Modality.IMAGE, 3.0));
        Map<Modality, Latent> mixed = model.sample(List.of(new SamplingJob("per-output", conditioning, imageAudio, perOutput,
                () -> false)), SamplingListener.NONE).get(0);
        Map<Modality, Latent> atThree = model.sample(List.of(new SamplingJob("at-3", conditioning, imageAudio,
                new JobParams(5, 3.0, 0.0, 23, false), () -> false)), SamplingListener.NONE).get(0);
        Map<Modality, Latent> atSevenHalf = model.sample(List.of(new SamplingJob("at-7.5", conditioning, imageAudio,
                new JobParams(5, 7.5, 0.0, 23, false), () -> false)), SamplingListener.NONE).get(0);
        assertNearlyEqual(mixed.get(Modality.IMAGE).values(), atThree.get(Modality.IMAGE).values(), "image at 3");
        assertNearlyEqual(mixed.get(Modality.AUDIO).values(), atSevenHalf.get(Modality.AUDIO).values(), "audio at 7.5");
        assertThat(maxDifference(atThree.get(Modality.IMAGE), atSevenHalf.get(Modality.IMAGE))).as("guidance changes the image")
                .isGreaterThan(1e-3);
    }

    @Test
    void audioAndVideoReadNoImageBesideEachOtherSoTheImageLeavesThemAsTheyAreWithoutIt() {
        // at zero-initialised joint attention and in lockstep only the readings couple the outputs:
        // beside a video, audio skips the image's reading (no motion) and so does the video beside
        // audio, so image + audio + video must give audio + video's audio and video; the image reads both
        Set<Modality> audioVideo = Set.of(Modality.AUDIO, Modality.VIDEO);
        Set<Modality> imageAudioVideo = Set.of(Modality.IMAGE, Modality.AUDIO, Modality.VIDEO);
        Map<Modality, Latent> withoutImage = model.sample(List.of(new SamplingJob("audio+video", conditioning, audioVideo,
                new JobParams(5, 7.5, 0.0, 29, true, 0, 1.0), () -> false)), SamplingListener.NONE).get(0);
        Map<Modality, Latent> withImage = model.sample(List.of(new SamplingJob("image+audio+video", conditioning, imageAudioVideo,
                new JobParams(5, 7.5, 0.0, 29, true, 0, 1.0), () -> false)), SamplingListener.NONE).get(0);
        for (Modality modality : audioVideo) {
            assertNearlyEqual(withImage.get(modality).values(), withoutImage.get(modality).values(), modality.toString());
        }
        Map<Modality, Latent> tokensOnly = model.sample(List.of(new SamplingJob("tokens", conditioning, imageAudioVideo,
                new JobParams(5, 7.5, 0.0, 29, true, 0, 0), () -> false)), SamplingListener.NONE).get(0);
        for (Modality modality : imageAudioVideo) {
            assertThat(maxDifference(withImage.get(modality), tokensOnly.get(modality))).as(modality.toString()).isGreaterThan(1e-3);
        }
    }

    private static double maxDifference(Latent a, Latent b) {
        double max = 0;
        for (int i = 0; i < a.values().length; i++) {
            max = Math.max(max, Math.abs(a.values()[i] - b.values()[i]));
        }
        return max;
    }

    @Test
    void environmentEncodersThatReadTheCleanEstimateSampleJointlyToo() {
        // the clean-estimate path batches ε_u with ε_θ(z_t, t, c) alone; at zero-initialised joint
        // attention it must give what independent sampling gives, for 2 and 3 outputs
        Path cleanBundle = temporary.resolve("clean-estimate-bundle");
        CodiTinyBundle.createRandom(cleanBundle, BUNDLE_SEED,
                CodiTinyConfig.defaults().withEnvironmentReads(EnvironmentEncoder.Reads.CLEAN_ESTIMATE));
        try (CodiTinyModel cleanModel = CodiTinyModel.load(cleanBundle)) {
            assertThat(cleanModel.networks().environmentEncoders.values())
                    .allSatisfy(encoder -> assertThat(encoder.reads()).isEqualTo(EnvironmentEncoder.Reads.CLEAN_ESTIMATE));
            Set<Modality> outputs = Set.of(Modality.IMAGE, Modality.AUDIO, Modality.TEXT);
            SamplingJob joint = tokensOnly("joint", outputs, 13);
            SamplingJob independent = new SamplingJob("independent", conditioning, outputs,
                    new JobParams(5, 7.5, 0.0, 13, false), () -> false);
            Map<Modality, Latent> jointLatents = cleanModel.sample(List.of(joint), SamplingListener.NONE).get(0);
            Map<Modality, Latent> independentLatents = cleanModel.sample(List.of(independent), SamplingListener.NONE).get(0);
            for (Modality modality : outputs) {
                assertNearlyEqual(jointLatents.get(modality).values(), independentLatents.get(modality).values(), modality.toString());
            }
        }
    }

    @Test
    void etaAndIndependentSamplingAreDeterministicToo() {
        SamplingJob stochastic = new SamplingJob("eta", conditioning, Set.of(Modality.TEXT, Modality.IMAGE),
                new JobParams(4, 3.0, 1.0, 9, false), () -> false);
        Latent first = model.sample(List.of(stochastic), SamplingListener.NONE).get(0).get(Modality.IMAGE);
        Latent second = model.sample(List.of(stochastic), SamplingListener.NONE).get(0).get(Modality.IMAGE);
        assertThat(second.values()).containsExactly(first.values());
    }

    @Test
    void decodesEveryModalityToMediaOfTheWorldsShape() {
        Map<Modality, Latent> latents = model.sample(List.of(job("decode", ALL, 8)), SamplingListener.NONE).get(0);
        GeneratedMedia.Image image = (GeneratedMedia.Image) model.decode(Modality.IMAGE, latents.get(Modality.IMAGE));
        assertThat(image.image().width()).isEqualTo(32);
        assertThat(image.image().height()).isEqualTo(32);
        GeneratedMedia.Video video = (GeneratedMedia.Video) model.decode(Modality.VIDEO, latents.get(Modality.VIDEO));
        assertThat(video.video().frames()).hasSize(8);
        assertThat(video.video().frames().get(7).width()).isEqualTo(32);
        GeneratedMedia.Audio audio = (GeneratedMedia.Audio) model.decode(Modality.AUDIO, latents.get(Modality.AUDIO));
        assertThat(audio.audio().sampleRate()).isEqualTo(16_000);
        assertThat(audio.audio().samples()).hasSize(16_000);
        for (float sample : audio.audio().samples()) {
            assertThat(sample).isBetween(-1f, 1f);
        }
        GeneratedMedia.Text text = (GeneratedMedia.Text) model.decode(Modality.TEXT, latents.get(Modality.TEXT));
        assertThat(text.text()).isNotBlank();
        // even from a random bundle's latent, text is one well-formed caption of the world's grammar
        assertThat(new CaptionGrammar(new WordTokenizer()).sentences()).extracting(CaptionGrammar.Sentence::text)
                .contains(text.text());
        assertThatThrownBy(() -> model.decode(Modality.IMAGE, latents.get(Modality.VIDEO))).hasMessageContaining("must have shape");
    }

    @Test
    void savedAndReloadedBundleGivesBitIdenticalOutputs() throws Exception {
        Path copy = temporary.resolve("same-seed");
        CodiTinyBundle.createRandom(copy, BUNDLE_SEED);
        for (var weightFile : model.bundleManifest().weights().values()) {
            assertThat(Files.readAllBytes(copy.resolve(weightFile.file()))).isEqualTo(Files.readAllBytes(bundle.resolve(weightFile.file())));
        }
        SamplingJob job = job("reload", ALL, 21);
        try (CodiTinyModel reloaded = CodiTinyModel.load(copy)) {
            PromptInput image = new PromptInput.Image(gradientImage(32, 32));
            assertThat(reloaded.encode(image)).containsExactly(model.encode(image));
            assertThat(reloaded.nullEmbedding(Modality.AUDIO)).containsExactly(model.nullEmbedding(Modality.AUDIO));
            Map<Modality, Latent> expected = model.sample(List.of(job), SamplingListener.NONE).get(0);
            Map<Modality, Latent> actual = reloaded.sample(List.of(job), SamplingListener.NONE).get(0);
            for (Modality modality : ALL) {
                assertThat(actual.get(modality).values()).containsExactly(expected.get(modality).values());
            }
            GeneratedMedia.Image decoded = (GeneratedMedia.Image) reloaded.decode(Modality.IMAGE, expected.get(Modality.IMAGE));
            assertThat(decoded.image().pixels())
                    .isEqualTo(((GeneratedMedia.Image) model.decode(Modality.IMAGE, expected.get(Modality.IMAGE))).image().pixels());
        }
        Path otherSeed = temporary.resolve("other-seed");
        BundleManifest other = CodiTinyBundle.createRandom(otherSeed, BUNDLE_SEED + 1);
        assertThat(other.weights().get("image_denoiser").sha256())
                .isNotEqualTo(model.bundleManifest().weights().get("image_denoiser").sha256());
    }

    @Test
    void tamperedWeightFileIsRefusedWithAClearError() throws Exception {
        Path tampered = temporary.resolve("tampered");
        CodiTinyBundle.createRandom(tampered, BUNDLE_SEED);
        Path file = tampered.resolve("audio_denoiser.params");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 0x01;
        Files.write(file, bytes);
        assertThatThrownBy(() -> CodiTinyModel.load(tampered))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("audio_denoiser.params")
                .hasMessageContaining("sha256");
        assertThatThrownBy(() -> CodiTinyModel.load(temporary.resolve("nothing-here"))).hasMessageContaining("manifest.json");
    }

    @Test
    void rejectsConditioningOfTheWrongDimension() {
        Conditioning small = new Conditioning(new float[] {1, 0}, new float[] {0, 1});
        SamplingJob job = new SamplingJob("small", small, Set.of(Modality.IMAGE), JobParams.defaults(1), () -> false);
        assertThatThrownBy(() -> model.sample(List.of(job), SamplingListener.NONE)).hasMessageContaining("dimension 2");
    }

    /**
     * Batch composition changes which float kernels PyTorch picks (e.g. GEMM blocking by batch size),
     * so a job batched with others matches its solo run to rounding (~1e-6 of the latent's range),
     * not bit for bit; a wrong seed or a mixed-up row would differ by O(1).
     */
    private static void assertNearlyEqual(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        float range = 0;
        for (float v : expected) {
            range = Math.max(range, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as(what + "[" + i + "]").isCloseTo(expected[i], within(1e-5f * (1 + range)));
        }
    }

    private static SamplingJob job(String id, Set<Modality> outputs, long seed) {
        return new SamplingJob(id, conditioning, outputs, new JobParams(5, 7.5, 0.0, seed, true), () -> false);
    }

    /** Joint, coupled by the environment tokens alone (no shared-space feedback). */
    private static SamplingJob tokensOnly(String id, Set<Modality> outputs, long seed) {
        return new SamplingJob(id, conditioning, outputs, new JobParams(5, 7.5, 0.0, seed, true, 1, 0), () -> false);
    }

    private static RgbImage gradientImage(int width, int height) {
        RgbImage image = RgbImage.blank(width, height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.set(x, y, 255 * x / width, 255 * y / height, 80);
            }
        }
        return image;
    }

    private static float[] tone(int rate, double seconds) {
        float[] samples = new float[(int) (rate * seconds)];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (float) (0.5 * Math.sin(2 * Math.PI * 330 * i / rate));
        }
        return samples;
    }

    private static double norm(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += v * v;
        }
        return Math.sqrt(sum);
    }
}

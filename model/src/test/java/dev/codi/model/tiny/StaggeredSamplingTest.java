package dev.codi.model.tiny;

import dev.codi.media.Modality;
import dev.codi.model.Conditioning;
import dev.codi.model.Latent;
import dev.codi.model.PromptInput;
import dev.codi.model.SamplingBatch;
import dev.codi.model.SamplingJob;
import dev.codi.model.SamplingListener;
import dev.codi.protocol.JobParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Staggered joint sampling and shared-space feedback on the committed, stage-2-trained bundle, where
 * the outputs do couple (a random bundle's joint attention is zero; CodiTinyModelTest checks the step
 * bookkeeping and which outputs feedback couples there).
 */
class StaggeredSamplingTest {
    /** Other jobs share a job's network calls: the last bits move (ContinuousBatchTest measures how far). */
    private static final double BATCHING_TOLERANCE = 5e-4;
    private static final Path COMMITTED_BUNDLE = Path.of("..", "models", "codi-tiny");
    private static final Set<Modality> IMAGE_AUDIO_VIDEO = Set.of(Modality.IMAGE, Modality.AUDIO, Modality.VIDEO);
    private static CodiTinyModel model;
    private static Conditioning conditioning;

    @BeforeAll
    static void loadCommittedBundle() {
        assertThat(Files.isRegularFile(COMMITTED_BUNDLE.resolve("manifest.json"))).as("the committed bundle").isTrue();
        model = CodiTinyModel.load(COMMITTED_BUNDLE);
        assertThat(model.bundleManifest().trained()).isTrue();
        float[] text = model.encode(new PromptInput.Text("something green"));
        conditioning = Conditioning.single(Modality.TEXT, text, model.nullEmbedding(Modality.TEXT));
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    @Test
    void theStaggerChangesWhatTheOutputsReadAndSoEveryOutput() {
        Map<Modality, Latent> staggered = sampleAlone(job("staggered", 3, 21));
        Map<Modality, Latent> lockstep = sampleAlone(job("lockstep", 0, 21));
        for (Modality modality : IMAGE_AUDIO_VIDEO) {
            assertThat(maxDifference(staggered.get(modality), lockstep.get(modality))).as(modality.toString()).isGreaterThan(1e-3);
        }
    }

    @Test
    void aStaggeredJobGivesTheSameLatentsAloneAndBatchedWithOtherStaggers() {
        SamplingJob staggered = job("staggered", 3, 5);
        Map<Modality, Latent> alone = sampleAlone(staggered);
        List<Map<Modality, Latent>> batched = model.sample(List.of(job("lockstep", 0, 5), staggered, job("other", 3, 6),
                new SamplingJob("independent", conditioning, IMAGE_AUDIO_VIDEO, new JobParams(15, 7.5, 0, 5, false, 3), () -> false)),
                SamplingListener.NONE);
        for (Modality modality : IMAGE_AUDIO_VIDEO) {
            assertThat(maxDifference(batched.get(1).get(modality), alone.get(modality))).as(modality.toString()).isCloseTo(0, within(BATCHING_TOLERANCE));
            assertThat(maxDifference(batched.get(0).get(modality), alone.get(modality))).as("lockstep " + modality).isGreaterThan(1e-3);
        }
        assertThat(maxDifference(sampleAlone(staggered).get(Modality.VIDEO), alone.get(Modality.VIDEO))).as("same seed, same latents").isZero();
    }

    @Test
    void feedbackChangesEveryOutputAndAJobGivesTheSameLatentsAloneAndBatchedWithOtherWeights() {
        SamplingJob withFeedback = feedbackJob("feedback", 0.5, 23);
        Map<Modality, Latent> alone = sampleAlone(withFeedback);
        List<Map<Modality, Latent>> batched = model.sample(List.of(feedbackJob("tokens only", 0, 23), withFeedback,
                feedbackJob("other seed", 0.5, 24), feedbackJob("heavier", 1.0, 23)), SamplingListener.NONE);
        for (Modality modality : IMAGE_AUDIO_VIDEO) {
            assertThat(maxDifference(batched.get(1).get(modality), alone.get(modality))).as(modality.toString()).isCloseTo(0, within(BATCHING_TOLERANCE));
            assertThat(maxDifference(batched.get(0).get(modality), alone.get(modality))).as("no feedback, " + modality).isGreaterThan(1e-3);
            assertThat(maxDifference(batched.get(3).get(modality), alone.get(modality))).as("weight 1, " + modality).isGreaterThan(1e-3);
        }
        assertThat(maxDifference(sampleAlone(withFeedback).get(Modality.AUDIO), alone.get(Modality.AUDIO))).as("same seed, same latents").isZero();
    }

    @Test
    void readingTheSharedSpaceEveryThirdStepReadsEachOutputAThirdAsOftenInOneDenoiserCallPerOutputAndStep() {
        Map<String, Long> everyStep = networkCalls(cadenceJob("every step", 1, 23));
        Map<String, Long> everyThird = networkCalls(cadenceJob("every third", 3, 23));
        // audio and video (beside them, nobody weighs the image's reading), 15 own steps each: read at own steps
        // 0..14, or at 0, 3, 6, 9, 12, and once more finished
        assertThat(everyStep.get("shared-space") - everyThird.get("shared-space")).isEqualTo(2 * (15 - 5));
        // ε_u and the joint ε_c of an output's step are one call, as independent sampling's doubled batch
        SamplingJob independent = new SamplingJob("independent", conditioning, IMAGE_AUDIO_VIDEO,
                new JobParams(15, 7.5, 0, 23, false, 3), () -> false);
        assertThat(everyThird.get("denoiser")).isEqualTo(3 * 15).isEqualTo(networkCalls(independent).get("denoiser"));
    }

    @Test
    void aJobReadingEveryThirdStepIsItsOwnJobAndGivesTheSameLatentsAloneAndBatched() {
        SamplingJob everyThird = cadenceJob("every third", 3, 23);
        Map<Modality, Latent> alone = sampleAlone(everyThird);
        List<Map<Modality, Latent>> batched = model.sample(List.of(cadenceJob("every step", 1, 23), everyThird,
                cadenceJob("other seed", 3, 24)), SamplingListener.NONE);
        for (Modality modality : IMAGE_AUDIO_VIDEO) {
            assertThat(maxDifference(batched.get(1).get(modality), alone.get(modality))).as(modality.toString()).isCloseTo(0, within(BATCHING_TOLERANCE));
            assertThat(maxDifference(batched.get(0).get(modality), alone.get(modality))).as("every step, " + modality).isGreaterThan(1e-3);
        }
        assertThat(maxDifference(sampleAlone(everyThird).get(Modality.IMAGE), alone.get(Modality.IMAGE))).as("same seed, same latents").isZero();
    }

    private static SamplingJob cadenceJob(String id, int feedbackEvery, long seed) {
        return new SamplingJob(id, conditioning, IMAGE_AUDIO_VIDEO,
                new JobParams(15, 7.5, 0, seed, true, 3, 1.0, JobParams.Sampler.DDIM, feedbackEvery), () -> false);
    }

    private static Map<String, Long> networkCalls(SamplingJob job) {
        try (SamplingBatch batch = model.newSamplingBatch()) {
            batch.admit(job);
            int left = 0;
            while (!batch.isEmpty()) {
                left += batch.step(SamplingListener.NONE).size();
            }
            assertThat(left).isEqualTo(1);
            return batch.networkCalls();
        }
    }

    private static SamplingJob feedbackJob(String id, double feedback, long seed) {
        return new SamplingJob(id, conditioning, IMAGE_AUDIO_VIDEO, new JobParams(15, 7.5, 0, seed, true, 3, feedback), () -> false);
    }

    private static SamplingJob job(String id, int stagger, long seed) {
        return new SamplingJob(id, conditioning, IMAGE_AUDIO_VIDEO, new JobParams(15, 7.5, 0, seed, true, stagger), () -> false);
    }

    private static Map<Modality, Latent> sampleAlone(SamplingJob job) {
        return model.sample(List.of(job), SamplingListener.NONE).get(0);
    }

    private static double maxDifference(Latent a, Latent b) {
        assertThat(a.shape()).isEqualTo(b.shape());
        double max = 0;
        for (int i = 0; i < a.values().length; i++) {
            max = Math.max(max, Math.abs(a.values()[i] - b.values()[i]));
        }
        return max;
    }
}

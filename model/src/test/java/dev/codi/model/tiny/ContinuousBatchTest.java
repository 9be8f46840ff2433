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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Step-level continuous batching on the committed, stage-2-trained bundle (its joint attention and
 * feedback couple the outputs, so a row mixed up with another job's would show): jobs of any
 * parameters share every network call of a step, join between steps, leave when finished or
 * canceled, and sample what they sample alone.
 */
class ContinuousBatchTest {
    /**
     * How far a job's latents may move when other jobs share its network calls: batched matrix
     * products on CPU sum in another order, and the guided, coupled loop carries the last bits
     * forward. Measured: at most about 1.4e-4 over these tests; sampled alone twice, 0.
     */
    private static final double BATCHING_TOLERANCE = 5e-4;
    private static final Path COMMITTED_BUNDLE = Path.of("..", "models", "codi-tiny");
    private static CodiTinyModel model;
    private static Conditioning conditioning;

    @BeforeAll
    static void loadCommittedBundle() {
        model = CodiTinyModel.load(COMMITTED_BUNDLE);
        float[] text = model.encode(new PromptInput.Text("a blue square moving up"));
        conditioning = Conditioning.single(Modality.TEXT, text, model.nullEmbedding(Modality.TEXT));
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    @Test
    void aJobJoiningMidBatchSamplesWhatItSamplesAlone() {
        SamplingJob first = job("first", Set.of(Modality.IMAGE, Modality.AUDIO), new JobParams(8, 7.5, 0, 3, true));
        SamplingJob joining = job("joining", Set.of(Modality.IMAGE, Modality.VIDEO), new JobParams(6, 5.0, 0, 4, true, 1, 0.5));
        Map<SamplingJob, Map<Modality, Latent>> results = new HashMap<>();
        try (SamplingBatch batch = model.newSamplingBatch()) {
            batch.admit(first);
            for (int step = 0; step < 3; step++) {
                assertThat(batch.step(SamplingListener.NONE)).isEmpty();
            }
            batch.admit(joining);                                            // joins at step 4 of the first job
            while (!batch.isEmpty()) {
                batch.step(SamplingListener.NONE).forEach(sampled -> results.put(sampled.job(), sampled.latents()));
            }
        }
        assertSameLatents(results.get(joining), sampleAlone(joining), "joining");
        assertSameLatents(results.get(first), sampleAlone(first), "first");
    }

    @Test
    void aCanceledJobLeavesAtOnceAndTheOthersSampleWhatTheySampleAlone() {
        AtomicBoolean canceled = new AtomicBoolean();
        SamplingJob staying = job("staying", Set.of(Modality.IMAGE, Modality.AUDIO), new JobParams(6, 7.5, 0, 8, true));
        SamplingJob leaving = new SamplingJob("leaving", conditioning, Set.of(Modality.IMAGE, Modality.AUDIO),
                new JobParams(6, 7.5, 0, 9, true), canceled::get);
        SamplingJob other = job("other", Set.of(Modality.AUDIO), new JobParams(5, 7.5, 0, 10, false));
        Map<String, Integer> stepsHeard = new HashMap<>();
        SamplingListener listener = (jobId, step, total) -> stepsHeard.put(jobId, step);
        Map<SamplingJob, Map<Modality, Latent>> results = new HashMap<>();
        try (SamplingBatch batch = model.newSamplingBatch()) {
            List.of(staying, leaving, other).forEach(batch::admit);
            batch.step(listener);
            batch.step(listener);
            canceled.set(true);
            List<SamplingBatch.Sampled> left = batch.step(listener);
            assertThat(left).as("the canceled job leaves at the next step").hasSize(1);
            assertThat(left.get(0).job()).isSameAs(leaving);
            assertThat(left.get(0).latents()).isEmpty();
            while (!batch.isEmpty()) {
                batch.step(listener).forEach(sampled -> results.put(sampled.job(), sampled.latents()));
            }
        }
        assertThat(stepsHeard).containsEntry("leaving", 2).containsEntry("staying", staying.params().iterations(2))
                .containsEntry("other", 5);
        assertThat(results).doesNotContainKey(leaving);
        assertSameLatents(results.get(staying), sampleAlone(staying), "staying");
        assertSameLatents(results.get(other), sampleAlone(other), "other");
    }

    @Test
    void jobsOfMixedOutputsAndStepsShareTheDenoiserCalls() {
        SamplingJob independentImage = job("image", Set.of(Modality.IMAGE), new JobParams(6, 7.5, 0, 1, false));
        SamplingJob independentImageAudio = job("both", Set.of(Modality.IMAGE, Modality.AUDIO), new JobParams(8, 3.0, 0, 4, false));
        SamplingJob shortAudio = job("audio", Set.of(Modality.AUDIO), new JobParams(4, 7.5, 0, 3, false));
        SamplingJob jointImageAudio = job("joint", Set.of(Modality.IMAGE, Modality.AUDIO), new JobParams(8, 3.0, 0, 2, true, 0, 0));
        List<SamplingJob> independent = List.of(independentImage, independentImageAudio, shortAudio);
        long alone = 0;
        long largestAlone = 0;
        for (SamplingJob job : independent) {
            long calls = denoiserCalls(List.of(job));
            alone += calls;
            largestAlone = Math.max(largestAlone, calls);
        }
        // every step of the longest job calls each of its denoisers as often as it would alone; the others ride along
        assertThat(denoiserCalls(independent)).isEqualTo(largestAlone).isLessThan(alone);
        // a joint step calls each denoiser once, as an independent step does ([ε_u; ε_c with the others' tokens]);
        // those calls, with environment tokens, run beside the independent jobs' calls of the step
        assertThat(denoiserCalls(List.of(jointImageAudio))).isEqualTo(denoiserCalls(List.of(independentImageAudio))).isEqualTo(2 * 8);
        assertThat(denoiserCalls(List.of(independentImage, independentImageAudio, shortAudio, jointImageAudio)))
                .isEqualTo(largestAlone + 2 * 8);
    }

    @Test
    void aJobSamplesTheSameLatentsBatchedWithJobsOfOtherParameters() {
        SamplingJob job = job("job", Set.of(Modality.TEXT, Modality.IMAGE, Modality.AUDIO), new JobParams(6, 7.5, 0, 12, true, 1, 1.0));
        List<Map<Modality, Latent>> batched = model.sample(List.of(
                job("dpm", Set.of(Modality.IMAGE), new JobParams(5, 7.5, 0, 13, true, 0, 0, JobParams.Sampler.DPM_SOLVER_PLUS_PLUS)),
                job, job("eta", Set.of(Modality.IMAGE, Modality.TEXT), new JobParams(7, 4.0, 0.5, 14, true))), SamplingListener.NONE);
        assertSameLatents(batched.get(1), sampleAlone(job), "job");
        assertThat(sampleAlone(job).get(Modality.IMAGE).values()).as("alone twice: bitwise")
                .containsExactly(sampleAlone(job).get(Modality.IMAGE).values());
    }

    @Test
    void aUniPcJobBatchedWithADdimJobAndACanceledUniPcJobSamplesWhatItSamplesAlone() {
        // UniPC remembers two predictions and the corrected sample of every row: the canceled job's rows
        // leave that memory after its second-order steps, and the DDIM job shares every network call
        JobParams unipc = new JobParams(6, 7.5, 0, 15, true, 1, 1.0, JobParams.Sampler.UNIPC);
        SamplingJob survivor = job("unipc", Set.of(Modality.IMAGE, Modality.AUDIO), unipc);
        AtomicInteger canceledSteps = new AtomicInteger();
        SamplingJob canceled = new SamplingJob("unipc-canceled", conditioning, Set.of(Modality.IMAGE, Modality.AUDIO),
                new JobParams(6, 7.5, 0, 17, true, 1, 1.0, JobParams.Sampler.UNIPC), () -> canceledSteps.get() >= 4);
        SamplingJob ddim = job("ddim", Set.of(Modality.IMAGE), new JobParams(8, 7.5, 0, 16, false));
        List<Map<Modality, Latent>> batched = model.sample(List.of(canceled, survivor, ddim), (jobId, step, total) -> {
            if (jobId.equals("unipc-canceled")) {
                canceledSteps.incrementAndGet();
            }
        });
        assertThat(batched.get(0)).as("canceled").isEmpty();
        Map<Modality, Latent> alone = sampleAlone(survivor);
        assertSameLatents(batched.get(1), alone, "unipc");
        assertSameLatents(batched.get(2), sampleAlone(ddim), "ddim");
        // the job ran UniPC's corrector, not DPM-Solver++(2M) (which its predictor is)
        SamplingJob dpm = job("dpm", survivor.outputs(), new JobParams(6, 7.5, 0, 15, true, 1, 1.0, JobParams.Sampler.DPM_SOLVER_PLUS_PLUS));
        assertThat(maxDifference(alone.get(Modality.IMAGE), sampleAlone(dpm).get(Modality.IMAGE)))
                .as("UniPC against DPM-Solver++ at the same seed").isGreaterThan(10 * BATCHING_TOLERANCE);
    }

    private static long denoiserCalls(List<SamplingJob> jobs) {
        try (SamplingBatch batch = model.newSamplingBatch()) {
            jobs.forEach(batch::admit);
            List<SamplingBatch.Sampled> done = new ArrayList<>();
            while (!batch.isEmpty()) {
                done.addAll(batch.step(SamplingListener.NONE));
            }
            assertThat(done).hasSameSizeAs(jobs);
            return batch.networkCalls().get("denoiser");
        }
    }

    @Test
    void networksRunAtOnceSampleBitForBitWhatTheySampleOneAfterAnother() {
        List<SamplingJob> jobs = List.of(
                job("image-audio", Set.of(Modality.IMAGE, Modality.AUDIO), new JobParams(8, 7.5, 0, 11, true)),
                job("audio-video", Set.of(Modality.AUDIO, Modality.VIDEO), new JobParams(6, 5.0, 0, 12, true, 1, 0.5)),
                job("image-text", Set.of(Modality.IMAGE, Modality.TEXT), new JobParams(8, 7.5, 0, 13, false)));
        List<Map<Modality, Latent>> oneAfterAnother;
        try (CodiTinyModel sequential = CodiTinyModel.load(COMMITTED_BUNDLE, ai.djl.Device.cpu(), 1)) {
            oneAfterAnother = sequential.sample(jobs, SamplingListener.NONE);
        }
        List<Map<Modality, Latent>> atOnce;
        try (CodiTinyModel concurrent = CodiTinyModel.load(COMMITTED_BUNDLE, ai.djl.Device.cpu(), 3)) {
            atOnce = concurrent.sample(jobs, SamplingListener.NONE);
        }
        for (int j = 0; j < jobs.size(); j++) {
            assertThat(atOnce.get(j).keySet()).as(jobs.get(j).jobId()).isEqualTo(jobs.get(j).outputs());
            for (Modality modality : jobs.get(j).outputs()) {
                assertThat(atOnce.get(j).get(modality).values()).as(jobs.get(j).jobId() + " " + modality)
                        .containsExactly(oneAfterAnother.get(j).get(modality).values());
            }
        }
    }

    private static SamplingJob job(String id, Set<Modality> outputs, JobParams params) {
        return new SamplingJob(id, conditioning, outputs, params, () -> false);
    }

    private static Map<Modality, Latent> sampleAlone(SamplingJob job) {
        return model.sample(List.of(job), SamplingListener.NONE).get(0);
    }

    private static void assertSameLatents(Map<Modality, Latent> actual, Map<Modality, Latent> expected, String job) {
        assertThat(actual).as(job).isNotNull();
        assertThat(actual.keySet()).as(job).isEqualTo(expected.keySet());
        for (Modality modality : expected.keySet()) {
            double max = maxDifference(actual.get(modality), expected.get(modality));
            System.out.printf("batched against alone, %s %s: max |Δ| = %.3g%n", job, modality, max);
            assertThat(max).as(job + " " + modality).isLessThanOrEqualTo(BATCHING_TOLERANCE);
        }
    }

    private static double maxDifference(Latent actual, Latent expected) {
        float[] a = actual.values();
        float[] b = expected.values();
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}

package dev.codi.model.denoiser;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codi.model.nn.Dense;
import dev.codi.model.nn.LearnedTensor;
import dev.codi.model.nn.SeededInit;
import dev.codi.model.nn.SpaceTimeConv;
import dev.codi.model.nn.TinyBlock;
import dev.codi.model.tiny.CodiTinyConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The pieces joint generation and video motion rest on: environment tokens and the video denoiser's frame embedding. */
class JointLayersTest {
    private static final CodiTinyConfig CONFIG = CodiTinyConfig.defaults();
    private static NDManager manager;
    private static ParameterStore store;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
        store = new ParameterStore(manager, false);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static NDArray gaussian(long seed, long... shape) {
        Random random = new Random(seed);
        float[] values = new float[Math.toIntExact(new Shape(shape).size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return manager.create(values, new Shape(shape));
    }

    @Test
    void environmentTokensAreUnitVectorsThatSeeWhereThingsAreAndWhichWayAVideoRuns() {
        EnvironmentEncoder image = new EnvironmentEncoder(CONFIG.imageEnvironment());
        image.initialize(manager, DataType.FLOAT32, new Shape(1));
        SeededInit.apply(image, 7);
        NDArray latent = gaussian(1, 2, 4, 8, 8);
        float[] tokens = image.encode(store, latent).toFloatArray();
        assertThat(tokens).hasSize(2 * CONFIG.environmentDim());
        for (int row = 0; row < 2; row++) {
            double norm = 0;
            for (int k = 0; k < CONFIG.environmentDim(); k++) {
                norm += tokens[row * CONFIG.environmentDim() + k] * tokens[row * CONFIG.environmentDim() + k];
            }
            assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-4));
        }
        // the same content moved elsewhere is another token (a pooled encoder would not tell)
        float[] shifted = image.encode(store, latent.flip(3)).toFloatArray();
        assertThat(maxDifference(tokens, shifted)).isGreaterThan(1e-3f);

        EnvironmentEncoder video = new EnvironmentEncoder(CONFIG.videoEnvironment());
        video.initialize(manager, DataType.FLOAT32, new Shape(1));
        SeededInit.apply(video, 7);
        NDArray clip = gaussian(2, 1, 8, 4, 8, 8);
        float[] forward = video.encode(store, clip).toFloatArray();
        float[] backward = video.encode(store, clip.flip(1)).toFloatArray(); // the frames in reverse: the opposite motion
        assertThat(maxDifference(forward, backward)).isGreaterThan(1e-3f);
    }

    @Test
    void environmentEncodersOfABundleThatNamesNoInputReadTheNoisyLatent() throws Exception {
        // as the manifests of bundles trained before V_m could read the clean estimate wrote it
        String written = "{\"latentShape\":[4,8,8],\"channels\":32,\"environmentDim\":64}";
        EnvironmentEncoder.Config old = new ObjectMapper().readValue(written, EnvironmentEncoder.Config.class);
        assertThat(new EnvironmentEncoder(old).reads()).isEqualTo(EnvironmentEncoder.Reads.NOISY_LATENT);
        CodiTinyConfig clean = CONFIG.withEnvironmentReads(EnvironmentEncoder.Reads.CLEAN_ESTIMATE);
        assertThat(List.of(clean.textEnvironment(), clean.imageEnvironment(), clean.audioEnvironment(), clean.videoEnvironment()))
                .allSatisfy(config -> assertThat(config.reads()).isEqualTo(EnvironmentEncoder.Reads.CLEAN_ESTIMATE));
    }

    @Test
    void anEnvironmentEncoderReadsWhatItsConfigNames() {
        EnvironmentEncoder clean = new EnvironmentEncoder(CONFIG.withEnvironmentReads(EnvironmentEncoder.Reads.CLEAN_ESTIMATE).imageEnvironment());
        clean.initialize(manager, DataType.FLOAT32, new Shape(1));
        SeededInit.apply(clean, 11);
        EnvironmentEncoder noisy = new EnvironmentEncoder(new EnvironmentEncoder.Config(new int[] {4, 8, 8}, 32, 64, null));
        noisy.initialize(manager, DataType.FLOAT32, new Shape(1));
        SeededInit.apply(noisy, 11);
        NDArray latent = gaussian(1, 2, 4, 8, 8);
        NDArray estimate = gaussian(2, 2, 4, 8, 8);
        assertThat(clean.encode(store, latent, estimate).toFloatArray()).containsExactly(clean.encode(store, estimate).toFloatArray());
        assertThat(noisy.encode(store, latent, null).toFloatArray()).containsExactly(noisy.encode(store, latent).toFloatArray());
        assertThatThrownBy(() -> clean.encode(store, latent, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void videoDenoiserWeightsFromBeforeTheFrameOrSpaceTimeLayersLoadAsTheDenoiserTheyWere() throws Exception {
        SpatialDenoiser trained = videoDenoiser();
        ByteArrayOutputStream full = new ByteArrayOutputStream();
        trained.saveParameters(new DataOutputStream(full));
        int timeDim = CONFIG.videoDenoiser().timeDim();
        int channels = CONFIG.videoDenoiser().channels();
        ByteArrayOutputStream spaceTime = new ByteArrayOutputStream(); // what the space-time layers write, in order
        for (int layer = 0; layer < 3; layer++) {
            TinyBlock late = new SpaceTimeConv(channels, CONFIG.videoDenoiser().groups(), CONFIG.embeddingDim());
            late.initialize(manager, DataType.FLOAT32, new Shape(1));
            late.saveParameters(new DataOutputStream(spaceTime));
        }
        ByteArrayOutputStream frameLayers = new ByteArrayOutputStream(); // what the frame layers write, in order
        for (TinyBlock late : List.of(new LearnedTensor(CONFIG.videoFrames(), timeDim),
                new Dense(CONFIG.embeddingDim() + timeDim, timeDim), new Dense(timeDim, timeDim))) {
            late.initialize(manager, DataType.FLOAT32, new Shape(1));
            late.saveParameters(new DataOutputStream(frameLayers));
        }
        byte[] beforeSpaceTime = Arrays.copyOf(full.toByteArray(), full.size() - spaceTime.size());
        byte[] beforeFrameLayers = Arrays.copyOf(beforeSpaceTime, beforeSpaceTime.length - frameLayers.size());
        NDArray latents = gaussian(3, 2, 8, 4, 8, 8);
        NDArray timesteps = manager.create(new float[] {10, 500});
        NDArray context = gaussian(4, 2, 1, CONFIG.embeddingDim());
        float[] expected = trained.predictNoise(store, latents, timesteps, context, null).toFloatArray();
        for (byte[] old : List.of(beforeSpaceTime, beforeFrameLayers)) {
            SpatialDenoiser loaded = videoDenoiser();
            SeededInit.apply(loaded, 99); // other weights everywhere, zero late layers (zero-initialised)
            loaded.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(old)));
            float[] actual = loaded.predictNoise(store, latents, timesteps, context, null).toFloatArray();
            assertThat(maxDifference(actual, expected)).isLessThan(1e-5f);
        }

        // and trained space-time layers change the prediction
        SpatialDenoiser withSpaceTime = videoDenoiser();
        SeededInit.apply(withSpaceTime, 5);
        withSpaceTime.getParameters().forEach(pair -> {
            if (pair.getKey().contains("space_time") && pair.getKey().contains("conv")) {
                NDArray weights = pair.getValue().getArray();
                weights.set(gaussian(9, weights.getShape().getShape()).mul(0.05f).toFloatArray());
            }
        });
        SpatialDenoiser withoutSpaceTime = videoDenoiser();
        SeededInit.apply(withoutSpaceTime, 5);
        float[] plain = withoutSpaceTime.predictNoise(store, latents, timesteps, context, null).toFloatArray();
        float[] moved = withSpaceTime.predictNoise(store, latents, timesteps, context, null).toFloatArray();
        assertThat(maxDifference(plain, moved)).isGreaterThan(1e-3f);

        // and a frame embedding, once trained, makes frames of identical content come out differently
        SpatialDenoiser withFrames = videoDenoiser();
        SeededInit.apply(withFrames, 5);
        withFrames.getParameters().forEach(pair -> {
            if (pair.getKey().contains("frame_embedding")) {
                pair.getValue().getArray().set(gaussian(6, CONFIG.videoFrames(), CONFIG.videoDenoiser().timeDim()).toFloatArray());
            }
        });
        // (frames 3 and 4 are far enough from the clip's ends that the temporal convs' padding cannot tell them apart)
        NDArray still = gaussian(7, 1, 1, 4, 8, 8).repeat(1, CONFIG.videoFrames());      // every frame the same
        NDArray stillContext = gaussian(8, 1, 1, CONFIG.embeddingDim());
        float[] without = trained.predictNoise(store, still, manager.create(new float[] {300}), stillContext, null).toFloatArray();
        float[] with = withFrames.predictNoise(store, still, manager.create(new float[] {300}), stillContext, null).toFloatArray();
        int frame = with.length / CONFIG.videoFrames();
        assertThat(maxDifference(Arrays.copyOfRange(without, frame * 3, frame * 4), Arrays.copyOfRange(without, frame * 4, frame * 5)))
                .isLessThan(1e-5f);
        assertThat(maxDifference(Arrays.copyOfRange(with, frame * 3, frame * 4), Arrays.copyOfRange(with, frame * 4, frame * 5)))
                .isGreaterThan(1e-3f);
    }

    @Test
    void aVideoDenoiserWithTrainedLateLayersSavesAndLoadsAsItWas() throws Exception {
        SpatialDenoiser trained = videoDenoiser();
        SeededInit.apply(trained, 11);
        trained.getParameters().forEach(pair -> { // the zero-initialised late layers, as if trained
            if (pair.getKey().contains(SeededInit.ZERO_INIT_MARK)) {
                NDArray weights = pair.getValue().getArray();
                weights.set(gaussian(pair.getKey().hashCode(), weights.getShape().getShape()).mul(0.05f).toFloatArray());
            }
        });
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        trained.saveParameters(new DataOutputStream(bytes));
        SpatialDenoiser loaded = videoDenoiser();
        loaded.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        NDArray latents = gaussian(3, 2, 8, 4, 8, 8);
        NDArray timesteps = manager.create(new float[] {10, 500});
        NDArray context = gaussian(4, 2, 1, CONFIG.embeddingDim());
        assertThat(maxDifference(loaded.predictNoise(store, latents, timesteps, context, null).toFloatArray(),
                trained.predictNoise(store, latents, timesteps, context, null).toFloatArray())).isLessThan(1e-5f);
    }

    @Test
    void aRowMarkedAloneGetsThePredictionWithoutEnvironmentAndAMarkedRowTheJointOneInTheSameCall() {
        SpatialDenoiser video = videoDenoiser();
        video.getParameters().forEach(pair -> { // trained joint attention: it changes the prediction
            if (pair.getKey().contains(SeededInit.ZERO_INIT_MARK)) {
                NDArray weights = pair.getValue().getArray();
                weights.set(gaussian(pair.getKey().hashCode(), weights.getShape().getShape()).mul(0.05f).toFloatArray());
            }
        });
        NDArray latents = gaussian(3, 1, 8, 4, 8, 8);
        NDArray timesteps = manager.create(new float[] {500});
        NDArray context = gaussian(4, 1, 1, CONFIG.embeddingDim());
        NDArray environment = gaussian(5, 1, 2, CONFIG.environmentDim());
        float[] alone = video.predictNoise(store, latents, timesteps, context, null).toFloatArray();
        float[] joint = video.predictNoise(store, latents, timesteps, context, environment).toFloatArray();
        assertThat(maxDifference(alone, joint)).isGreaterThan(1e-3f);

        float[] both = video.predictNoise(store, latents.repeat(0, 2), timesteps.repeat(0, 2), context.repeat(0, 2),
                environment.repeat(0, 2), manager.create(new float[] {0, 1})).toFloatArray();  // [alone; joint] in one call
        assertThat(maxDifference(Arrays.copyOfRange(both, 0, alone.length), alone)).isLessThan(1e-5f);
        assertThat(maxDifference(Arrays.copyOfRange(both, alone.length, both.length), joint)).isLessThan(1e-5f);
    }

    private static SpatialDenoiser videoDenoiser() {
        SpatialDenoiser denoiser = new SpatialDenoiser(CONFIG.videoDenoiser());
        denoiser.initialize(manager, DataType.FLOAT32, new Shape(1));
        SeededInit.apply(denoiser, 42);
        return denoiser;
    }

    @Test
    void aVideoEncoderStartedFromTheImageEncoderReadsAStillClipAsTheImageEncoderReadsItsFrame() {
        EnvironmentEncoder image = new EnvironmentEncoder(CONFIG.imageEnvironment());
        image.initialize(manager, DataType.FLOAT32, new Shape(1));
        SeededInit.apply(image, 21);
        EnvironmentEncoder video = new EnvironmentEncoder(CONFIG.videoEnvironment());
        video.initialize(manager, DataType.FLOAT32, new Shape(1));
        SeededInit.apply(video, 22);
        int[] frameShape = CONFIG.imageEnvironment().latentShape();
        int frames = CONFIG.videoFrames();
        NDArray frame = gaussian(23, 2, frameShape[0], frameShape[1], frameShape[2]);
        NDArray still = frame.expandDims(1).repeat(1, frames);                      // (2, frames, c, h, w), every frame the same
        float[] imageToken = image.encode(store, frame).toFloatArray();
        assertThat(maxDifference(video.encode(store, still).toFloatArray(), imageToken)).as("seeded apart").isGreaterThan(1e-2f);

        video.startFrom(image);
        assertThat(maxDifference(video.encode(store, still).toFloatArray(), imageToken)).isLessThan(1e-5f);
        // the image encoder is left as it was; an image encoder cannot start from a video one
        assertThat(maxDifference(image.encode(store, frame).toFloatArray(), imageToken)).isZero();
        assertThatThrownBy(() -> image.startFrom(video)).isInstanceOf(IllegalArgumentException.class);
    }

    private static float maxDifference(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}

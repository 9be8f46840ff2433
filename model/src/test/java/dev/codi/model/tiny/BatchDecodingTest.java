package dev.codi.model.tiny;

import dev.codi.media.Modality;
import dev.codi.media.RgbImage;
import dev.codi.model.CodiModel.OutputLatent;
import dev.codi.model.GeneratedMedia;
import dev.codi.model.Latent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** decodeAll on a seeded random bundle: a latent decoded among others gives the media it gives alone. */
class BatchDecodingTest {
    /** Largest difference of a pixel channel (of 255) between a latent decoded alone and in a batch (measured: 1). */
    private static final int PIXEL_TOLERANCE = 1;
    /** Largest difference of an audio sample (full scale 1) between a latent decoded alone and in a batch (measured: 2.7e-5). */
    private static final double SAMPLE_TOLERANCE = 1e-4;

    @TempDir
    static Path temporary;
    private static CodiTinyModel model;
    private static ExecutorService pool;

    @BeforeAll
    static void loadModel() {
        Path bundle = temporary.resolve("bundle");
        CodiTinyBundle.createRandom(bundle, 11);
        model = CodiTinyModel.load(bundle);
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void close() {
        pool.shutdownNow();
        model.close();
    }

    @Test
    void aLatentDecodedAmongOthersGivesWhatItGivesAlone() {
        // Given a batch mixing every modality, more images than one decoder call takes, in no particular order
        Random random = new Random(3);
        List<OutputLatent> batch = new ArrayList<>();
        List<Modality> order = new ArrayList<>(List.of(Modality.AUDIO, Modality.TEXT, Modality.VIDEO, Modality.AUDIO, Modality.TEXT,
                Modality.VIDEO, Modality.TEXT));
        for (int i = 0; i < CodiTinyModel.DECODE_ROWS + 2; i++) {
            order.add(i % 3, Modality.IMAGE);
        }
        for (Modality modality : order) {
            batch.add(new OutputLatent(modality, randomLatent(modality, random)));
        }

        // When it is decoded together, and each latent alone
        List<GeneratedMedia> together = model.decodeAll(batch, pool);

        // Then every output is the one its latent gives alone, in the batch's order
        assertThat(together).hasSize(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            OutputLatent output = batch.get(i);
            GeneratedMedia alone = model.decode(output.modality(), output.latent());
            GeneratedMedia inBatch = together.get(i);
            assertThat(inBatch.modality()).isEqualTo(output.modality());
            if (inBatch instanceof GeneratedMedia.Text text) {
                assertThat(text.text()).isEqualTo(((GeneratedMedia.Text) alone).text());
            } else if (inBatch instanceof GeneratedMedia.Image image) {
                assertClose(image.image(), ((GeneratedMedia.Image) alone).image());
            } else if (inBatch instanceof GeneratedMedia.Video video) {
                List<RgbImage> frames = ((GeneratedMedia.Video) alone).video().frames();
                assertThat(video.video().frames()).hasSameSizeAs(frames);
                for (int f = 0; f < frames.size(); f++) {
                    assertClose(video.video().frames().get(f), frames.get(f));
                }
            } else {
                float[] expected = ((GeneratedMedia.Audio) alone).audio().samples();
                float[] actual = ((GeneratedMedia.Audio) inBatch).audio().samples();
                assertThat(actual).hasSameSizeAs(expected);
                double largest = 0;
                for (int s = 0; s < expected.length; s++) {
                    largest = Math.max(largest, Math.abs(actual[s] - expected[s]));
                }
                assertThat(largest).as("largest sample difference").isLessThanOrEqualTo(SAMPLE_TOLERANCE);
            }
        }
    }

    @Test
    void aLatentOfTheWrongShapeIsRefusedWithTheShapeItNeeds() {
        List<OutputLatent> batch = List.of(new OutputLatent(Modality.IMAGE, randomLatent(Modality.IMAGE, new Random(1))),
                new OutputLatent(Modality.AUDIO, new Latent(new int[] {4, 8, 4}, new float[128])));
        assertThatThrownBy(() -> model.decodeAll(batch, pool))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("audio latents must have shape [4, 8, 8], got [4, 8, 4]");
    }

    private static Latent randomLatent(Modality modality, Random random) {
        int[] shape = model.manifest().latentShapes().get(modality);
        int size = 1;
        for (int dimension : shape) {
            size *= dimension;
        }
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return new Latent(shape, values);
    }

    private static void assertClose(RgbImage actual, RgbImage expected) {
        assertThat(actual.width()).isEqualTo(expected.width());
        assertThat(actual.height()).isEqualTo(expected.height());
        int largest = 0;
        for (int i = 0; i < expected.pixels().length; i++) {
            largest = Math.max(largest, Math.abs((actual.pixels()[i] & 0xff) - (expected.pixels()[i] & 0xff)));
        }
        assertThat(largest).as("largest pixel channel difference").isLessThanOrEqualTo(PIXEL_TOLERANCE);
    }
}

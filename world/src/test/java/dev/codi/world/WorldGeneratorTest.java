package dev.codi.world;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codi.media.AudioClip;
import dev.codi.media.RgbImage;
import dev.codi.media.VideoClip;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WorldGeneratorTest {
    private final WorldGenerator generator = new WorldGenerator();

    @Test
    void everyImageIsA32PixelShapeOf12To20PixelsInsideADarkFrame() {
        Random random = new Random(1);
        for (int i = 0; i < 960; i++) {
            Combination combination = Combination.ALL.get(i % Combination.ALL.size());
            RgbImage image = generator.image(combination.color(), combination.shape(), random);
            assertThat(image.width()).isEqualTo(32);
            assertThat(image.height()).isEqualTo(32);
            assertShapeWithinSpec(image, combination.color());
        }
    }

    @Test
    void everyVideoHasEightFramesAndTravelsAtLeastSevenPixelsOneOrTwoPerFrame() {
        Random random = new Random(2);
        for (int i = 0; i < 480; i++) {
            Combination c = Combination.ALL.get(i % Combination.ALL.size());
            VideoClip video = generator.video(c.color(), c.shape(), c.motion(), random);
            assertThat(video.frames()).hasSize(8);
            int[] previous = null;
            int[] first = null;
            for (RgbImage frame : video.frames()) {
                int[] box = assertShapeWithinSpec(frame, c.color());
                if (previous != null) {
                    int step = (box[0] - previous[0]) * c.motion().dx() + (box[1] - previous[1]) * c.motion().dy();
                    assertThat(step).as("step along %s", c.motion()).isBetween(1, 2);
                    int sideways = (box[0] - previous[0]) * c.motion().dy() + (box[1] - previous[1]) * c.motion().dx();
                    assertThat(sideways).isZero();
                } else {
                    first = box;
                }
                previous = box;
            }
            int travel = (previous[0] - first[0]) * c.motion().dx() + (previous[1] - first[1]) * c.motion().dy();
            assertThat(travel).isGreaterThanOrEqualTo(7);
        }
    }

    @Test
    void everyAudioClipIsOneSecondOfMono16kHzWithinFullScale() {
        Random random = new Random(3);
        for (Combination c : Combination.ALL) {
            AudioClip clip = generator.audio(c.color(), c.shape(), c.motion(), random);
            assertThat(clip.sampleRate()).isEqualTo(16_000);
            assertThat(clip.durationSeconds()).isEqualTo(1.0);
            float peak = 0;
            for (float sample : clip.samples()) {
                peak = Math.max(peak, Math.abs(sample));
            }
            assertThat(peak).isBetween(0.3f, 1f);
        }
    }

    @Test
    void theSameSeedGivesTheSameSampleAndAnotherSeedADifferentOne() {
        Combination combination = Combination.parse("blue cross up");
        Sample a = generator.sample(combination, WorldGenerator.seeded(42));
        Sample b = generator.sample(combination, WorldGenerator.seeded(42));
        Sample c = generator.sample(combination, WorldGenerator.seeded(43));
        assertThat(a.caption()).isEqualTo(b.caption());
        assertThat(a.image().pixels()).isEqualTo(b.image().pixels());
        assertThat(a.video().frames().get(7).pixels()).isEqualTo(b.video().frames().get(7).pixels());
        assertThat(a.audio().samples()).isEqualTo(b.audio().samples());
        assertThat(a.image().pixels()).isNotEqualTo(c.image().pixels());
        assertThat(a.audio().samples()).isNotEqualTo(c.audio().samples());
    }

    @Test
    void shapeMasksHaveTheSpecifiedFillRatios() {
        for (int size = WorldSpec.MIN_SHAPE_SIZE; size <= WorldSpec.MAX_SHAPE_SIZE; size++) {
            assertThat(ShapeMask.fillRatio(Shape.SQUARE, size)).isEqualTo(1.0);
            assertThat(ShapeMask.fillRatio(Shape.CIRCLE, size)).isCloseTo(Math.PI / 4, org.assertj.core.data.Offset.offset(0.05));
            // ½ for the ideal triangle; whole pixels along the slanted edges add up to a twelfth
            assertThat(ShapeMask.fillRatio(Shape.TRIANGLE, size)).isBetween(0.5, 0.59);
            assertThat(ShapeMask.fillRatio(Shape.CROSS, size)).isCloseTo(5.0 / 9, org.assertj.core.data.Offset.offset(0.06));
            // apex up: the top row is narrower than the bottom row
            int top = 0;
            int bottom = 0;
            for (int col = 0; col < size; col++) {
                top += ShapeMask.covers(Shape.TRIANGLE, size, col, 0) ? 1 : 0;
                bottom += ShapeMask.covers(Shape.TRIANGLE, size, col, size - 1) ? 1 : 0;
            }
            assertThat(top).isBetween(1, 2);
            assertThat(bottom).isEqualTo(size);
        }
    }

    /**
     * Asserts the background is ≤ 40 per channel, the shape's pixels are near its spec color, and its
     * bounding box is 12–20 px a side and square (a shape cut by the frame's edge would not be); returns (left, top, size).
     */
    private static int[] assertShapeWithinSpec(RgbImage image, Color color) {
        int minX = 99;
        int minY = 99;
        int maxX = -1;
        int maxY = -1;
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                int r = image.channel(x, y, 0);
                int g = image.channel(x, y, 1);
                int b = image.channel(x, y, 2);
                if (Math.max(r, Math.max(g, b)) > WorldSpec.BACKGROUND_MAX) {
                    assertThat(Math.abs(r - color.red()) + Math.abs(g - color.green()) + Math.abs(b - color.blue()))
                            .as("shape pixel (%d,%d) of %s", x, y, color).isLessThanOrEqualTo(18);
                    minX = Math.min(minX, x);
                    minY = Math.min(minY, y);
                    maxX = Math.max(maxX, x);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        int width = maxX - minX + 1;
        int height = maxY - minY + 1;
        assertThat(width).isBetween(WorldSpec.MIN_SHAPE_SIZE, WorldSpec.MAX_SHAPE_SIZE);
        assertThat(height).isEqualTo(width);
        return new int[] {minX, minY, width};
    }
}

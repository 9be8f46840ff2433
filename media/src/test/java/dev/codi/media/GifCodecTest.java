package dev.codi.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class GifCodecTest {
    @Test
    void roundTripKeepsFrameCountRateAndColours() throws Exception {
        VideoClip clip = TestMedia.movingSquare();

        byte[] gif = GifCodec.encode(clip);
        VideoClip decoded = GifCodec.decode(gif);

        assertThat(decoded.frames()).hasSize(8);
        // 8 fps -> round(12.5) = 13 centiseconds per frame -> 100/13 fps.
        assertThat(decoded.framesPerSecond()).isCloseTo(100.0 / 13, Offset.offset(1e-9));
        for (int f = 0; f < 8; f++) {
            // Two colours fit any palette exactly.
            assertThat(TestMedia.maxAbsoluteError(clip.frames().get(f), decoded.frames().get(f))).isZero();
        }
    }

    @Test
    void manyColoursStayWithinPaletteError() throws Exception {
        RgbImage noisy = TestMedia.randomImage(24, 24, 7);
        VideoClip decoded = GifCodec.decode(GifCodec.encode(new VideoClip(List.of(noisy, noisy), 10)));

        assertThat(decoded.frames()).hasSize(2);
        // 576 random colours into 256 palette entries: measured mean error 7.3 of 255.
        assertThat(TestMedia.meanAbsoluteError(noisy, decoded.frames().get(1))).isLessThan(12.0);
    }

    @Test
    void writesTheNetscapeLoopExtension() {
        String text = new String(GifCodec.encode(TestMedia.movingSquare()), StandardCharsets.ISO_8859_1);

        assertThat(text).startsWith("GIF89a").contains("NETSCAPE2.0");
    }

    @Test
    void compositesOffsetsTransparencyAndDisposal() throws Exception {
        int[] allRed = new int[64];
        java.util.Arrays.fill(allRed, 1);
        byte[] gif = new RawGif(8, 8)
                .frame(0, 0, 8, 8, 1, -1, 0, allRed)                // 8x8 red, keep
                .frame(3, 3, 2, 2, 2, -1, 0, 2, 2, 2, 2)            // 2x2 blue at (3,3), then clear to background
                .frame(0, 0, 2, 1, 3, 0, 0, 3, 0)                   // green + transparent, then restore previous
                .frame(6, 6, 1, 1, 1, -1, 0, 3)                     // one green pixel at (6,6)
                .finish();

        VideoClip clip = GifCodec.decode(gif);

        assertThat(clip.frames()).hasSize(4);
        RgbImage second = clip.frames().get(1);
        assertThat(rgb(second, 3, 3)).containsExactly(40, 90, 220);
        assertThat(rgb(second, 0, 0)).containsExactly(220, 40, 40);
        RgbImage third = clip.frames().get(2);
        assertThat(rgb(third, 0, 0)).as("opaque pixel drawn").containsExactly(40, 180, 60);
        assertThat(rgb(third, 1, 0)).as("transparent pixel shows the canvas").containsExactly(220, 40, 40);
        assertThat(rgb(third, 3, 3)).as("restored to background = black").containsExactly(0, 0, 0);
        RgbImage fourth = clip.frames().get(3);
        assertThat(rgb(fourth, 0, 0)).as("restored to previous").containsExactly(220, 40, 40);
        assertThat(rgb(fourth, 6, 6)).as("offset frame").containsExactly(40, 180, 60);
        assertThat(rgb(fourth, 3, 3)).containsExactly(0, 0, 0);
        assertThat(clip.framesPerSecond()).as("no delays -> default 10 fps").isEqualTo(10.0);
    }

    @Test
    void frameRateComesFromTheDelays() throws Exception {
        byte[] gif = new RawGif(1, 1).frame(0, 0, 1, 1, 1, -1, 5, 1).frame(0, 0, 1, 1, 1, -1, 5, 2).finish();

        assertThat(GifCodec.decode(gif).framesPerSecond()).isEqualTo(20.0);
    }

    @Test
    void logicalScreenOverTheLimitIsRefusedBeforeDecoding() {
        byte[] gif = GifCodec.encode(TestMedia.movingSquare());
        // Logical screen width/height: little-endian 16-bit at bytes 6..9 (GIF89a §18).
        gif[6] = (byte) (9000 & 0xFF);
        gif[7] = (byte) (9000 >> 8);
        gif[8] = (byte) (9000 & 0xFF);
        gif[9] = (byte) (9000 >> 8);

        assertThatThrownBy(() -> GifCodec.decode(gif))
                .isInstanceOf(MediaDecodeException.class)
                .hasMessageContaining("9000x9000, larger than the 4096x4096 limit");
    }

    @Test
    void tooManyFramesAreRefused() {
        byte[] gif = GifCodec.encode(TestMedia.movingSquare());

        assertThatThrownBy(() -> GifCodec.decode(gif, new MediaLimits(64, 64, 30, 5)))
                .isInstanceOf(MediaDecodeException.class)
                .hasMessageContaining("8 frames, more than the 5 limit");
    }

    private static int[] rgb(RgbImage image, int x, int y) {
        return new int[] {image.channel(x, y, 0), image.channel(x, y, 1), image.channel(x, y, 2)};
    }
}

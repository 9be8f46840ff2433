package dev.codi.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class Mp4CodecTest {
    @Test
    void roundTripKeepsFramesColoursAndMotion() throws Exception {
        VideoClip clip = TestMedia.movingSquare();

        VideoClip decoded = Mp4Codec.decode(Mp4Codec.encode(clip));

        assertThat(decoded.frames()).hasSize(8);
        assertThat(decoded.framesPerSecond()).isCloseTo(8.0, Offset.offset(1e-6));
        for (int f = 0; f < 8; f++) {
            RgbImage original = clip.frames().get(f);
            RgbImage frame = decoded.frames().get(f);
            assertThat(frame.width()).isEqualTo(32);
            assertThat(frame.height()).isEqualTo(32);
            double error = TestMedia.meanAbsoluteError(original, frame);
            // H.264 is lossy: measured 1.7-2.3 mean (max single channel 31, at the square's edges).
            assertThat(error).as("mean absolute channel error of frame %d", f).isLessThan(4.0);
            assertThat(TestMedia.redCentroidX(frame))
                    .isCloseTo(TestMedia.redCentroidX(original), Offset.offset(0.5));
        }
    }

    @Test
    void sizesThatAreNotMultiplesOf16AreCroppedBack() throws Exception {
        // Even square positions: an edge inside a 2x2 chroma block would blur by 4:2:0 design.
        VideoClip clip = new VideoClip(List.of(TestMedia.squareAt(30, 22, 6, 4, 8),
                TestMedia.squareAt(30, 22, 8, 4, 8)), 10);

        VideoClip decoded = Mp4Codec.decode(Mp4Codec.encode(clip));

        assertThat(decoded.frames()).hasSize(2);
        assertThat(decoded.frames().get(0).width()).isEqualTo(30);
        assertThat(decoded.frames().get(0).height()).isEqualTo(22);
        assertThat(TestMedia.meanAbsoluteError(clip.frames().get(1), decoded.frames().get(1))).isLessThan(4.0);
    }

    @Test
    void oddSizesArePaddedToEven() throws Exception {
        VideoClip clip = new VideoClip(List.of(TestMedia.squareAt(31, 21, 5, 5, 8)), 10);

        RgbImage decoded = Mp4Codec.decode(Mp4Codec.encode(clip)).frames().get(0);

        assertThat(decoded.width()).isEqualTo(32);
        assertThat(decoded.height()).isEqualTo(22);
        assertThat(TestMedia.redCentroidX(decoded)).isCloseTo(8.5, Offset.offset(0.5));
    }

    @Test
    void moovComesBeforeMdatSoBrowsersCanStreamIt() {
        String text = new String(Mp4Codec.encode(TestMedia.movingSquare()), StandardCharsets.ISO_8859_1);

        assertThat(text.indexOf("ftyp")).isEqualTo(4);
        assertThat(text.indexOf("moov")).isPositive().isLessThan(text.indexOf("mdat"));
        assertThat(text).contains("avc1").contains("avcC");
    }

    @Test
    void theSameClipIsTheSameBytesWhateverTheClockSays() {
        byte[] first = Mp4Codec.encode(TestMedia.movingSquare());
        String text = new String(first, StandardCharsets.ISO_8859_1);
        // jcodec writes the wall clock into mvhd/tkhd/mdhd: a redone job would overwrite its artifact with other bytes
        for (String box : new String[] {"mvhd", "tkhd", "mdhd"}) {
            int body = text.indexOf(box) + 4;
            assertThat(body).as(box).isGreaterThan(4);
            int width = first[body] == 1 ? 8 : 4;
            for (int i = 0; i < 2 * width; i++) {
                assertThat(first[body + 4 + i]).as("%s creation/modification time byte %d", box, i).isZero();
            }
        }
        assertThat(Mp4Codec.encode(TestMedia.movingSquare())).isEqualTo(first);
    }

    @Test
    void declaredSizeOverTheLimitIsRefused() {
        byte[] mp4 = Mp4Codec.encode(TestMedia.movingSquare());

        assertThatThrownBy(() -> Mp4Codec.decode(mp4, new MediaLimits(16, 16, 30, 600)))
                .isInstanceOf(MediaDecodeException.class)
                .hasMessageContaining("32x32, larger than the 16x16 limit");
        assertThatThrownBy(() -> Mp4Codec.decode(mp4, new MediaLimits(64, 64, 30, 4)))
                .isInstanceOf(MediaDecodeException.class)
                .hasMessageContaining("8 frames, more than the 4 limit");
    }
}

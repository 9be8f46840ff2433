package dev.codi.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Untrusted bytes must only ever produce a clip or a MediaDecodeException — never another throwable. */
class CorruptInputTest {
    private static final int MUTANTS_PER_FORMAT = 150;

    enum Format {
        PNG, JPEG, GIF, MP4, WAV;

        byte[] validFile() throws Exception {
            return switch (this) {
                case PNG -> ImageCodec.encodePng(TestMedia.randomImage(16, 12, 1));
                case JPEG -> ImageCodecTest.write(BufferedImages.toBufferedImage(TestMedia.squareAt(32, 32, 8, 8, 12)), "jpeg");
                case GIF -> GifCodec.encode(TestMedia.movingSquare());
                case MP4 -> Mp4Codec.encode(TestMedia.movingSquare());
                case WAV -> WavCodec.encode(TestMedia.tone(440, 8000, 0.1, 0.5));
            };
        }

        Object decode(byte[] bytes) throws MediaDecodeException {
            return switch (this) {
                case PNG, JPEG -> MediaDecoding.decodeImage(bytes);
                case GIF, MP4 -> MediaDecoding.decodeVideo(bytes);
                case WAV -> MediaDecoding.decodeAudio(bytes);
            };
        }
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void emptyTruncatedAndGarbageInputsAreRefused(Format format) throws Exception {
        byte[] valid = format.validFile();
        assertThat(format.decode(valid)).isNotNull();

        assertThatThrownBy(() -> format.decode(new byte[0])).isInstanceOf(MediaDecodeException.class);
        assertThatThrownBy(() -> format.decode(Arrays.copyOf(valid, 8))).isInstanceOf(MediaDecodeException.class);
        byte[] garbage = new byte[500];
        new Random(3).nextBytes(garbage);
        assertThatThrownBy(() -> format.decode(garbage)).isInstanceOf(MediaDecodeException.class);
        // A valid signature followed by garbage.
        System.arraycopy(valid, 0, garbage, 0, 12);
        assertThatThrownBy(() -> format.decode(garbage)).isInstanceOf(MediaDecodeException.class);
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void randomlyCorruptedFilesDecodeOrFailWithMediaDecodeException(Format format) throws Exception {
        byte[] valid = format.validFile();
        Random random = new Random(20231115L + format.ordinal());
        int refused = 0;
        for (int i = 0; i < MUTANTS_PER_FORMAT; i++) {
            byte[] mutant = mutate(valid, random);
            try {
                format.decode(mutant);
            } catch (MediaDecodeException expected) {
                refused++;
            } catch (Throwable other) {
                throw new AssertionError(format + " mutant " + i + " threw " + other, other);
            }
        }
        // Truncation alone breaks most files: a decoder that accepted everything would be suspect.
        assertThat(refused).isPositive();
    }

    /** Flip a few bytes, truncate, or both; the first 4 bytes are kept so sniffing still routes it. */
    private static byte[] mutate(byte[] valid, Random random) {
        byte[] mutant = valid.clone();
        int kind = random.nextInt(3);
        if (kind != 1) {
            int flips = 1 + random.nextInt(8);
            for (int f = 0; f < flips; f++) {
                int at = 4 + random.nextInt(mutant.length - 4);
                mutant[at] = (byte) (random.nextBoolean() ? random.nextInt(256) : mutant[at] ^ (1 << random.nextInt(8)));
            }
        }
        if (kind != 0) {
            mutant = Arrays.copyOf(mutant, 4 + random.nextInt(mutant.length - 4));
        }
        return mutant;
    }
}

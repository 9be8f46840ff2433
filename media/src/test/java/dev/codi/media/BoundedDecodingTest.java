package dev.codi.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Decompression bombs: small files within every per-dimension limit that ask for gigabytes or
 * minutes. Each decode must be refused naming the limit, or finish within a memory budget
 * measured as the bytes the decoding thread allocated.
 */
class BoundedDecodingTest {
    private static final long MIB = 1024 * 1024;

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void gifOfSixHundredOnePixelFramesOnAHugeScreenIsRefusedByThePixelBudget() {
        byte[] gif = onePixelFrames(4096, 4096, 600);
        assertThat(gif.length).isLessThan(16 * 1024);

        long allocated = allocatedBy(() -> assertThatThrownBy(() -> MediaDecoding.decodeVideo(gif))
                .isInstanceOf(MediaDecodeException.class)
                .hasMessageContaining("pixels")
                .hasMessageContaining("limit"));

        assertThat(allocated).as("bytes allocated refusing it").isLessThan(64 * MIB);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void gifWithinTheBudgetIsCompositedWithoutACanvasCopyPerFrameAndResampledAsRead() throws Exception {
        byte[] gif = onePixelFrames(2048, 2048, 40); // 40 x 2048^2 = 168 M pixel-frames, under the budget

        long allocated = allocatedBy(() -> {
            VideoClip clip = MediaDecoding.decodeVideo(gif, MediaLimits.defaults(), 32, 32);
            assertThat(clip.frames()).hasSize(40);
            assertThat(clip.frames().get(0).width()).isEqualTo(32);
            assertThat(clip.framesPerSecond()).isEqualTo(20.0);
        });

        // One 2048^2 RGB canvas is 12 MiB; a copy per frame was 480 MiB.
        assertThat(allocated).as("bytes allocated decoding it").isLessThan(120 * MIB);
    }

    @Test
    void resampledGifFramesMatchResizingTheFullFrames() throws Exception {
        byte[] gif = GifCodec.encode(TestMedia.movingSquare());

        VideoClip full = MediaDecoding.decodeVideo(gif);
        VideoClip small = MediaDecoding.decodeVideo(gif, MediaLimits.defaults(), 8, 8);

        assertThat(small.frames()).hasSize(full.frames().size());
        for (int f = 0; f < full.frames().size(); f++) {
            assertThat(TestMedia.maxAbsoluteError(Resampling.resize(full.frames().get(f), 8, 8), small.frames().get(f)))
                    .isZero();
        }
    }

    @Test
    void mp4FramesAreResampledAsTheyAreRead() throws Exception {
        byte[] mp4 = Mp4Codec.encode(TestMedia.movingSquare());

        VideoClip full = MediaDecoding.decodeVideo(mp4);
        VideoClip small = MediaDecoding.decodeVideo(mp4, MediaLimits.defaults(), 8, 8);

        assertThat(small.frames()).hasSize(8);
        assertThat(small.framesPerSecond()).isEqualTo(full.framesPerSecond());
        for (int f = 0; f < 8; f++) {
            assertThat(TestMedia.maxAbsoluteError(Resampling.resize(full.frames().get(f), 8, 8), small.frames().get(f)))
                    .isZero();
        }
    }

    @Test
    void mp4OverThePixelBudgetIsRefusedBeforeDecoding() throws Exception {
        byte[] mp4 = Mp4Codec.encode(TestMedia.movingSquare()); // 8 frames of 32x32 = 8,192 pixels
        MediaLimits limits = MediaLimits.defaults().withMaxTotalPixels(8_000);

        assertThatThrownBy(() -> MediaDecoding.decodeVideo(mp4, limits))
                .isInstanceOf(MediaDecodeException.class)
                .hasMessageContaining("8192 pixels")
                .hasMessageContaining("8000 limit");
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void sixteenBitRgbaPngOfZerosDecodesWithinTheAllocationBudget() throws Exception {
        byte[] png = zeroPng(4096, 4096, 16, 6); // 4096^2 x 4 channels x 2 bytes = 128 MiB of samples
        assertThat(png.length).isLessThan(200 * 1024);

        long allocated = allocatedBy(() -> {
            RgbImage image = MediaDecoding.decodeImage(png);
            assertThat(image.width() * (long) image.height()).isPositive();
            assertThat(image.channel(image.width() / 2, image.height() / 2, 0)).isZero();
        });

        assertThat(allocated).as("bytes allocated decoding it").isLessThan(100 * MIB);
    }

    @Test
    void progressiveJpegWithMoreScansThanTheLimitIsRefused() throws Exception {
        byte[] jpeg = progressiveJpeg(TestMedia.randomImage(64, 48, 5));
        assertThat(MediaDecoding.decodeImage(jpeg).width()).isEqualTo(64);

        assertThatThrownBy(() -> MediaDecoding.decodeImage(jpeg, MediaLimits.defaults().withMaxJpegScans(3)))
                .isInstanceOf(MediaDecodeException.class)
                .hasMessageContaining("scans")
                .hasMessageContaining("3 limit");
    }

    @Test
    void wavChannelsAndRateAreBoundedByTheLimits() {
        assertThatThrownBy(() -> MediaDecoding.decodeAudio(silentWav(32, 8000)))
                .isInstanceOf(MediaDecodeException.class)
                .hasMessageContaining("32 channels")
                .hasMessageContaining("limit");
        assertThatThrownBy(() -> MediaDecoding.decodeAudio(silentWav(1, 768_000)))
                .isInstanceOf(MediaDecodeException.class)
                .hasMessageContaining("768000 Hz")
                .hasMessageContaining("limit");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void anMp4ThatWouldSendJcodecIntoAnEndlessLoopIsRefusedBeforeJcodecRuns() throws Exception {
        // Found by mutation: one byte in the last P slice makes jcodec's ref_pic_list_reordering
        // loop read zeros past the slice's end forever, its lists growing.
        byte[] looping = Mp4Codec.encode(TestMedia.movingSquare());
        assertThat(looping).hasSize(1457);
        looping[1431] = (byte) 103;
        int abandonedBefore = MediaDecoding.abandonedDecoders();

        assertThatThrownBy(() -> MediaDecoding.decodeVideo(looping))
                .isInstanceOf(MediaDecodeException.class)
                .hasMessageContaining("reference list modification");

        assertThat(MediaDecoding.abandonedDecoders()).isEqualTo(abandonedBefore);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void anMp4BoxSmallerThanItsHeaderIsRefusedBeforeJcodecParsesIt() throws Exception {
        // Found by the decoder fuzzer: jcodec takes a box's body as its size minus its header; a 64-bit
        // size of 0 makes that negative and moves it back to the same header, read again forever while
        // its list of boxes fills the heap. 'url ' sits in 'dref', below what Mp4Validator used to walk.
        byte[] mp4;
        try (var in = BoundedDecodingTest.class.getResourceAsStream("/ffmpeg/h264-high.mp4")) {
            mp4 = in.readAllBytes();
        }
        int at = new String(mp4, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("url ") - 4;
        assertThat(at).isPositive();
        ByteBuffer.wrap(mp4).putInt(at, 1).putLong(at + 8, 0);

        assertThatThrownBy(() -> MediaDecoding.decodeVideo(mp4))
                .isInstanceOf(MediaDecodeException.class)
                .hasMessageContaining("malformed MP4: box 'url '");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aChunkOfNoSamplesIsRefusedBeforeJcodecWalksItForever() {
        // Found by the decoder fuzzer: jcodec's demuxer seeks through an 'stsc' run of 0 samples per chunk forever.
        byte[] mp4 = Mp4Codec.encode(TestMedia.movingSquare());
        int stsc = new String(mp4, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("stsc");
        ByteBuffer.wrap(mp4).putInt(stsc + 4 + 8 + 4, 0); // entry 0: first_chunk, then samples_per_chunk

        assertThatThrownBy(() -> MediaDecoding.decodeVideo(mp4))
                .isInstanceOf(MediaDecodeException.class)
                .hasMessageContaining("'stsc' entry 0")
                .hasMessageContaining("0 samples per chunk");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aDecoderPastItsDeadlineIsAbandonedAndCountedWithoutStoppingItsThread() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean release = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        int abandonedBefore = MediaDecoding.abandonedDecoders();
        DecodeDeadline deadline = DecodeDeadline.start("spinning decoding", MediaLimits.defaults().withDecodeSeconds(0.5));

        // A loop that, like third-party code, never looks at interruption
        assertThatThrownBy(() -> IsolatedDecoder.run("spinning decoding", deadline, () -> {
            try {
                while (!release.get()) {
                    Thread.onSpinWait();
                }
                return null;
            } finally {
                ended.countDown();
            }
        })).isInstanceOf(MediaDecodeException.class).hasMessageContaining("did not finish within 0.5 s");

        assertThat(MediaDecoding.abandonedDecoders()).isEqualTo(abandonedBefore + 1);
        assertThat(MediaDecoding.decodeVideo(Mp4Codec.encode(TestMedia.movingSquare())).frames()).hasSize(8);
        release.set(true);
        assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
        long deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (MediaDecoding.abandonedDecoders() != abandonedBefore && System.nanoTime() < deadlineNanos) {
            Thread.onSpinWait();
        }
        assertThat(MediaDecoding.abandonedDecoders()).as("a runaway that ends is no longer counted").isEqualTo(abandonedBefore);
    }

    // --- bombs, built here rather than committed ---

    /** A GIF89a screen of width x height with one opaque 1x1 frame per 5 cs (20 fps). */
    static byte[] onePixelFrames(int width, int height, int frames) {
        RawGif gif = new RawGif(width, height);
        for (int f = 0; f < frames; f++) {
            gif.frame(f % width, 0, 1, 1, 1, -1, 5, 1 + f % 3);
        }
        return gif.finish();
    }

    /** A PNG of zeros (PNG spec §11.2.2 IHDR; filter type 0 per row), deflated at the best level. */
    static byte[] zeroPng(int width, int height, int bitDepth, int colourType) {
        int channels = switch (colourType) {
            case 0 -> 1;
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> throw new IllegalArgumentException("colour type " + colourType);
        };
        int rowBytes = 1 + width * channels * bitDepth / 8;
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] row = new byte[rowBytes];
        byte[] out = new byte[64 * 1024];
        for (int y = 0; y < height; y++) {
            deflater.setInput(row);
            while (!deflater.needsInput()) {
                idat.write(out, 0, deflater.deflate(out));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            idat.write(out, 0, deflater.deflate(out));
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) bitDepth)
                .put((byte) colourType).put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        png.writeBytes(typeBytes);
        png.writeBytes(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    static byte[] progressiveJpeg(RgbImage image) throws Exception {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream output = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(output);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            writer.write(null, new IIOImage(BufferedImages.toBufferedImage(image), null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** One second of 16-bit PCM silence. */
    static byte[] silentWav(int channels, int rate) {
        int dataBytes = Math.min(rate, 8000) * channels * 2;
        ByteBuffer out = ByteBuffer.allocate(44 + dataBytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + dataBytes).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        out.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) channels)
                .putInt(rate).putInt(rate * channels * 2).putShort((short) (channels * 2)).putShort((short) 16);
        out.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
        return out.array();
    }

    interface Body {
        void run() throws Exception;
    }

    /** Bytes the current thread allocated while running {@code body} (HotSpot's per-thread counter). */
    static long allocatedBy(Body body) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        try {
            body.run();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}

package dev.codi.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A seeded mutation fuzzer over every media decoder. The seed corpus (≥ 1,000 files) is made here
 * by our own encoders at varied sizes, lengths, rates and formats (baseline and progressive JPEG,
 * 8/16/24/32-bit and float WAV, stereo, odd sizes); each seed then yields mutants (bit flips,
 * interesting bytes, 16-bit header fields set to extremes, truncation, spliced and duplicated
 * ranges). Files made by Debian's ffmpeg ({@code src/test/resources/ffmpeg/make-corpus.sh}: H.264 High
 * and Main with CABAC, B-frames and 16 references, 16-bit and gray PNG, 24-bit and float WAV) join
 * the seeds with more mutants each. Invariants per input: only a clip or a {@link MediaDecodeException}; within the time
 * budget; the calling thread allocates within the memory budget; and afterwards no decoder thread
 * is alive except runaways that were abandoned and counted.
 *
 * <p>Short in CI. A longer run: {@code mvn -pl media -am test -Dtest=DecoderFuzzTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dcodi.fuzz.mutants=30 -Dcodi.fuzz.seed=7
 * -Dcodi.fuzz.allowRunaways=true} (jcodec's CABAC loops, which only a decoder can meet, are then
 * abandoned and saved rather than failing the run).
 */
class DecoderFuzzTest {
    private static final int SEEDS_PER_FORMAT = 210;
    private static final int MUTANTS_PER_SEED = Integer.getInteger("codi.fuzz.mutants", 4);
    private static final long RANDOM_SEED = Long.getLong("codi.fuzz.seed", 20261207L);
    /** -Dcodi.fuzz.formats=MP4,GIF fuzzes only those (the corpus is made whole, so inputs stay the same). */
    private static final List<String> ONLY = List.of(System.getProperty("codi.fuzz.formats", "").split(",")).stream()
            .filter(name -> !name.isBlank()).toList();
    /** Decode budget per input: the deadline (room for a loaded CI machine), and a margin for the caller to notice it. */
    private static final MediaLimits LIMITS = MediaLimits.defaults().withDecodeSeconds(10.0);
    private static final long TIME_BUDGET_NANOS = 15_000_000_000L;
    private static final long ALLOCATION_BUDGET_BYTES = 256L << 20;
    private static final int MUTANTS_PER_FFMPEG_SEED = 12 * MUTANTS_PER_SEED;
    private static final Map<String, Format> FFMPEG_SEEDS = Map.of(
            "h264-high.mp4", Format.MP4, "h264-baseline.mp4", Format.MP4, "h264-main-cavlc.mp4", Format.MP4,
            "h264-refs16-bframes.mp4", Format.MP4, "gif-96x64.gif", Format.GIF, "png-rgba64.png", Format.PNG,
            "png-gray.png", Format.PNG, "jpeg-yuv420.jpg", Format.JPEG, "wav-stereo-s24.wav", Format.WAV,
            "wav-f64.wav", Format.WAV);

    enum Format { PNG, JPEG, GIF, MP4, WAV }

    /** Whether a seed is being decoded: one that meets only busy decoder threads (runaways) is let pass. */
    private static boolean decodingSeed;

    @Test
    void everyDecoderGivesAClipOrAMediaDecodeExceptionWithinBudget() {
        Random random = new Random(RANDOM_SEED);
        Map<Format, List<byte[]>> corpus = corpus(random);
        assertThat(corpus.values().stream().mapToInt(List::size).sum()).isGreaterThanOrEqualTo(1000);
        int abandonedBefore = MediaDecoding.abandonedDecoders();
        Map<Format, int[]> tally = new EnumMap<>(Format.class); // {inputs, decoded, refused}
        for (Map.Entry<Format, List<byte[]>> entry : corpus.entrySet()) {
            if (!ONLY.isEmpty() && !ONLY.contains(entry.getKey().name())) {
                continue;
            }
            int[] counts = tally.computeIfAbsent(entry.getKey(), format -> new int[3]);
            Random mutations = new Random(RANDOM_SEED * 31 + entry.getKey().ordinal()); // per format: -Dcodi.fuzz.formats keeps inputs
            for (int s = 0; s < entry.getValue().size(); s++) {
                byte[] seed = entry.getValue().get(s);
                int index = s;
                decodingSeed = true;
                assertThat(decode(entry.getKey(), seed)).as(() -> entry.getKey() + " seed " + index + " decodes, but: "
                        + refusal(entry.getKey(), seed) + "; saved as " + save(entry.getKey(), seed)).isTrue();
                counts[0]++;
                counts[1]++;
                decodingSeed = false;
                int mutants = s >= SEEDS_PER_FORMAT ? MUTANTS_PER_FFMPEG_SEED : MUTANTS_PER_SEED;
                int mutable = mutableLength(entry.getKey(), seed, s);
                for (int m = 0; m < mutants; m++) {
                    byte[] mutant = mutate(seed, mutable, mutations);
                    boolean decoded = decode(entry.getKey(), mutant);
                    counts[0]++;
                    counts[decoded ? 1 : 2]++;
                }
            }
        }
        System.out.println("decoder fuzz (seed " + RANDOM_SEED + "): " + describe(tally) + "; abandoned "
                + (MediaDecoding.abandonedDecoders() - abandonedBefore));
        for (int[] counts : tally.values()) {
            if (counts[0] == 0) {
                continue;
            }
            assertThat(counts[2]).as("mutants refused: a decoder that accepted everything would be suspect").isPositive();
        }
        // A decode abandoned only because the machine was slow ends soon after; a runaway never does.
        long settle = System.nanoTime() + 60_000_000_000L;
        while ((MediaDecoding.abandonedDecoders() > abandonedBefore || liveDecoders() > MediaDecoding.abandonedDecoders())
                && System.nanoTime() < settle) {
            Thread.onSpinWait();
        }
        if (!Boolean.getBoolean("codi.fuzz.allowRunaways")) {
            assertThat(MediaDecoding.abandonedDecoders()).as("decoders still running past their deadline (inputs saved"
                    + " under target/fuzz-failures; a long run may allow them: -Dcodi.fuzz.allowRunaways=true)")
                    .isEqualTo(abandonedBefore);
        }
        assertThat(liveDecoders()).as("decoder threads alive are exactly the abandoned ones")
                .isLessThanOrEqualTo(MediaDecoding.abandonedDecoders());
    }

    /** True when decoded, false when refused; anything else fails the test with the input's description. */
    private static boolean decode(Format format, byte[] bytes) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        int abandonedBefore = MediaDecoding.abandonedDecoders();
        long started = System.nanoTime();
        boolean decoded;
        try {
            Object clip = switch (format) {
                case PNG, JPEG -> MediaDecoding.decodeImage(bytes, LIMITS);
                case GIF, MP4 -> MediaDecoding.decodeVideo(bytes, LIMITS, 32, 32);
                case WAV -> MediaDecoding.decodeAudio(bytes, LIMITS);
            };
            decoded = clip != null;
        } catch (MediaDecoderBusyException busy) {
            // Only once runaways (counted, saved below) hold every decoder thread: a long run's finding.
            assertThat(MediaDecoding.abandonedDecoders()).as("busy without a runaway").isPositive();
            decoded = decodingSeed;
        } catch (MediaDecodeException refused) {
            decoded = false;
        } catch (Throwable other) {
            throw new AssertionError(format + " input of " + bytes.length + " bytes, saved as " + save(format, bytes)
                    + ", threw " + other, other);
        }
        long elapsed = System.nanoTime() - started;
        if (MediaDecoding.abandonedDecoders() > abandonedBefore) {
            System.out.println("decoder fuzz: a " + format + " decode was abandoned at its deadline; input saved as "
                    + save(format, bytes));
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        assertThat(elapsed).as(format + " decode time in ns").isLessThan(TIME_BUDGET_NANOS);
        assertThat(allocated).as(format + " bytes allocated").isLessThan(ALLOCATION_BUDGET_BYTES);
        return decoded;
    }

    private static long liveDecoders() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("codi-decoder-") && thread.isAlive()).count();
    }

    private static String refusal(Format format, byte[] bytes) {
        try {
            return switch (format) {
                case PNG, JPEG -> MediaDecoding.decodeImage(bytes, LIMITS) == null ? "null" : "decoded now";
                case GIF, MP4 -> MediaDecoding.decodeVideo(bytes, LIMITS, 32, 32) == null ? "null" : "decoded now";
                case WAV -> MediaDecoding.decodeAudio(bytes, LIMITS) == null ? "null" : "decoded now";
            };
        } catch (MediaDecodeException e) {
            return e.getMessage();
        }
    }

    /** Keeps a failing input under target/ so it can be replayed and turned into a test. */
    private static String save(Format format, byte[] bytes) {
        try {
            java.nio.file.Path folder = java.nio.file.Path.of("target", "fuzz-failures");
            java.nio.file.Files.createDirectories(folder);
            java.nio.file.Path file = folder.resolve(format + "-" + Integer.toHexString(java.util.Arrays.hashCode(bytes)) + ".bin");
            java.nio.file.Files.write(file, bytes);
            return file.toAbsolutePath().toString();
        } catch (java.io.IOException e) {
            return "(not saved: " + e.getMessage() + ")";
        }
    }

    // --- the seed corpus, from our own encoders ---

    static Map<Format, List<byte[]>> corpus(Random random) {
        Map<Format, List<byte[]>> corpus = new EnumMap<>(Format.class);
        for (Format format : Format.values()) {
            List<byte[]> seeds = new ArrayList<>();
            for (int i = 0; i < SEEDS_PER_FORMAT; i++) {
                seeds.add(seed(format, i, random));
            }
            corpus.put(format, seeds);
        }
        FFMPEG_SEEDS.forEach((name, format) -> corpus.get(format).add(resource("/ffmpeg/" + name)));
        return corpus;
    }

    private static byte[] resource(String name) {
        try (var in = DecoderFuzzTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] seed(Format format, int index, Random random) {
        int width = 1 + random.nextInt(48);
        int height = 1 + random.nextInt(48);
        try {
            return switch (format) {
                case PNG -> ImageCodec.encodePng(image(width, height, true, random));
                case JPEG -> index % 2 == 0 ? BoundedDecodingTest.progressiveJpeg(image(width, height, true, random))
                        : ImageCodecTest.write(BufferedImages.toBufferedImage(image(width, height, true, random)), "jpeg");
                case GIF -> GifCodec.encode(clip(width, height, 1 + random.nextInt(6), true, random));
                // jcodec's encoder overflows its buffer on noise and on pictures under 8 px: not for it
                case MP4 -> mp4(random);
                case WAV -> wav(random);
            };
        } catch (Exception e) {
            throw new AssertionError("making a " + format + " seed failed", e);
        }
    }

    /** jcodec's encoder sometimes overflows its own buffer on a picture: another picture then, it is not under test. */
    private static byte[] mp4(Random random) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                return Mp4Codec.encode(clip(8 + random.nextInt(40), 8 + random.nextInt(40), 1 + random.nextInt(5), false, random));
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Noise, flat colour, or the moving square's frame: each codec path gets easy and hard pictures. */
    private static RgbImage image(int width, int height, boolean noise, Random random) {
        return switch (noise ? random.nextInt(3) : 1 + random.nextInt(2)) {
            case 0 -> TestMedia.randomImage(width, height, random.nextLong());
            case 1 -> {
                RgbImage flat = RgbImage.blank(width, height);
                int r = random.nextInt(256);
                int g = random.nextInt(256);
                int b = random.nextInt(256);
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        flat.set(x, y, r, g, b);
                    }
                }
                yield flat;
            }
            default -> TestMedia.squareAt(width, height, random.nextInt(width), random.nextInt(height), 1 + random.nextInt(8));
        };
    }

    private static VideoClip clip(int width, int height, int frames, boolean noise, Random random) {
        List<RgbImage> images = new ArrayList<>();
        for (int f = 0; f < frames; f++) {
            images.add(image(width, height, noise, random));
        }
        return new VideoClip(images, 1 + random.nextInt(30));
    }

    /** Our encoder's mono 16-bit, or a hand-made header: 8/16/24/32-bit PCM or 32/64-bit float, 1-4 channels. */
    private static byte[] wav(Random random) {
        int rate = new int[] {8000, 11025, 16000, 22050, 44100, 48000}[random.nextInt(6)];
        if (random.nextBoolean()) {
            return WavCodec.encode(TestMedia.tone(50 + random.nextInt(2000), rate, 0.01 + random.nextDouble() * 0.1, 0.5));
        }
        boolean floating = random.nextInt(4) == 0;
        int bits = floating ? (random.nextBoolean() ? 32 : 64) : new int[] {8, 16, 24, 32}[random.nextInt(4)];
        int channels = 1 + random.nextInt(4);
        int frames = 1 + random.nextInt(800);
        int blockAlign = channels * bits / 8;
        int dataBytes = frames * blockAlign;
        ByteBuffer out = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.put(ascii("RIFF")).putInt(36 + dataBytes).put(ascii("WAVE"));
        out.put(ascii("fmt ")).putInt(16).putShort((short) (floating ? 3 : 1)).putShort((short) channels).putInt(rate)
                .putInt(rate * blockAlign).putShort((short) blockAlign).putShort((short) bits);
        out.put(ascii("data")).putInt(dataBytes);
        byte[] samples = new byte[dataBytes];
        random.nextBytes(samples);
        out.put(samples);
        return out.array();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    // --- mutations ---

    private static final int[] INTERESTING_BYTES = {0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF};

    /**
     * How much of a seed is mutated: all of it, except the slice data of the ffmpeg-made CABAC
     * streams unless runaways are allowed. Mutated CABAC data can send jcodec's CABAC decoder into a
     * loop (mb_qp_delta read for ever) that only a decoder can meet: such a decode is abandoned and
     * keeps a core, which a CI run must not leave behind; a long run finds and saves them.
     */
    private static int mutableLength(Format format, byte[] seed, int index) {
        if (format != Format.MP4 || index < SEEDS_PER_FORMAT || Boolean.getBoolean("codi.fuzz.allowRunaways")) {
            return seed.length;
        }
        int mdat = new String(seed, StandardCharsets.ISO_8859_1).indexOf("mdat");
        return mdat > 8 ? mdat - 4 : seed.length;
    }

    /** One to three mutations within the first {@code mutable} bytes; the first 4 are kept so sniffing still routes the input. */
    static byte[] mutate(byte[] seed, int mutable, Random random) {
        byte[] mutant = seed.clone();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count && Math.min(mutable, mutant.length) > 4; i++) {
            int at = 4 + random.nextInt(Math.min(mutable, mutant.length) - 4);
            mutant = switch (random.nextInt(7)) {
                case 0 -> { // bit flip
                    mutant[at] ^= (byte) (1 << random.nextInt(8));
                    yield mutant;
                }
                case 1 -> { // interesting byte
                    mutant[at] = (byte) INTERESTING_BYTES[random.nextInt(INTERESTING_BYTES.length)];
                    yield mutant;
                }
                case 2 -> { // a 16-bit field (sizes, counts) to an extreme
                    if (at + 1 < mutant.length) {
                        int value = random.nextBoolean() ? 0xFFFF : random.nextBoolean() ? 0 : 0x1000;
                        mutant[at] = (byte) (value >> 8);
                        mutant[at + 1] = (byte) value;
                    }
                    yield mutant;
                }
                case 3 -> Arrays.copyOf(mutant, at); // truncation
                case 4 -> { // duplicate a range in place after itself
                    int length = 1 + random.nextInt(Math.min(64, mutant.length - at));
                    byte[] longer = new byte[mutant.length + length];
                    System.arraycopy(mutant, 0, longer, 0, at + length);
                    System.arraycopy(mutant, at, longer, at + length, mutant.length - at);
                    yield longer;
                }
                case 5 -> { // random bytes over a range
                    int length = 1 + random.nextInt(Math.min(16, mutant.length - at));
                    for (int k = 0; k < length; k++) {
                        mutant[at + k] = (byte) random.nextInt(256);
                    }
                    yield mutant;
                }
                default -> { // splice: copy a range from elsewhere in the file over this spot
                    int from = 4 + random.nextInt(mutant.length - 4);
                    int length = Math.min(1 + random.nextInt(32), Math.min(mutant.length - at, mutant.length - from));
                    System.arraycopy(mutant.clone(), from, mutant, at, length);
                    yield mutant;
                }
            };
        }
        return mutant;
    }

    private static String describe(Map<Format, int[]> tally) {
        StringBuilder text = new StringBuilder();
        tally.forEach((format, counts) -> text.append(format).append(' ').append(counts[0]).append(" inputs (")
                .append(counts[1]).append(" decoded, ").append(counts[2]).append(" refused) "));
        return text.toString().strip();
    }
}

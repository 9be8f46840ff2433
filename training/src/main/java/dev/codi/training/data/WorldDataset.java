package dev.codi.training.data;

import dev.codi.media.AudioClip;
import dev.codi.media.GifCodec;
import dev.codi.media.ImageCodec;
import dev.codi.media.MediaDecodeException;
import dev.codi.media.Mp4Codec;
import dev.codi.media.VideoClip;
import dev.codi.media.WavCodec;
import dev.codi.model.autoencoder.Spectrogram;
import dev.codi.model.tiny.CodiTinyConfig;
import dev.codi.model.tiny.MediaTensors;
import dev.codi.world.Combination;
import dev.codi.world.HeldOutCombinations;
import dev.codi.world.Sample;
import dev.codi.world.WorldGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Training samples of the Shapes &amp; Tones world over the training combinations only, each
 * modality passed through a real file format and the model's own input path, as docs/design.md §8 asks:
 * images PNG-encoded and decoded; video through MP4 (H.264) or GIF and back, fitted to the model's
 * frames; audio as 16-bit WAV, a share rendered at 8 / 22.05 / 44.1 kHz and resampled to 16 kHz by
 * the model's resampler, then analysed into its spectrogram. Rendering is the slow part, so the
 * result is cached in one file keyed by seed and size.
 *
 * <p>Sample i is drawn from its own {@code Random}, so the dataset does not depend on the number of
 * threads that rendered it. Combination i is {@code training[i mod 82]}: balanced.
 */
public final class WorldDataset {
    private static final Logger LOG = LoggerFactory.getLogger(WorldDataset.class);
    private static final int MAGIC = 0x43445453; // "CDTS"
    private static final int FORMAT = 1;
    /** Spectrogram values in about [−1, 1.2] stored as 16-bit integers of this many steps per unit. */
    private static final float SPECTROGRAM_QUANTUM = 16_000f;
    private static final int[] OTHER_AUDIO_RATES = {8_000, 22_050, 44_100};

    public final int size;
    public final int imageSize;          // 32
    public final int frames;             // 8
    public final int bins;               // 128
    public final int spectrogramFrames;  // 64
    private final int[] combinations;    // (n) index into Combination.ALL
    private final byte[] images;         // (n, 3, H, W) pixel bytes, CHW
    private final byte[] videos;         // (n, frames, 3, H, W)
    private final short[] spectrograms;  // (n, bins, spectrogramFrames) quantised

    private WorldDataset(int size, CodiTinyConfig model) {
        this.size = size;
        imageSize = model.imageSize();
        frames = model.videoFrames();
        bins = model.spectrogram().bins();
        spectrogramFrames = model.spectrogram().frames();
        combinations = new int[size];
        images = new byte[size * imageValues()];
        videos = new byte[size * videoValues()];
        spectrograms = new short[size * spectrogramValues()];
    }

    public int imageValues() {
        return 3 * imageSize * imageSize;
    }

    public int videoValues() {
        return frames * imageValues();
    }

    public int spectrogramValues() {
        return bins * spectrogramFrames;
    }

    /** Loads the cached dataset for this seed and size, rendering and caching it first if needed. */
    public static WorldDataset loadOrRender(Path cacheDirectory, long seed, int size, double resampledAudioShare,
                                            double gifShare, CodiTinyConfig model) {
        Path file = cacheDirectory.resolve(String.format("dataset-seed%d-n%d-a%.2f-g%.2f.bin", seed, size, resampledAudioShare, gifShare));
        if (Files.isRegularFile(file)) {
            try {
                WorldDataset cached = read(file, model);
                if (cached.startsAsRendered(seed, resampledAudioShare, gifShare, model)) {
                    return cached;
                }
                LOG.warn("cached dataset {} does not hold the samples its name says (seed {}); rendering it again", file, seed);
            } catch (IOException | RuntimeException e) {
                LOG.warn("cached dataset {} is unreadable ({}); rendering it again", file, e.toString());
            }
        }
        long start = System.nanoTime();
        WorldDataset dataset = render(seed, size, resampledAudioShare, gifShare, model);
        LOG.info("rendered {} samples in {} s", size, String.format("%.1f", (System.nanoTime() - start) / 1e9));
        try {
            dataset.write(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write dataset cache " + file, e);
        }
        return dataset;
    }

    public static WorldDataset render(long seed, int size, double resampledAudioShare, double gifShare, CodiTinyConfig model) {
        WorldDataset dataset = new WorldDataset(size, model);
        WorldGenerator world = new WorldGenerator();
        IntStream.range(0, size).parallel().forEach(i -> dataset.renderSample(i, seed, resampledAudioShare, gifShare, world, model.spectrogram()));
        return dataset;
    }

    /** Renders sample {@code i} from its own generator, seeded by (seed, i), into this dataset's row {@code i}. */
    private void renderSample(int i, long seed, double resampledAudioShare, double gifShare, WorldGenerator world, Spectrogram spectrogram) {
        List<Combination> training = HeldOutCombinations.training();
        Random random = new Random(seed * 0x9E3779B97F4A7C15L + i);
        Combination combination = training.get(i % training.size());
        Sample sample = world.sample(combination, random);
        try {
            combinations[i] = combination.index();
            // image: PNG round trip
            float[] image = MediaTensors.imageToChw(ImageCodec.decode(ImageCodec.encodePng(sample.image())), imageSize);
            toBytes(image, images, i * imageValues());
            // video: MP4 or GIF round trip, then the model's frame fitting
            boolean gif = random.nextDouble() < gifShare;
            VideoClip decoded = gif ? GifCodec.decode(GifCodec.encode(sample.video()))
                    : Mp4Codec.decode(Mp4Codec.encode(sample.video()));
            float[] video = MediaTensors.videoToFchw(decoded, frames, imageSize);
            toBytes(video, videos, i * videoValues());
            // audio: a share synthesised at another rate; WAV round trip; the model's resampler and spectrogram
            AudioClip audio = sample.audio();
            if (random.nextDouble() < resampledAudioShare) {
                int rate = OTHER_AUDIO_RATES[random.nextInt(OTHER_AUDIO_RATES.length)];
                audio = world.audio(combination.color(), combination.shape(), combination.motion(), rate, random);
            }
            AudioClip wav = WavCodec.decode(WavCodec.encode(audio));
            float[] values = spectrogram.analyse(MediaTensors.audioSamples(wav, spectrogram));
            quantise(values, spectrograms, i * spectrogramValues());
        } catch (MediaDecodeException e) {
            throw new IllegalStateException("sample " + i + " (" + combination + ") did not survive its own codec: " + e.getMessage(), e);
        }
    }

    /**
     * Whether sample 0 is the one {@code seed} renders. The file header does not record the seed,
     * so a cache file copied or linked under another seed's name would otherwise be trained on as
     * that seed's data: a run then cannot be reproduced from its seed.
     */
    private boolean startsAsRendered(long seed, double resampledAudioShare, double gifShare, CodiTinyConfig model) {
        if (size == 0) {
            return true;
        }
        WorldDataset first = new WorldDataset(1, model);
        first.renderSample(0, seed, resampledAudioShare, gifShare, new WorldGenerator(), model.spectrogram());
        return first.combinations[0] == combinations[0]
                && Arrays.equals(first.images, 0, imageValues(), images, 0, imageValues())
                && Arrays.equals(first.videos, 0, videoValues(), videos, 0, videoValues())
                && Arrays.equals(first.spectrograms, 0, spectrogramValues(), spectrograms, 0, spectrogramValues());
    }

    public Combination combination(int sample) {
        return Combination.ALL.get(combinations[sample]);
    }

    /** Writes sample {@code sample}'s image, (3, H, W) in [−1, 1], at {@code offset}. */
    public void image(int sample, float[] into, int offset) {
        toFloats(images, sample * imageValues(), imageValues(), into, offset);
    }

    /** Frame {@code frame} of sample {@code sample}'s video, (3, H, W) in [−1, 1]. */
    public void videoFrame(int sample, int frame, float[] into, int offset) {
        toFloats(videos, sample * videoValues() + frame * imageValues(), imageValues(), into, offset);
    }

    /** (frames, 3, H, W) in [−1, 1]. */
    public void video(int sample, float[] into, int offset) {
        toFloats(videos, sample * videoValues(), videoValues(), into, offset);
    }

    /** (1, bins, frames) normalised log magnitudes. */
    public void spectrogram(int sample, float[] into, int offset) {
        dequantise(spectrograms, sample * spectrogramValues(), spectrogramValues(), into, offset);
    }

    /** Spectrogram values, clipped to [−2, 2], as 16-bit integers at {@code offset}. */
    static void quantise(float[] values, short[] into, int offset) {
        for (int k = 0; k < values.length; k++) {
            into[offset + k] = (short) Math.round(Math.max(-2f, Math.min(2f, values[k])) * SPECTROGRAM_QUANTUM);
        }
    }

    static void dequantise(short[] quantised, int from, int count, float[] into, int offset) {
        for (int k = 0; k < count; k++) {
            into[offset + k] = quantised[from + k] / SPECTROGRAM_QUANTUM;
        }
    }

    private static void toBytes(float[] values, byte[] into, int offset) {
        for (int k = 0; k < values.length; k++) {
            into[offset + k] = (byte) Math.round((values[k] + 1f) * 127.5f); // inverse of channel / 127.5 − 1
        }
    }

    private static void toFloats(byte[] bytes, int from, int count, float[] into, int offset) {
        for (int k = 0; k < count; k++) {
            into[offset + k] = (bytes[from + k] & 0xFF) / 127.5f - 1f;
        }
    }

    private void write(Path file) throws IOException {
        writeAtomically(file, out -> {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeInt(size);
            out.writeInt(imageSize);
            out.writeInt(frames);
            out.writeInt(bins);
            out.writeInt(spectrogramFrames);
            for (int c : combinations) {
                out.writeInt(c);
            }
            out.write(images);
            out.write(videos);
            for (short s : spectrograms) {
                out.writeShort(s);
            }
        });
    }

    /** What a cache file holds, written to a stream. */
    interface CacheWriter {
        void write(DataOutputStream out) throws IOException;
    }

    /** Writes a cache file beside itself and moves it in place, so a run killed mid-write leaves no half a file. */
    static void writeAtomically(Path file, CacheWriter body) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 20))) {
            body.write(out);
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static WorldDataset read(Path file, CodiTinyConfig model) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
            if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
                throw new IOException("not a dataset file of format " + FORMAT);
            }
            WorldDataset dataset = new WorldDataset(in.readInt(), model);
            int[] dims = {in.readInt(), in.readInt(), in.readInt(), in.readInt()};
            if (dims[0] != dataset.imageSize || dims[1] != dataset.frames || dims[2] != dataset.bins || dims[3] != dataset.spectrogramFrames) {
                throw new IOException("dataset shapes do not match the model config");
            }
            for (int i = 0; i < dataset.size; i++) {
                dataset.combinations[i] = in.readInt();
            }
            in.readFully(dataset.images);
            in.readFully(dataset.videos);
            for (int k = 0; k < dataset.spectrograms.length; k++) {
                dataset.spectrograms[k] = in.readShort();
            }
            return dataset;
        }
    }
}

package dev.codi.training.data;

import dev.codi.media.AudioClip;
import dev.codi.media.MediaDecodeException;
import dev.codi.media.WavCodec;
import dev.codi.model.autoencoder.Spectrogram;
import dev.codi.model.tiny.CodiTinyConfig;
import dev.codi.model.tiny.MediaTensors;
import dev.codi.world.Combination;
import dev.codi.world.HeldOutCombinations;
import dev.codi.world.WorldGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * A second audio clip of every {@link WorldDataset} sample, drawn with every free parameter of the
 * spec randomised ({@code WorldGenerator.randomisedAudio}: 8–48 kHz, level, noise, the kind and
 * shape of the envelope), through 16-bit WAV, the model's resampler and spectrogram, as the
 * dataset's own clips go. Clip i sounds the same combination as dataset sample i, so a trainer can
 * take either for a row. Its own seeds and its own cache file: the dataset itself is unchanged.
 */
public final class RandomisedAudioSet {
    private static final Logger LOG = LoggerFactory.getLogger(RandomisedAudioSet.class);
    private static final int MAGIC = 0x43445241; // "CDRA"
    private static final int FORMAT = 1;
    /** Keeps these draws apart from the dataset's own for sample i. */
    private static final long SALT = 0x5DEECE66DL;

    public final int size;
    private final int values;            // bins × frames
    private final short[] spectrograms;  // (n, bins, frames) quantised as the dataset's

    private RandomisedAudioSet(int size, int values) {
        this.size = size;
        this.values = values;
        spectrograms = new short[size * values];
    }

    /** Loads the cached set for this seed and size, rendering and caching it first if needed. */
    public static RandomisedAudioSet loadOrRender(Path cacheDirectory, long seed, int size, CodiTinyConfig model) {
        Path file = cacheDirectory.resolve(String.format("audio-randomised-seed%d-n%d.bin", seed, size));
        int values = model.spectrogram().bins() * model.spectrogram().frames();
        if (Files.isRegularFile(file)) {
            try {
                RandomisedAudioSet cached = read(file, values);
                RandomisedAudioSet first = new RandomisedAudioSet(1, values);
                first.renderClip(0, 0, seed, new WorldGenerator(), model.spectrogram());
                if (cached.size == size && Arrays.equals(first.spectrograms, 0, values, cached.spectrograms, 0, values)) {
                    return cached;
                }
                LOG.warn("cached randomised audio {} does not hold the clips its name says; rendering it again", file);
            } catch (IOException | RuntimeException e) {
                LOG.warn("cached randomised audio {} is unreadable ({}); rendering it again", file, e.toString());
            }
        }
        long start = System.nanoTime();
        RandomisedAudioSet set = render(seed, size, model);
        LOG.info("rendered {} domain-randomised clips in {} s", size, String.format("%.1f", (System.nanoTime() - start) / 1e9));
        try {
            set.write(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write randomised audio cache " + file, e);
        }
        return set;
    }

    public static RandomisedAudioSet render(long seed, int size, CodiTinyConfig model) {
        RandomisedAudioSet set = new RandomisedAudioSet(size, model.spectrogram().bins() * model.spectrogram().frames());
        WorldGenerator world = new WorldGenerator();
        IntStream.range(0, size).parallel().forEach(i -> set.renderClip(i, i, seed, world, model.spectrogram()));
        return set;
    }

    /** Clip of dataset sample {@code sample} (its combination, its own seed) into row {@code row}. */
    private void renderClip(int row, int sample, long seed, WorldGenerator world, Spectrogram spectrogram) {
        var training = HeldOutCombinations.training();
        Combination combination = training.get(sample % training.size());
        Random random = new Random((seed * 0x9E3779B97F4A7C15L + sample) ^ SALT);
        AudioClip clip = world.randomisedAudio(combination.color(), combination.shape(), combination.motion(), random).audio();
        try {
            AudioClip wav = WavCodec.decode(WavCodec.encode(clip));
            float[] analysed = spectrogram.analyse(MediaTensors.audioSamples(wav, spectrogram));
            WorldDataset.quantise(analysed, spectrograms, row * values);
        } catch (MediaDecodeException e) {
            throw new IllegalStateException("randomised clip " + sample + " (" + combination + ") did not survive WAV: " + e.getMessage(), e);
        }
    }

    /** (1, bins, frames) normalised log magnitudes of the randomised clip of dataset sample {@code sample}. */
    public void spectrogram(int sample, float[] into, int offset) {
        WorldDataset.dequantise(spectrograms, sample * values, values, into, offset);
    }

    private void write(Path file) throws IOException {
        WorldDataset.writeAtomically(file, out -> {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeInt(size);
            out.writeInt(values);
            for (short s : spectrograms) {
                out.writeShort(s);
            }
        });
    }

    private static RandomisedAudioSet read(Path file, int values) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
            if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
                throw new IOException("not a randomised audio file of format " + FORMAT);
            }
            RandomisedAudioSet set = new RandomisedAudioSet(in.readInt(), values);
            if (in.readInt() != values) {
                throw new IOException("spectrogram shape does not match the model config");
            }
            for (int k = 0; k < set.spectrograms.length; k++) {
                set.spectrograms[k] = in.readShort();
            }
            return set;
        }
    }
}

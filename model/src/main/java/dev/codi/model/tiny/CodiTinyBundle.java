package dev.codi.model.tiny;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.codi.media.Modality;
import dev.codi.model.nn.SeededInit;
import dev.codi.model.nn.TinyBlock;
import dev.codi.model.scheduler.DdimScheduler;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The codi-tiny bundle on disk: {@code manifest.json} plus one DJL parameter file per network
 * ({@code <network>.params}, {@code Block.saveParameters} format), each verified against the
 * sha256 in the manifest before it is loaded.
 */
public final class CodiTinyBundle {
    public static final String FORMAT = "codi-bundle/1";
    public static final String MANIFEST = "manifest.json";
    public static final String NAME = "codi-tiny";
    public static final String VERSION = "0.1.0";
    public static final String WORLD = "shapes-and-tones/1";
    /**
     * What each modality's output shows of {@link #WORLD}'s attributes (docs/design.md §7): every one
     * color and shape, all but the image motion. Written into every manifest ({@link BundleManifest#shows}).
     */
    public static final Map<String, List<String>> WORLD_SHOWS = worldShows();
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CodiTinyBundle() {
    }

    private static Map<String, List<String>> worldShows() {
        Map<String, List<String>> shows = new LinkedHashMap<>();              // modality order, for stable bytes
        for (Modality modality : Modality.values()) {
            shows.put(modality.wireName(), modality == Modality.IMAGE ? List.of("color", "shape") : List.of("color", "shape", "motion"));
        }
        return java.util.Collections.unmodifiableMap(shows);
    }

    /** Writes a bundle of seeded random weights: the same seed gives the same bytes in any process. */
    public static BundleManifest createRandom(Path directory, long seed) {
        return createRandom(directory, seed, CodiTinyConfig.defaults());
    }

    public static BundleManifest createRandom(Path directory, long seed, CodiTinyConfig config) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            CodiTinyNetworks networks = new CodiTinyNetworks(config, manager);
            for (var entry : networks.byName().entrySet()) {
                SeededInit.apply(entry.getValue(), seed * 31 + entry.getKey().hashCode());
            }
            return write(directory, config, networks, seed, false,
                    "codi-tiny with seeded random weights (untrained): outputs are noise", Map.of(), Map.of());
        }
    }

    /** Writes the weights of {@code networks} and a manifest describing them (also for a trainer). */
    public static BundleManifest write(Path directory, CodiTinyConfig config, CodiTinyNetworks networks, long seed, boolean trained,
                                       String description, Map<String, Object> training, Map<String, Double> metrics) {
        return write(directory, config, networks, seed, trained, description, training, metrics, Map.of());
    }

    /**
     * As above, with the latent scale factor of each modality (by wire name; missing ones are 1), as
     * LDM's scale_factor: the encoder's mean is multiplied by it so the denoiser sees unit variance.
     */
    public static BundleManifest write(Path directory, CodiTinyConfig config, CodiTinyNetworks networks, long seed, boolean trained,
                                       String description, Map<String, Object> training, Map<String, Double> metrics,
                                       Map<String, Double> latentScaleFactors) {
        try {
            Files.createDirectories(directory);
            Map<String, BundleManifest.WeightFile> weights = new LinkedHashMap<>();
            for (var entry : networks.byName().entrySet()) {
                weights.put(entry.getKey(), writeWeights(directory, entry.getKey(), entry.getValue()));
            }
            Map<String, int[]> latentShapes = new LinkedHashMap<>();
            Map<String, Double> latentScales = new LinkedHashMap<>();
            for (Modality modality : Modality.values()) {
                latentShapes.put(modality.wireName(), latentShape(config, modality));
                latentScales.put(modality.wireName(), latentScaleFactors.getOrDefault(modality.wireName(), 1.0));
            }
            DdimScheduler.Config schedule = DdimScheduler.Config.codi();
            BundleManifest manifest = new BundleManifest(FORMAT, NAME, VERSION, trained, description, WORLD, seed,
                    Arrays.stream(Modality.values()).map(Modality::wireName).toList(),
                    config.embeddingDim(), config.environmentDim(), latentShapes, latentScales,
                    new BundleManifest.Scheduler("ddim", schedule.trainTimesteps(), "scaled_linear", schedule.betaStart(),
                            schedule.betaEnd(), "epsilon", "leading", schedule.stepsOffset(), true),
                    representations(config), config, weights, training, metrics,
                    new BundleManifest.TextVocabulary(dev.codi.model.autoencoder.WordTokenizer.WORDS,
                            dev.codi.model.autoencoder.WordTokenizer.MAX_TOKENS - 2, dev.codi.model.autoencoder.WordTokenizer.UNK), WORLD_SHOWS);
            Path temporary = directory.resolve(MANIFEST + ".tmp");
            JSON.writeValue(temporary.toFile(), manifest);
            Files.move(temporary, directory.resolve(MANIFEST), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return manifest;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write bundle to " + directory, e);
        }
    }

    public static BundleManifest readManifest(Path directory) {
        Path file = directory.resolve(MANIFEST);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("not a model bundle: " + file + " does not exist");
        }
        try {
            BundleManifest manifest = JSON.readValue(file.toFile(), BundleManifest.class);
            if (!FORMAT.equals(manifest.format())) {
                throw new IllegalArgumentException("bundle " + directory + " has format " + manifest.format() + ", expected " + FORMAT);
            }
            return manifest;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Verifies every weight file's sha256, then loads it into the network of the same name. */
    static void loadWeights(Path directory, BundleManifest manifest, CodiTinyNetworks networks, NDManager manager) {
        for (var entry : networks.byName().entrySet()) {
            BundleManifest.WeightFile weightFile = manifest.weights().get(entry.getKey());
            if (weightFile == null) {
                throw new IllegalArgumentException("bundle " + directory + " has no weights for network " + entry.getKey());
            }
            Path file = directory.resolve(weightFile.file());
            String actual = sha256(file);
            if (!actual.equals(weightFile.sha256())) {
                throw new IllegalStateException("weight file " + file + " is corrupt or was modified: sha256 is " + actual
                        + ", the manifest says " + weightFile.sha256());
            }
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
                entry.getValue().loadParameters(manager, in);
            } catch (IOException | MalformedModelException e) {
                throw new IllegalStateException("cannot load weight file " + file + ": " + e.getMessage(), e);
            }
        }
    }

    static int[] latentShape(CodiTinyConfig config, Modality modality) {
        int side = config.imageSize();
        for (int i = 0; i < config.imageAutoencoder().downsampling().size(); i++) {
            side /= config.imageAutoencoder().downsampling().get(i)[0];
        }
        int channels = config.imageAutoencoder().latentChannels();
        return switch (modality) {
            case TEXT -> new int[] {config.textAutoencoder().latentDim()};
            case IMAGE -> new int[] {channels, side, side};
            case VIDEO -> new int[] {config.videoFrames(), channels, side, side};
            case AUDIO -> {
                int bins = config.spectrogram().bins();
                int frames = config.spectrogram().frames();
                for (int[] stride : config.audioAutoencoder().downsampling()) {
                    bins /= stride[0];
                    frames /= stride[1];
                }
                yield new int[] {config.audioAutoencoder().latentChannels(), bins, frames};
            }
        };
    }

    private static Map<String, String> representations(CodiTinyConfig config) {
        var s = config.spectrogram();
        Map<String, String> representations = new LinkedHashMap<>();
        representations.put("text", "word tokens <bos> w1..wn <eos> (max " + config.textAutoencoder().maxTokens()
                + ") over the Shapes & Tones vocabulary of " + config.textAutoencoder().vocabularySize()
                + " tokens " + new dev.codi.model.autoencoder.WordTokenizer().tokens() + "; sentence VAE, decoded to the most likely caption of the world's grammar");
        representations.put("image", config.imageSize() + "x" + config.imageSize() + " RGB scaled to [-1, 1]; KL conv autoencoder, decode uses the mean");
        representations.put("video", config.videoFrames() + " frames " + config.imageSize() + "x" + config.imageSize()
                + " at " + config.videoFramesPerSecond() + " fps; the image autoencoder per frame");
        representations.put("audio", "mono " + s.sampleRate() + " Hz, " + s.samples() + " samples; linear-frequency log-magnitude STFT "
                + "(Hann " + s.fftSize() + ", hop " + s.hop() + ", bins 0.." + (s.bins() - 1) + " = 0-"
                + Math.round((s.bins() - 1) * (double) s.sampleRate() / s.fftSize()) + " Hz, " + s.frames() + " frames), "
                + "v = 2 ln(max(|X|/(sum(w)/2), " + s.magnitudeFloor() + "))/ln(1/" + s.magnitudeFloor() + ") + 1 in [-1, 1]; "
                + "inverted by Griffin-Lim, " + s.griffinLimIterations() + " iterations, seeded phase");
        return representations;
    }

    private static BundleManifest.WeightFile writeWeights(Path directory, String name, TinyBlock block) throws IOException {
        String fileName = name + ".params";
        Path file = directory.resolve(fileName);
        MessageDigest digest = newSha256();
        try (OutputStream raw = Files.newOutputStream(file);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new DigestOutputStream(raw, digest)))) {
            block.saveParameters(out);
        }
        return new BundleManifest.WeightFile(fileName, Files.size(file), HexFormat.of().formatHex(digest.digest()), block.parameterCount());
    }

    static String sha256(Path file) {
        MessageDigest digest = newSha256();
        try (InputStream in = new DigestInputStream(new BufferedInputStream(Files.newInputStream(file)), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read weight file " + file, e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    static List<Modality> modalities(BundleManifest manifest) {
        return manifest.modalities().stream().map(Modality::fromWireName).toList();
    }
}

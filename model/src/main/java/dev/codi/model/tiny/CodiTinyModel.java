package dev.codi.model.tiny;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.Device;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.codi.media.AudioClip;
import dev.codi.media.Modality;
import dev.codi.media.RgbImage;
import dev.codi.media.VideoClip;
import dev.codi.model.CodiModel;
import dev.codi.model.GeneratedMedia;
import dev.codi.model.Latent;
import dev.codi.model.ModelManifest;
import dev.codi.model.PromptInput;
import dev.codi.model.SamplingJob;
import dev.codi.model.SamplingListener;
import dev.codi.model.autoencoder.CaptionGrammar;
import dev.codi.model.autoencoder.Spectrogram;
import dev.codi.model.autoencoder.WordTokenizer;
import dev.codi.model.nn.SeededInit;
import dev.codi.model.nn.TinyBlock;
import dev.codi.model.pipeline.CodiPipeline;
import dev.codi.model.scheduler.DdimScheduler;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * codi-tiny loaded from a bundle: the {@link CodiModel} the services use. Thread-safe: the weights
 * are frozen, every call works in its own NDManager.
 */
public final class CodiTinyModel implements CodiModel {
    /**
     * The most latents one decoder call takes: the image decoder runs 8 latents in about a third
     * of 8 single calls, while larger batches gain little on the CPU and the audio decoder gains
     * nothing (its activations grow to 128 × 64 per channel and row).
     */
    static final int DECODE_ROWS = 8;
    private static final List<Modality> DECODE_ORDER = List.of(Modality.AUDIO, Modality.IMAGE, Modality.VIDEO, Modality.TEXT);
    private final BundleManifest bundleManifest;
    private final ModelManifest manifest;
    private final CodiTinyConfig config;
    private final NDManager manager;
    private final CodiTinyNetworks networks;
    private final CodiPipeline pipeline;
    private final WordTokenizer vocabulary = new WordTokenizer();
    private final CaptionGrammar captions = new CaptionGrammar(vocabulary);
    private final Map<Modality, float[]> nullEmbeddings = new EnumMap<>(Modality.class);
    private final Map<Modality, int[]> latentShapes = new EnumMap<>(Modality.class);
    private final Map<Modality, Float> latentScales = new EnumMap<>(Modality.class);
    private final Map<Modality, Set<String>> shownAttributes;

    /**
     * Networks of one sampling phase run two at once unless the loader says otherwise: two sample a
     * joint image + audio job in 0.67–0.70× the time on 2 CPU cores, the same latents bit for bit
     * (docs/benchmarks.md, "Networks at once").
     */
    public static final int DEFAULT_NETWORKS_AT_ONCE = 2;

    private CodiTinyModel(Path directory, Device device, int networksAtOnce) {
        bundleManifest = CodiTinyBundle.readManifest(directory);
        config = bundleManifest.networks();
        shownAttributes = bundleManifest.shownAttributes();
        manager = NDManager.newBaseManager(device, "PyTorch");
        try {
            networks = new CodiTinyNetworks(config, manager);
            CodiTinyBundle.loadWeights(directory, bundleManifest, networks, manager);
            for (TinyBlock block : networks.byName().values()) {
                SeededInit.freeze(block);
            }
            for (Modality modality : Modality.values()) {
                int[] shape = bundleManifest.latentShapes().get(modality.wireName());
                if (!Arrays.equals(shape, CodiTinyBundle.latentShape(config, modality))) {
                    throw new IllegalArgumentException("manifest latent shape of " + modality.wireName() + " "
                            + Arrays.toString(shape) + " does not match its networks");
                }
                latentShapes.put(modality, shape);
                latentScales.put(modality, bundleManifest.latentScales().getOrDefault(modality.wireName(), 1.0).floatValue());
                nullEmbeddings.put(modality, networks.promptEncoders.get(modality).nullEmbedding(store(), device));
            }
            var s = bundleManifest.scheduler();
            if (!"ddim".equals(s.type()) || !"epsilon".equals(s.prediction()) || !"leading".equals(s.timestepSpacing()) || !s.setAlphaToOne()) {
                throw new IllegalArgumentException("unsupported scheduler in manifest: " + s);
            }
            DdimScheduler.Config schedule = new DdimScheduler.Config(s.trainTimesteps(),
                    DdimScheduler.BetaSchedule.valueOf(s.betaSchedule().toUpperCase(java.util.Locale.ROOT)),
                    s.betaStart(), s.betaEnd(), s.stepsOffset());
            pipeline = new CodiPipeline(manager, networks.denoisers, networks.environmentEncoders, latentShapes, schedule,
                    config.embeddingDim(), new SharedSpaceReader(), networksAtOnce);
            Map<Modality, int[]> shapes = new EnumMap<>(latentShapes);
            manifest = new ModelManifest(bundleManifest.name(), bundleManifest.version(), bundleManifest.trained(),
                    bundleManifest.description(), bundleManifest.embeddingDimension(), shapes, bundleManifest.metrics());
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Loads a bundle onto the GPU when the engine sees one, else the CPU. */
    public static CodiTinyModel load(Path bundleDirectory) {
        return load(bundleDirectory, defaultDevice(), DEFAULT_NETWORKS_AT_ONCE);
    }

    public static CodiTinyModel load(Path bundleDirectory, Device device) {
        return load(bundleDirectory, device, DEFAULT_NETWORKS_AT_ONCE);
    }

    /**
     * @param networksAtOnce how many networks of one sampling phase run at once (a joint job's
     *                       denoisers, say), each on its own thread; 1 runs them one after another
     */
    public static CodiTinyModel load(Path bundleDirectory, Device device, int networksAtOnce) {
        return new CodiTinyModel(bundleDirectory, device, networksAtOnce);
    }

    public static Device defaultDevice() {
        return Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }

    public BundleManifest bundleManifest() {
        return bundleManifest;
    }

    /** The blocks, e.g. for a trainer starting from this bundle or for parameter counts. */
    public CodiTinyNetworks networks() {
        return networks;
    }

    public Device device() {
        return manager.getDevice();
    }

    @Override
    public int inputSide() {
        return config.imageSize();
    }

    @Override
    public ModelManifest manifest() {
        return manifest;
    }

    @Override
    public float[] encode(PromptInput input) {
        try (NDManager call = manager.newSubManager()) {
            NDArray batch = inputTensor(call, input);
            return networks.promptEncoders.get(input.modality()).encode(store(), batch).toFloatArray();
        }
    }

    @Override
    public float[] nullEmbedding(Modality modality) {
        return nullEmbeddings.get(modality).clone();
    }

    @Override
    public List<Map<Modality, Latent>> sample(List<SamplingJob> batch, SamplingListener listener) {
        return pipeline.sample(batch, listener);
    }

    @Override
    public dev.codi.model.SamplingBatch newSamplingBatch() {
        return pipeline.newBatch();
    }

    /** The encoder half of a modality's autoencoder: media → scaled latent mean (for training and tests). */
    public Latent toLatent(PromptInput input) {
        Modality modality = input.modality();
        try (NDManager call = manager.newSubManager()) {
            ParameterStore store = store();
            NDArray x = inputTensor(call, input);
            NDArray mean = switch (modality) {
                case TEXT -> networks.textAutoencoder.encode(store, x).get(":, :" + config.textAutoencoder().latentDim());
                case IMAGE -> networks.imageAutoencoder.encode(store, x).get(":, :" + config.imageAutoencoder().latentChannels());
                case AUDIO -> networks.audioAutoencoder.encode(store, x).get(":, :" + config.audioAutoencoder().latentChannels());
                case VIDEO -> networks.imageAutoencoder.encode(store, x.squeeze(0)).get(":, :" + config.imageAutoencoder().latentChannels());
            };
            return new Latent(latentShapes.get(modality), mean.mul(latentScales.get(modality)).toFloatArray());
        }
    }

    /** A batch of one: text (1, maxTokens) ids, image (1, 3, H, W), audio (1, 1, bins, frames), video (1, frames, 3, H, W). */
    private NDArray inputTensor(NDManager call, PromptInput input) {
        int size = config.imageSize();
        Spectrogram spectrogram = config.spectrogram();
        if (input instanceof PromptInput.Text text) {
            return call.create(vocabulary.encode(text.text()), new Shape(1, WordTokenizer.MAX_TOKENS));
        } else if (input instanceof PromptInput.Image image) {
            return call.create(MediaTensors.imageToChw(image.image(), size), new Shape(1, 3, size, size));
        } else if (input instanceof PromptInput.Audio audio) {
            return call.create(spectrogram.analyse(MediaTensors.audioSamples(audio.audio(), spectrogram)),
                    new Shape(1, 1, spectrogram.bins(), spectrogram.frames()));
        } else if (input instanceof PromptInput.Video video) {
            return call.create(MediaTensors.videoToFchw(video.video(), config.videoFrames(), size),
                    new Shape(1, config.videoFrames(), 3, size, size));
        }
        throw new IllegalArgumentException("unsupported input " + input.getClass().getName());
    }

    @Override
    public GeneratedMedia decode(Modality modality, Latent latent) {
        return decodeAll(List.of(new OutputLatent(modality, latent)), Runnable::run).get(0);
    }

    /**
     * Each modality's decoder runs over the stacked latents of that modality, at most
     * {@link #DECODE_ROWS} at a time; audio first, so its Griffin-Lim (the longest per-output work)
     * starts on the executor while the other decoders run.
     */
    @Override
    public List<GeneratedMedia> decodeAll(List<OutputLatent> latents, Executor executor) {
        Map<Modality, List<Integer>> indicesByModality = new EnumMap<>(Modality.class);
        for (int i = 0; i < latents.size(); i++) {
            OutputLatent output = latents.get(i);
            int[] expected = latentShapes.get(output.modality());
            if (!Arrays.equals(output.latent().shape(), expected)) {
                throw new IllegalArgumentException(output.modality().wireName() + " latents must have shape "
                        + Arrays.toString(expected) + ", got " + Arrays.toString(output.latent().shape()));
            }
            indicesByModality.computeIfAbsent(output.modality(), m -> new ArrayList<>()).add(i);
        }
        List<CompletableFuture<GeneratedMedia>> media = new ArrayList<>(Collections.nCopies(latents.size(), null));
        for (Modality modality : DECODE_ORDER) {
            List<Integer> indices = indicesByModality.getOrDefault(modality, List.of());
            for (int from = 0; from < indices.size(); from += DECODE_ROWS) {
                List<Integer> rows = indices.subList(from, Math.min(indices.size(), from + DECODE_ROWS));
                float[] decoded = decodeRows(modality, rows.stream().map(i -> latents.get(i).latent()).toList());
                int width = decoded.length / rows.size();
                for (int row = 0; row < rows.size(); row++) {
                    int offset = row * width;
                    Latent latent = latents.get(rows.get(row)).latent();
                    media.set(rows.get(row), CompletableFuture.supplyAsync(() -> toMedia(modality, decoded, offset, width, latent), executor));
                }
            }
        }
        List<GeneratedMedia> result = new ArrayList<>(media.size());
        for (CompletableFuture<GeneratedMedia> output : media) {
            try {
                result.add(output.join());
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
        return result;
    }

    /**
     * The decoder of a modality on a batch of its latents: text logits (rows, maxTokens,
     * vocabulary), images (rows, 3, H, W), videos (rows, frames, 3, H, W) before clipping, audio
     * spectrograms (rows, 1, bins, frames), flattened row after row.
     */
    private float[] decodeRows(Modality modality, List<Latent> rows) {
        int[] shape = latentShapes.get(modality);
        int width = rows.get(0).values().length;
        float[] stacked = new float[rows.size() * width]; // (rows, ...shape)
        for (int row = 0; row < rows.size(); row++) {
            System.arraycopy(rows.get(row).values(), 0, stacked, row * width, width);
        }
        long[] batchShape = new long[shape.length + 1];
        batchShape[0] = rows.size();
        for (int d = 0; d < shape.length; d++) {
            batchShape[d + 1] = shape[d];
        }
        try (NDManager call = manager.newSubManager()) {
            ParameterStore store = store();
            NDArray z = call.create(stacked, new Shape(batchShape)).div(latentScales.get(modality));
            return modality == Modality.TEXT ? networks.textAutoencoder.decode(store, z).toFloatArray()
                    : decodeMedia(store, modality, z).toFloatArray();
        }
    }

    /** One row of {@link #decodeRows}'s output as media; audio's Griffin-Lim draws its phases from the latent. */
    private GeneratedMedia toMedia(Modality modality, float[] decoded, int offset, int width, Latent latent) {
        int size = config.imageSize();
        return switch (modality) {
            case TEXT -> new GeneratedMedia.Text(captions.decode(Arrays.copyOfRange(decoded, offset, offset + width)));
            case IMAGE -> new GeneratedMedia.Image(MediaTensors.chwToImage(decoded, offset, size));
            case VIDEO -> {
                RgbImage[] images = new RgbImage[config.videoFrames()];
                for (int f = 0; f < images.length; f++) {
                    images[f] = MediaTensors.chwToImage(decoded, offset + f * 3 * size * size, size);
                }
                yield new GeneratedMedia.Video(new VideoClip(List.of(images), config.videoFramesPerSecond()));
            }
            case AUDIO -> {
                Spectrogram spectrogram = config.spectrogram();
                float[] values = Arrays.copyOfRange(decoded, offset, offset + width);
                yield new GeneratedMedia.Audio(new AudioClip(spectrogram.sampleRate(),
                        spectrogram.synthesise(values, Arrays.hashCode(latent.values()))));
            }
        };
    }

    /**
     * The shared-space feedback of joint sampling: a batch of scaled latents, decoded as {@link #decode}
     * does (pixels clipped to [−1, 1]; audio stays a spectrogram, as the audio prompt encoder reads it),
     * then encoded by the modality's prompt encoder. Text latents are not read.
     */
    private final class SharedSpaceReader implements CodiPipeline.SharedSpace {
        @Override
        public boolean reads(Modality modality) {
            return modality != Modality.TEXT;
        }

        @Override
        public NDArray read(ParameterStore store, Modality modality, NDArray scaledLatents) {
            if (!reads(modality)) {
                throw new IllegalArgumentException("text latents are not read into the shared space");
            }
            NDArray media = decodeMedia(store, modality, scaledLatents.div(latentScales.get(modality)));
            return networks.promptEncoders.get(modality).encode(store, modality == Modality.AUDIO ? media : media.clip(-1, 1));
        }

        @Override
        public float[] nullEmbedding(Modality modality) {
            return nullEmbeddings.get(modality);
        }

        @Override
        public Map<Modality, Set<String>> shownAttributes() {
            return shownAttributes;
        }
    }

    /**
     * The autoencoder's decoder on a batch of unscaled image, video or audio latents: images
     * (batch, 3, H, W) and videos (batch, frames, 3, H, W) in [−1, 1] before clipping, audio
     * spectrograms (batch, 1, bins, frames) — the layouts the prompt encoders read.
     */
    private NDArray decodeMedia(ParameterStore store, Modality modality, NDArray z) {
        return switch (modality) {
            case IMAGE -> networks.imageAutoencoder.decode(store, z);
            case VIDEO -> {
                long batch = z.getShape().get(0);
                int frames = config.videoFrames();
                int[] shape = latentShapes.get(modality);
                int size = config.imageSize();
                NDArray perFrame = z.reshape(batch * frames, shape[1], shape[2], shape[3]);   // the image autoencoder, frame by frame
                yield networks.imageAutoencoder.decode(store, perFrame).reshape(batch, frames, 3, size, size);
            }
            case AUDIO -> networks.audioAutoencoder.decode(store, z);
            case TEXT -> throw new IllegalArgumentException("text latents decode to tokens, not media");
        };
    }

    private ParameterStore store() {
        return new ParameterStore(manager, false);
    }

    @Override
    public void close() {
        pipeline.close();
        manager.close();
    }
}

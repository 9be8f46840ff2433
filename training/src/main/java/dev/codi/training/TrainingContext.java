package dev.codi.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.codi.model.autoencoder.WordTokenizer;
import dev.codi.model.nn.SeededInit;
import dev.codi.model.tiny.CodiTinyConfig;
import dev.codi.model.tiny.CodiTinyNetworks;
import dev.codi.training.data.RandomisedAudioSet;
import dev.codi.training.data.WorldDataset;
import dev.codi.training.diffusion.ConditioningBank;
import dev.codi.training.loop.Checkpoints;

import java.nio.file.Path;
import java.util.Map;

/**
 * What every trainer of a run shares: the configs, the networks (seeded as
 * {@code CodiTinyBundle.createRandom} seeds them), the dataset (rendered or read from the cache on
 * first use), the checkpoints, and the frozen encoders' embeddings of the dataset (computed once,
 * for the denoiser stages).
 */
public final class TrainingContext implements AutoCloseable {
    public final TrainConfig config;
    public final CodiTinyConfig model;
    public final NDManager manager;
    public final CodiTinyNetworks networks;
    public final Checkpoints checkpoints;
    public final WordTokenizer vocabulary = new WordTokenizer();
    private final Path cacheDirectory;
    private WorldDataset dataset;
    private RandomisedAudioSet randomisedAudio;
    private ConditioningBank conditioningBank;

    public TrainingContext(TrainConfig config, Path cacheDirectory) {
        this(config, cacheDirectory, CodiTinyConfig.defaults());
    }

    /** With a network configuration other than codi-tiny's defaults (e.g. what environment encoders read). */
    public TrainingContext(TrainConfig config, Path cacheDirectory, CodiTinyConfig model) {
        this.config = config;
        this.cacheDirectory = cacheDirectory;
        this.model = model;
        Engine.getInstance().setRandomSeed((int) config.seed());
        this.manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        this.networks = new CodiTinyNetworks(model, manager);
        for (var entry : networks.byName().entrySet()) {
            SeededInit.apply(entry.getValue(), config.seed() * 31 + entry.getKey().hashCode());
        }
        this.checkpoints = new Checkpoints(cacheDirectory);
    }

    public Path cacheDirectory() {
        return cacheDirectory;
    }

    public synchronized WorldDataset dataset() {
        if (dataset == null) {
            dataset = WorldDataset.loadOrRender(cacheDirectory, config.seed(), config.datasetSamples(),
                    config.resampledAudioShare(), config.gifShare(), model);
        }
        return dataset;
    }

    /** A domain-randomised clip of every dataset sample (rendered or read from the cache on first use). */
    public synchronized RandomisedAudioSet randomisedAudio() {
        if (randomisedAudio == null) {
            randomisedAudio = RandomisedAudioSet.loadOrRender(cacheDirectory, config.seed(), config.datasetSamples(), model);
        }
        return randomisedAudio;
    }

    /** The frozen prompt encoders' embeddings of every dataset sample; valid once alignment is done. */
    public synchronized ConditioningBank conditioningBank() {
        if (conditioningBank == null) {
            conditioningBank = ConditioningBank.compute(this);
        }
        return conditioningBank;
    }

    /** Latent scale factors measured by earlier stages (filled in from the checkpoint state). */
    public final Map<String, Double> latentScales = new java.util.LinkedHashMap<>();

    @Override
    public void close() {
        manager.close();
    }
}

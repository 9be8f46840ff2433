package dev.codi.model.tiny;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.codi.media.Modality;
import dev.codi.model.autoencoder.ConvAutoencoder;
import dev.codi.model.autoencoder.TextAutoencoder;
import dev.codi.model.denoiser.Denoiser;
import dev.codi.model.denoiser.EnvironmentEncoder;
import dev.codi.model.denoiser.SpatialDenoiser;
import dev.codi.model.denoiser.TextDenoiser;
import dev.codi.model.prompt.AudioPromptEncoder;
import dev.codi.model.prompt.ImagePromptEncoder;
import dev.codi.model.prompt.PromptEncoder;
import dev.codi.model.prompt.TextPromptEncoder;
import dev.codi.model.prompt.VideoPromptEncoder;
import dev.codi.model.nn.TinyBlock;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The networks of codi-tiny, built from a config and initialised (all zeros until
 * {@link dev.codi.model.nn.SeededInit} or a weight file fills them). Each has a stable name that
 * is also its weight file's name in a bundle. A trainer builds the same object and trains the
 * blocks it wants.
 */
public final class CodiTinyNetworks {
    public final TextAutoencoder textAutoencoder;
    public final ConvAutoencoder imageAutoencoder; // also video, per frame
    public final ConvAutoencoder audioAutoencoder;
    public final Map<Modality, PromptEncoder> promptEncoders;
    public final Map<Modality, Denoiser> denoisers;
    public final Map<Modality, EnvironmentEncoder> environmentEncoders;
    private final Map<String, TinyBlock> byName = new LinkedHashMap<>();

    public CodiTinyNetworks(CodiTinyConfig config, NDManager manager) {
        textAutoencoder = add("text_autoencoder", new TextAutoencoder(config.textAutoencoder()));
        imageAutoencoder = add("image_autoencoder", new ConvAutoencoder(config.imageAutoencoder()));
        audioAutoencoder = add("audio_autoencoder", new ConvAutoencoder(config.audioAutoencoder()));
        Map<Modality, PromptEncoder> encoders = new EnumMap<>(Modality.class);
        encoders.put(Modality.TEXT, add("text_encoder", new TextPromptEncoder(config.textEncoder())));
        encoders.put(Modality.IMAGE, add("image_encoder", new ImagePromptEncoder(config.imageEncoder())));
        encoders.put(Modality.AUDIO, add("audio_encoder", new AudioPromptEncoder(config.audioEncoder())));
        encoders.put(Modality.VIDEO, add("video_encoder", new VideoPromptEncoder(config.videoEncoder())));
        promptEncoders = Collections.unmodifiableMap(encoders);
        Map<Modality, Denoiser> denoiserMap = new EnumMap<>(Modality.class);
        denoiserMap.put(Modality.TEXT, add("text_denoiser", new TextDenoiser(config.textDenoiser())));
        denoiserMap.put(Modality.IMAGE, add("image_denoiser", new SpatialDenoiser(config.imageDenoiser())));
        denoiserMap.put(Modality.AUDIO, add("audio_denoiser", new SpatialDenoiser(config.audioDenoiser())));
        denoiserMap.put(Modality.VIDEO, add("video_denoiser", new SpatialDenoiser(config.videoDenoiser())));
        denoisers = Collections.unmodifiableMap(denoiserMap);
        Map<Modality, EnvironmentEncoder> environment = new EnumMap<>(Modality.class);
        environment.put(Modality.TEXT, add("text_environment", new EnvironmentEncoder(config.textEnvironment())));
        environment.put(Modality.IMAGE, add("image_environment", new EnvironmentEncoder(config.imageEnvironment())));
        environment.put(Modality.AUDIO, add("audio_environment", new EnvironmentEncoder(config.audioEnvironment())));
        environment.put(Modality.VIDEO, add("video_environment", new EnvironmentEncoder(config.videoEnvironment())));
        environmentEncoders = Collections.unmodifiableMap(environment);
        for (TinyBlock block : byName.values()) {
            block.initialize(manager, DataType.FLOAT32, new Shape(1)); // shapes are fixed by the configs
        }
    }

    private <B extends TinyBlock> B add(String name, B block) {
        byName.put(name, block);
        return block;
    }

    /** Every network by its bundle name, in a fixed order. */
    public Map<String, TinyBlock> byName() {
        return Collections.unmodifiableMap(byName);
    }
}

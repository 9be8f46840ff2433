package dev.codi.training;

import java.util.Arrays;
import java.util.Locale;

/**
 * The stage-1 steps of training codi-tiny, in the order they run (CoDi §3): each modality's
 * autoencoder, then bridging alignment of the prompt encoders (text ↔ image first, then audio and
 * video against the frozen text encoder), then each modality's ε-denoiser on the frozen encoders.
 * Each stage starts from the networks the previous one finished with. Stage 2 (environment
 * encoders, joint cross-attention) is not here yet.
 */
public enum Stage {
    IMAGE_AUTOENCODER,
    AUDIO_AUTOENCODER,
    TEXT_AUTOENCODER,
    TEXT_IMAGE_ALIGNMENT,
    AUDIO_ALIGNMENT,
    VIDEO_ALIGNMENT,
    IMAGE_DENOISER,
    AUDIO_DENOISER,
    TEXT_DENOISER,
    VIDEO_DENOISER;

    /** The command-line and directory name, e.g. {@code image-autoencoder}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Stage fromId(String id) {
        return Arrays.stream(values()).filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown stage '" + id + "'; stages are "
                        + Arrays.stream(values()).map(Stage::id).toList()));
    }

    /** A denoiser: no later stage builds on it, so it may be trained on after the run finished. */
    public boolean extensible() {
        return ordinal() >= IMAGE_DENOISER.ordinal();
    }

    public Stage previous() {
        return ordinal() == 0 ? null : values()[ordinal() - 1];
    }
}

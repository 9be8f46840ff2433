package dev.codi.training;

import dev.codi.media.Modality;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The steps of training codi-tiny, in the order they run (CoDi §3). Stage 1: each modality's
 * autoencoder, then bridging alignment of the prompt encoders (text ↔ image first, then image, audio
 * and video each against the frozen text encoder), then each modality's ε-denoiser on the frozen
 * encoders.
 * Stage 2 (joint generation): environment encoders and joint cross-attention on paired outputs —
 * text–image, then text–audio, then audio–video — with everything of stage 1 frozen. Each stage
 * starts from the networks the previous one finished with.
 */
public enum Stage {
    IMAGE_AUTOENCODER,
    AUDIO_AUTOENCODER,
    TEXT_AUTOENCODER,
    TEXT_IMAGE_ALIGNMENT,
    IMAGE_ALIGNMENT,
    AUDIO_ALIGNMENT,
    VIDEO_ALIGNMENT,
    IMAGE_DENOISER,
    AUDIO_DENOISER,
    TEXT_DENOISER,
    VIDEO_DENOISER,
    JOINT_TEXT_IMAGE(Modality.TEXT, Modality.IMAGE),
    JOINT_TEXT_AUDIO(Modality.TEXT, Modality.AUDIO),
    JOINT_AUDIO_VIDEO(Modality.AUDIO, Modality.VIDEO);

    private final List<Modality> pair;

    Stage() {
        this.pair = List.of();
    }

    Stage(Modality first, Modality second) {
        this.pair = List.of(first, second);
    }

    /** A stage-2 stage: trains joint generation of its {@link #pair()}. */
    public boolean joint() {
        return !pair.isEmpty();
    }

    /** The two outputs a stage-2 stage generates together; empty for stage 1. */
    public List<Modality> pair() {
        return pair;
    }

    /**
     * The modalities of a stage-2 stage's pair that no earlier stage-2 stage trained: the ones it
     * trains (bridging — text–image both, text–audio audio, audio–video video).
     */
    public List<Modality> newInStageTwo() {
        return pair.stream()
                .filter(modality -> stageTwo().stream().noneMatch(earlier -> earlier.ordinal() < ordinal() && earlier.pair().contains(modality)))
                .toList();
    }

    /** The stage-1 stage that trains {@code modality}'s denoiser. */
    public static Stage denoiserOf(Modality modality) {
        return switch (modality) {
            case TEXT -> TEXT_DENOISER;
            case IMAGE -> IMAGE_DENOISER;
            case AUDIO -> AUDIO_DENOISER;
            case VIDEO -> VIDEO_DENOISER;
        };
    }

    /** The stage-2 stages, in order. */
    public static List<Stage> stageTwo() {
        return Arrays.stream(values()).filter(Stage::joint).toList();
    }

    /** The command-line and directory name, e.g. {@code image-autoencoder}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Stage fromId(String id) {
        return Arrays.stream(values()).filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown stage '" + id + "'; stages are "
                        + Arrays.stream(values()).map(Stage::id).toList()));
    }

    /**
     * A stage-1 denoiser, or a bridged prompt encoder (image, audio, video): nothing trains against either,
     * so it may be trained on after the run finished. Later stages start from its newest weights.
     * A bridged encoder trained on moves the conditioning the denoisers were trained on towards the
     * frozen text space, which the denoisers saw most; extending a denoiser after stage 2 means
     * running stage 2 again.
     */
    public boolean extensible() {
        return bridgedEncoder() || ordinal() >= IMAGE_DENOISER.ordinal() && !joint();
    }

    /**
     * A prompt encoder aligned to the frozen text encoder (image, audio, video): bridging's later
     * step. Nothing after it trains that encoder, so its latest checkpoint always holds the encoder
     * at its newest; the other networks only read its output (conditioning).
     */
    public boolean bridgedEncoder() {
        return this == IMAGE_ALIGNMENT || this == AUDIO_ALIGNMENT || this == VIDEO_ALIGNMENT;
    }

    /** The bridged-encoder stages, in order. */
    public static List<Stage> bridgedEncoders() {
        return Arrays.stream(values()).filter(Stage::bridgedEncoder).toList();
    }

    public Stage previous() {
        return ordinal() == 0 ? null : values()[ordinal() - 1];
    }
}

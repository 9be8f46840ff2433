package dev.codi.training;

import dev.codi.media.Modality;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The steps of training codi-tiny, in the order they run (CoDi §3). TrainingStep 1: each modality's
 * autoencoder, then bridging alignment of the prompt encoders (text ↔ image first, then image, audio
 * and video each against the frozen text encoder), then each modality's ε-denoiser on the frozen
 * encoders.
 * TrainingStep 2 (joint generation): environment encoders and joint cross-attention on paired outputs —
 * text–image, then text–audio, then audio–video (bridging, as the paper) — then every set of two to
 * four outputs mixed, with everything of stage 1 frozen. Each stage starts from the networks the
 * previous one finished with.
 */
public enum TrainingStep {
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
    JOINT_TEXT_IMAGE(List.of(List.of(Modality.TEXT, Modality.IMAGE))),
    JOINT_TEXT_AUDIO(List.of(List.of(Modality.TEXT, Modality.AUDIO))),
    JOINT_AUDIO_VIDEO(List.of(List.of(Modality.AUDIO, Modality.VIDEO))),
    /**
     * Every set of two, three or four outputs, one drawn per step, every environment encoder and
     * joint attention trained. Bridging leaves each denoiser's joint attention knowing only the
     * partner of its own pair and one token at a time; sampling meets any partner, and two or three
     * tokens at once.
     */
    JOINT_MIXED(outputSetsOfTwoOrMore());

    private final List<List<Modality>> outputSets;

    TrainingStep() {
        this.outputSets = List.of();
    }

    TrainingStep(List<List<Modality>> outputSets) {
        this.outputSets = outputSets;
    }

    /** The sets of outputs a stage-2 stage generates together, each in modality order; empty for stage 1. */
    public List<List<Modality>> outputSets() {
        return outputSets;
    }

    /** A stage-2 stage: trains joint generation of its {@link #outputSets()}. */
    public boolean joint() {
        return !outputSets.isEmpty();
    }

    /** A bridging stage: one pair of outputs, training the side(s) new to stage 2. */
    public boolean bridging() {
        return outputSets.size() == 1;
    }

    /** The two outputs a bridging stage generates together; empty otherwise. */
    public List<Modality> pair() {
        return bridging() ? outputSets.get(0) : List.of();
    }

    /** Every modality of the stage's output sets. */
    public List<Modality> modalities() {
        return Arrays.stream(Modality.values()).filter(modality -> outputSets.stream().anyMatch(set -> set.contains(modality))).toList();
    }

    /**
     * The modalities of a bridging stage's pair that no earlier stage-2 stage trained (text–image
     * both, text–audio audio, audio–video video); empty for the other stages.
     */
    public List<Modality> newInStageTwo() {
        return pair().stream()
                .filter(modality -> stageTwo().stream().noneMatch(earlier -> earlier.ordinal() < ordinal() && earlier.modalities().contains(modality)))
                .toList();
    }

    /** The modalities whose environment encoder and joint attention a stage-2 stage trains. */
    public List<Modality> trainedInStageTwo() {
        return bridging() ? newInStageTwo() : modalities();
    }

    /** The stage-1 stage that trains {@code modality}'s denoiser. */
    public static TrainingStep denoiserOf(Modality modality) {
        return switch (modality) {
            case TEXT -> TEXT_DENOISER;
            case IMAGE -> IMAGE_DENOISER;
            case AUDIO -> AUDIO_DENOISER;
            case VIDEO -> VIDEO_DENOISER;
        };
    }

    /** The stage-2 stages, in order. */
    public static List<TrainingStep> stageTwo() {
        return Arrays.stream(values()).filter(TrainingStep::joint).toList();
    }

    /** The command-line and directory name, e.g. {@code image-autoencoder}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static TrainingStep fromId(String id) {
        return Arrays.stream(values()).filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown stage '" + id + "'; stages are "
                        + Arrays.stream(values()).map(TrainingStep::id).toList()));
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
    public static List<TrainingStep> bridgedEncoders() {
        return Arrays.stream(values()).filter(TrainingStep::bridgedEncoder).toList();
    }

    /** Every set of two or more of the four modalities (11), each in modality order. */
    private static List<List<Modality>> outputSetsOfTwoOrMore() {
        Modality[] all = Modality.values();
        java.util.ArrayList<List<Modality>> sets = new java.util.ArrayList<>();
        for (int size = 2; size <= all.length; size++) {
            for (int mask = 0; mask < 1 << all.length; mask++) {
                if (Integer.bitCount(mask) == size) {
                    java.util.ArrayList<Modality> set = new java.util.ArrayList<>();
                    for (int k = 0; k < all.length; k++) {
                        if ((mask & 1 << k) != 0) {
                            set.add(all[k]);
                        }
                    }
                    sets.add(List.copyOf(set));
                }
            }
        }
        return List.copyOf(sets);
    }

    public TrainingStep previous() {
        return ordinal() == 0 ? null : values()[ordinal() - 1];
    }
}

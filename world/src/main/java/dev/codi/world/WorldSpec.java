package dev.codi.world;

import dev.codi.media.Modality;

/** The fixed numbers of the Shapes &amp; Tones world (docs/design.md §7); generator and judge share them. */
public final class WorldSpec {
    /** Images and video frames are square, this many pixels a side. */
    public static final int IMAGE_SIZE = 32;
    /** Smallest and largest side of a shape's bounding box, in pixels. */
    public static final int MIN_SHAPE_SIZE = 12;
    public static final int MAX_SHAPE_SIZE = 20;
    /** Every background channel stays at or below this value. */
    public static final int BACKGROUND_MAX = 40;

    /**
     * Whether a modality shows motion: text names it, audio has its envelope, video its velocity; an
     * image shows only color and shape. Every modality shows color and shape.
     */
    public static boolean showsMotion(Modality modality) {
        return modality != Modality.IMAGE;
    }

    public static final int VIDEO_FRAMES = 8;
    /** Eight frames at 8 fps make a one-second clip, like the audio. */
    public static final double VIDEO_FPS = 8;
    /** Speed range of a moving shape, pixels per frame. */
    public static final double MIN_SPEED = 1;
    public static final double MAX_SPEED = 2;
    /** Smallest travel from the first to the last frame: 7 steps of at least 1 px. */
    public static final int MIN_TRAVEL = 7;

    /** The world's native audio rate; clips are judged at any rate from {@link #MIN_AUDIO_RATE}. */
    public static final int AUDIO_RATE = 16_000;
    public static final int MIN_AUDIO_RATE = 8_000;
    public static final double AUDIO_SECONDS = 1.0;

    private WorldSpec() {
    }
}

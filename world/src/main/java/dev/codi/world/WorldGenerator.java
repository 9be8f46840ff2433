package dev.codi.world;

import dev.codi.media.AudioClip;
import dev.codi.media.RgbImage;
import dev.codi.media.VideoClip;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Renders the Shapes &amp; Tones world (docs/design.md §7). Every draw comes from the {@link Random} passed
 * in, so {@code new Random(seed)} reproduces a sample exactly. Nuisance variation, all within spec:
 * position, size 12–20 px, speed 1–2 px per frame, background level, tint and noise, audio phase,
 * level, noise floor and envelope curvature, and the caption template.
 */
public final class WorldGenerator {

    /** A seeded random source; {@link Random}'s algorithm is fixed by its specification. */
    public static Random seeded(long seed) {
        return new Random(seed);
    }

    /** A 32×32 image of a filled shape anywhere fully inside the frame. */
    public RgbImage image(Color color, Shape shape, Random random) {
        int size = randomSize(random);
        int room = WorldSpec.IMAGE_SIZE - size;
        return ImageRenderer.draw(color, shape, size, random.nextInt(room + 1), random.nextInt(room + 1),
                Backdrop.random(random), random);
    }

    /**
     * Eight frames of the shape travelling in the motion's direction at a constant speed v ∈ [1, 2]
     * px per frame; positions are rounded, so each step is 1 or 2 px and the travel, round(7v), is
     * at least 7 px. The shape stays fully inside every frame.
     */
    public VideoClip video(Color color, Shape shape, Motion motion, Random random) {
        int size = randomSize(random);
        int room = WorldSpec.IMAGE_SIZE - size;
        int steps = WorldSpec.VIDEO_FRAMES - 1;
        double fastest = Math.min(WorldSpec.MAX_SPEED, room / (double) steps);
        double speed = WorldSpec.MIN_SPEED + (fastest - WorldSpec.MIN_SPEED) * random.nextDouble();
        int travel = (int) Math.round(speed * steps);
        // start far enough from the edge it heads to, so the last frame is still inside
        int along = random.nextInt(room - travel + 1);
        int across = random.nextInt(room + 1);
        int startLeft = motion.dx() == 0 ? across : motion.dx() > 0 ? along : along + travel;
        int startTop = motion.dy() == 0 ? across : motion.dy() > 0 ? along : along + travel;
        Backdrop backdrop = Backdrop.random(random);

        List<RgbImage> frames = new ArrayList<>(WorldSpec.VIDEO_FRAMES);
        for (int frame = 0; frame < WorldSpec.VIDEO_FRAMES; frame++) {
            int offset = (int) Math.round(speed * frame);
            frames.add(ImageRenderer.draw(color, shape, size,
                    startLeft + motion.dx() * offset, startTop + motion.dy() * offset, backdrop, random));
        }
        return new VideoClip(frames, WorldSpec.VIDEO_FPS);
    }

    /** One second of mono audio at the world's native rate, 16 kHz. */
    public AudioClip audio(Color color, Shape shape, Motion motion, Random random) {
        return audio(color, shape, motion, WorldSpec.AUDIO_RATE, random);
    }

    /** One second of mono audio synthesised directly at {@code sampleRate} (≥ 8 kHz). */
    public AudioClip audio(Color color, Shape shape, Motion motion, int sampleRate, Random random) {
        return ToneSynth.render(color, shape, motion, sampleRate, random);
    }

    /**
     * One second of audio with every free parameter the spec allows drawn widely: sample rate
     * 8–48 kHz, level, noise, and gated, raised-cosine or sinᵖ pulses, linear, exponential or tᵖ
     * ramps ({@link RandomisedAudio}). For training that must not learn one renderer's habits.
     */
    public RandomisedAudio.Clip randomisedAudio(Color color, Shape shape, Motion motion, Random random) {
        return RandomisedAudio.render(color, shape, motion, random);
    }

    /** A caption for whatever the attributes specify: canonical, paraphrase or under-specified. */
    public String caption(Attributes attributes, Random random) {
        return Captions.random(attributes, random);
    }

    /** Every modality of one combination, each rendered with its own nuisance draws. */
    public Sample sample(Combination combination, Random random) {
        Color color = combination.color();
        Shape shape = combination.shape();
        Motion motion = combination.motion();
        return new Sample(combination,
                caption(combination.toAttributes(), random),
                image(color, shape, random),
                video(color, shape, motion, random),
                audio(color, shape, motion, random));
    }

    private static int randomSize(Random random) {
        return random.nextInt(WorldSpec.MIN_SHAPE_SIZE, WorldSpec.MAX_SHAPE_SIZE + 1);
    }
}

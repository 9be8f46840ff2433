package dev.codi.model;

/**
 * Sampling parameters of one job (docs/design.md §5.4: DDIM, η = 0, 50 steps, guidance 7.5 by default).
 *
 * @param joint   sample several outputs jointly (CoDi point 3) rather than independently
 * @param stagger in joint sampling, the DDIM steps between the starts of two outputs, in modality
 *                order (text, image, audio, video): the first output starts at once, the next
 *                {@code stagger} steps later, and so on; each runs its own {@code steps} steps, so an
 *                output reads the earlier outputs' environment tokens at a lower noise level than its
 *                own. 0 samples every output in lockstep, as CoDi does. Ignored when not joint.
 * @param feedback in joint sampling, the weight of another output's reading in an output's
 *                 conditioning, against the job's own conditioning's 1: every step, each output's clean
 *                 estimate is decoded and read by its modality's prompt encoder into the shared space,
 *                 and the other outputs are conditioned on that reading mixed with the prompt (CoDi's
 *                 composable conditioning, §3.2). A reading weighs this when its modality shows all the
 *                 output shows, less when not ({@link dev.codi.model.pipeline.FeedbackWeights}).
 *                 0 turns it off, leaving only the environment tokens of CoDi §3.3. Ignored when not joint.
 */
public record SamplingParams(int steps, double guidance, double eta, long seed, boolean joint, int stagger, double feedback) {
    public static final int MAX_STEPS = 200;
    /** The default of docs/design.md §6.4, measured in docs/quality.md, "Joint coherence" (as JobParams'). */
    public static final double DEFAULT_FEEDBACK = 1.0;
    public static final double MAX_FEEDBACK = 10;

    public SamplingParams {
        if (steps < 1 || steps > MAX_STEPS) {
            throw new IllegalArgumentException("steps must be within [1, " + MAX_STEPS + "], got " + steps);
        }
        if (!(guidance >= 0) || guidance > 50) {
            throw new IllegalArgumentException("guidance must be within [0, 50], got " + guidance);
        }
        if (!(eta >= 0 && eta <= 1)) {
            throw new IllegalArgumentException("eta must be within [0, 1], got " + eta);
        }
        if (stagger < 0 || stagger > steps) {
            throw new IllegalArgumentException("stagger must be within [0, steps = " + steps + "], got " + stagger);
        }
        if (!(feedback >= 0 && feedback <= MAX_FEEDBACK)) {
            throw new IllegalArgumentException("feedback must be within [0, " + MAX_FEEDBACK + "], got " + feedback);
        }
    }

    /** With the default feedback. */
    public SamplingParams(int steps, double guidance, double eta, long seed, boolean joint, int stagger) {
        this(steps, guidance, eta, seed, joint, stagger, DEFAULT_FEEDBACK);
    }

    /** With the default stagger for {@code steps} and the default feedback. */
    public SamplingParams(int steps, double guidance, double eta, long seed, boolean joint) {
        this(steps, guidance, eta, seed, joint, defaultStagger(steps));
    }

    public static SamplingParams defaults(long seed) {
        return new SamplingParams(50, 7.5, 0.0, seed, true);
    }

    /** A fifth of the steps (10 of 50): the default of docs/design.md §6.4 (as JobParams'). */
    public static int defaultStagger(int steps) {
        return steps / 5;
    }

    /** The denoising loop's iterations for {@code outputs} outputs: the steps, plus the later outputs' delay. */
    public int iterations(int outputs) {
        return steps + (joint && outputs > 1 ? (outputs - 1) * stagger : 0);
    }
}

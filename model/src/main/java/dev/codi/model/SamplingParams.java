package dev.codi.model;

/**
 * Sampling parameters of one job (DESIGN §1: DDIM, η = 0, 50 steps, guidance 7.5 by default).
 *
 * @param joint sample several outputs jointly (CoDi point 3) rather than independently
 */
public record SamplingParams(int steps, double guidance, double eta, long seed, boolean joint) {
    public static final int MAX_STEPS = 200;

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
    }

    public static SamplingParams defaults(long seed) {
        return new SamplingParams(50, 7.5, 0.0, seed, true);
    }
}

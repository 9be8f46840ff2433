package dev.codi.evaluation;

import dev.codi.protocol.JobParams;

/**
 * How a report is measured.
 *
 * @param samples   samples per table cell (per direction and split, per composition row, per
 *                  output set, …)
 * @param steps     DDIM steps (docs/design.md §5.4: 50)
 * @param guidance  classifier-free guidance scale (docs/design.md §5.4: 7.5)
 * @param seed      every input, nuisance draw and noise of the report derives from it
 * @param batchSize jobs per {@code CodiModel.sample} call: batching is ~3× cheaper per sample on CPU
 * @param stagger   DDIM steps between the starts of jointly sampled outputs ({@code JobParams#stagger})
 * @param feedback  weight of the other outputs' shared-space readings in joint sampling ({@code JobParams#feedback})
 * @param sampler   the reverse-diffusion solver ({@code JobParams#sampler})
 */
public record Settings(int samples, int steps, double guidance, long seed, int batchSize, int stagger, double feedback,
                       JobParams.Sampler sampler) {
    public Settings {
        require(sampler != null, "--sampler is required");
        require(samples >= 1, "--samples must be at least 1, got " + samples);
        require(steps >= 1 && steps <= 200, "--steps must be within [1, 200], got " + steps);
        require(guidance >= 0 && guidance <= 50, "--guidance must be within [0, 50], got " + guidance);
        require(batchSize >= 1 && batchSize <= 256, "--batch must be within [1, 256], got " + batchSize);
        require(stagger >= 0 && stagger <= steps, "--stagger must be within [0, --steps], got " + stagger);
        require(feedback >= 0 && feedback <= JobParams.MAX_FEEDBACK,
                "--feedback must be within [0, " + JobParams.MAX_FEEDBACK + "], got " + feedback);
    }

    /** With DDIM. */
    public Settings(int samples, int steps, double guidance, long seed, int batchSize, int stagger, double feedback) {
        this(samples, steps, guidance, seed, batchSize, stagger, feedback, JobParams.Sampler.DDIM);
    }

    /** With the sampler's default stagger for {@code steps} and its default feedback. */
    public Settings(int samples, int steps, double guidance, long seed, int batchSize) {
        this(samples, steps, guidance, seed, batchSize, JobParams.defaultStagger(steps),
                JobParams.DEFAULT_FEEDBACK);
    }

    /** The same report measured with {@code sampler} at {@code steps}, staggered as the API staggers by default. */
    public Settings sampledWith(JobParams.Sampler sampler, int steps) {
        return new Settings(samples, steps, guidance, seed, batchSize, JobParams.defaultStagger(steps), feedback, sampler);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}

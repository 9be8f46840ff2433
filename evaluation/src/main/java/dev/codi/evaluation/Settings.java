package dev.codi.evaluation;

import dev.codi.media.Modality;
import dev.codi.protocol.JobParams;

import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

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
 * @param guidanceByOutput guidance scales of single outputs, in place of {@code guidance} ({@code JobParams#guidanceByOutput})
 */
public record Settings(int samples, int steps, double guidance, long seed, int batchSize, int stagger, double feedback,
                       JobParams.Sampler sampler, Map<Modality, Double> guidanceByOutput) {
    public Settings {
        guidanceByOutput = guidanceByOutput == null ? Map.of() : Map.copyOf(guidanceByOutput);
        guidanceByOutput.forEach((output, scale) -> require(scale >= 0 && scale <= JobParams.MAX_GUIDANCE,
                "--guidance-by-output " + output.wireName() + " must be within [0, " + JobParams.MAX_GUIDANCE + "], got " + scale));
        require(sampler != null, "--sampler is required");
        require(samples >= 1, "--samples must be at least 1, got " + samples);
        require(steps >= 1 && steps <= 200, "--steps must be within [1, 200], got " + steps);
        require(guidance >= 0 && guidance <= JobParams.MAX_GUIDANCE,
                "--guidance must be within [0, " + JobParams.MAX_GUIDANCE + "], got " + guidance);
        require(batchSize >= 1 && batchSize <= 256, "--batch must be within [1, 256], got " + batchSize);
        require(stagger >= 0 && stagger <= steps, "--stagger must be within [0, --steps], got " + stagger);
        require(feedback >= 0 && feedback <= JobParams.MAX_FEEDBACK,
                "--feedback must be within [0, " + JobParams.MAX_FEEDBACK + "], got " + feedback);
    }

    /** With {@code guidance} for every output. */
    public Settings(int samples, int steps, double guidance, long seed, int batchSize, int stagger, double feedback,
                    JobParams.Sampler sampler) {
        this(samples, steps, guidance, seed, batchSize, stagger, feedback, sampler, Map.of());
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
        return new Settings(samples, steps, guidance, seed, batchSize, JobParams.defaultStagger(steps), feedback, sampler,
                guidanceByOutput);
    }

    /** The guidance, with each output's own scale where it has one: how a report states it. */
    public String guidanceText() {
        if (guidanceByOutput.isEmpty()) {
            return Double.toString(guidance);
        }
        return guidance + new EnumMap<>(guidanceByOutput).entrySet().stream()
                .map(own -> own.getKey().wireName() + " " + own.getValue())
                .collect(Collectors.joining(", ", " (", ")"));
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}

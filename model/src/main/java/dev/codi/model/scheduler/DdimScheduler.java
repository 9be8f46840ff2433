package dev.codi.model.scheduler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;

/**
 * DDIM sampling (Song, Meng, Ermon — "Denoising Diffusion Implicit Models", ICLR 2021) for an
 * ε-predicting model. Not thread-safe: one instance per sampling loop (construction is cheap).
 *
 * <p>Betas: {@link BetaSchedule#SCALED_LINEAR}, β_t = (√β_start + t/(T−1)·(√β_end − √β_start))²,
 * is what CoDi and Stable Diffusion actually train with — LDM's {@code make_beta_schedule} names
 * it "linear", which is why docs/design.md §5.1 says "linear betas 0.00085→0.012". The plain linear
 * variant is kept for comparison. Timesteps use "leading" spacing: t_i = i·⌊T/steps⌋ + offset,
 * in descending order, and ᾱ before t = 0 is 1 ("set_alpha_to_one").
 */
public final class DdimScheduler implements Scheduler {

    public enum BetaSchedule { LINEAR, SCALED_LINEAR }

    /** The training noise schedule the model was trained with. */
    public record Config(int trainTimesteps, BetaSchedule betaSchedule, double betaStart, double betaEnd, int stepsOffset) {
        public Config {
            if (trainTimesteps < 2) {
                throw new IllegalArgumentException("trainTimesteps must be at least 2, got " + trainTimesteps);
            }
            if (!(0 < betaStart && betaStart < betaEnd && betaEnd < 1)) {
                throw new IllegalArgumentException("need 0 < betaStart < betaEnd < 1, got " + betaStart + ", " + betaEnd);
            }
            if (stepsOffset < 0 || stepsOffset >= trainTimesteps) {
                throw new IllegalArgumentException("stepsOffset must be within [0, trainTimesteps), got " + stepsOffset);
            }
        }

        /** docs/design.md §5.1: T = 1000, betas 0.00085 → 0.012 (LDM's "linear", i.e. scaled linear). */
        public static Config codi() {
            return new Config(1000, BetaSchedule.SCALED_LINEAR, 0.00085, 0.012, 0);
        }
    }

    private final Config config;
    private final double[] alphasCumprod; // (T) ᾱ_t = Π_{s ≤ t} (1 − β_s)
    private int[] timesteps = new int[0]; // (steps) descending
    private int stepRatio;

    public DdimScheduler(Config config) {
        this.config = config;
        int total = config.trainTimesteps();
        alphasCumprod = new double[total];
        double product = 1;
        for (int t = 0; t < total; t++) {
            double fraction = t / (double) (total - 1);
            double beta = switch (config.betaSchedule()) {
                case LINEAR -> config.betaStart() + fraction * (config.betaEnd() - config.betaStart());
                case SCALED_LINEAR -> {
                    double root = Math.sqrt(config.betaStart()) + fraction * (Math.sqrt(config.betaEnd()) - Math.sqrt(config.betaStart()));
                    yield root * root;
                }
            };
            product *= 1 - beta;
            alphasCumprod[t] = product;
        }
    }

    public Config config() {
        return config;
    }

    /** ᾱ_t for a training timestep t, the amount of signal left in x_t. */
    public double alphaCumprod(int t) {
        return alphasCumprod[t];
    }

    /** Chooses {@code steps} timesteps with "leading" spacing: i·⌊T/steps⌋ + offset, descending. */
    @Override
    public void setTimesteps(int steps) {
        if (steps < 1 || steps > config.trainTimesteps()) {
            throw new IllegalArgumentException("steps must be within [1, " + config.trainTimesteps() + "], got " + steps);
        }
        stepRatio = config.trainTimesteps() / steps;
        timesteps = new int[steps];
        for (int i = 0; i < steps; i++) {
            timesteps[i] = (steps - 1 - i) * stepRatio + config.stepsOffset();
        }
    }

    /** The timesteps of the current schedule, first to last (descending). */
    @Override
    public int[] timesteps() {
        return timesteps.clone();
    }

    /**
     * One reverse step x_t → x_{t−Δ}.
     *
     * <pre>
     * notation (DDIM paper → code)
     *   x_t          sample            ε_θ(x_t, t)   epsilon
     *   α_t          alphaProduct      α_{t−Δ}       alphaProductPrev     (DDIM's α is DDPM's ᾱ)
     *   σ_t(η)       sigma             ε_t           noise
     *   f_θ(x_t)     predictedOriginal
     * </pre>
     *
     * @param epsilon (batch, ...) the model's noise prediction
     * @param t       a timestep of the current schedule
     * @param sample  (batch, ...) x_t
     * @param eta     η ∈ [0, 1]: 0 is deterministic DDIM, 1 is DDPM-like
     * @param noise   (batch, ...) standard normal noise; may be null only when eta is 0
     * @return (batch, ...) x_{t−Δ}
     */
    @Override
    public NDArray step(NDArray epsilon, int t, NDArray sample, double eta, NDArray noise) {
        if (Arrays.stream(timesteps).noneMatch(s -> s == t)) {
            throw new IllegalArgumentException("timestep " + t + " is not in the schedule " + Arrays.toString(timesteps)
                    + "; call setTimesteps first");
        }
        if (!(eta >= 0 && eta <= 1)) {
            throw new IllegalArgumentException("eta must be within [0, 1], got " + eta);
        }
        if (eta > 0 && noise == null) {
            throw new IllegalArgumentException("eta > 0 needs noise");
        }
        // 1. previous timestep t − Δ, Δ = ⌊T/steps⌋
        int previous = t - stepRatio;
        // 2. ᾱ_t and ᾱ_{t−Δ} (1 before the first training step)
        double alphaProduct = alphasCumprod[t];
        double alphaProductPrev = previous >= 0 ? alphasCumprod[previous] : 1.0;
        // 3. "predicted x_0" of eq. 12: (x_t − √(1−α_t)·ε_θ(x_t)) / √α_t
        NDArray predictedOriginal = sample.sub(epsilon.mul((float) Math.sqrt(1 - alphaProduct)))
                .div((float) Math.sqrt(alphaProduct));
        // 4. σ_t(η) of eq. 16: η·√((1−α_{t−Δ})/(1−α_t))·√(1 − α_t/α_{t−Δ})
        double sigma = eta * Math.sqrt((1 - alphaProductPrev) / (1 - alphaProduct))
                * Math.sqrt(1 - alphaProduct / alphaProductPrev);
        // 5. "direction pointing to x_t" of eq. 12: √(1 − α_{t−Δ} − σ_t²)·ε_θ(x_t)
        NDArray direction = epsilon.mul((float) Math.sqrt(1 - alphaProductPrev - sigma * sigma));
        // 6. eq. 12: x_{t−Δ} = √α_{t−Δ}·predicted x_0 + direction + σ_t·ε_t
        NDArray previousSample = predictedOriginal.mul((float) Math.sqrt(alphaProductPrev)).add(direction);
        return sigma > 0 ? previousSample.add(noise.mul((float) sigma)) : previousSample;
    }

    /** DDIM remembers nothing between steps. */
    @Override
    public void keepRows(int[] rows) {
    }

    /** The timestep before {@code t} in the current schedule; negative after the last, where ᾱ is 1. */
    int previousTimestep(int t) {
        return t - stepRatio;
    }

    /**
     * The clean sample each row's noise prediction implies, x̂₀ = (x_t − √(1−ᾱ_t)·ε_θ)/√ᾱ_t (step 3
     * of {@link #step}), per row at its own timestep, clipped to ±bound.
     *
     * @param samples   (batch, ...) x_t
     * @param epsilon   (batch, ...) the noise predicted for them
     * @param timesteps one training timestep per row
     */
    public NDArray predictedClean(NDArray samples, NDArray epsilon, float[] timesteps, float bound) {
        long batch = samples.getShape().get(0);
        if (timesteps.length != batch) {
            throw new IllegalArgumentException(timesteps.length + " timesteps for a batch of " + batch);
        }
        float[] inverseRoot = new float[timesteps.length];   // 1/√ᾱ_t
        float[] noiseRatio = new float[timesteps.length];    // √(1−ᾱ_t)/√ᾱ_t
        for (int row = 0; row < timesteps.length; row++) {
            double alphaProduct = alphasCumprod[(int) timesteps[row]];
            inverseRoot[row] = (float) (1 / Math.sqrt(alphaProduct));
            noiseRatio[row] = (float) Math.sqrt((1 - alphaProduct) / alphaProduct);
        }
        long[] perRow = new long[samples.getShape().dimension()];
        Arrays.fill(perRow, 1);
        perRow[0] = batch;
        NDManager manager = samples.getManager();
        NDArray clean = samples.mul(manager.create(inverseRoot, new Shape(perRow)))
                .sub(epsilon.mul(manager.create(noiseRatio, new Shape(perRow))));
        return clean.clip(-bound, bound);
    }
}

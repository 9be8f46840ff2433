package dev.codi.model.scheduler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.Arrays;

/**
 * DPM-Solver++(2M) (Lu, Zhou, Bao, Chen, Li, Zhu — "DPM-Solver++: Fast Solver for Guided Sampling of
 * Diffusion Probabilistic Models", 2022): the multistep second-order solver of the diffusion ODE in
 * its data-prediction form, as diffusers' {@code DPMSolverMultistepScheduler} with
 * {@code algorithm_type="dpmsolver++"}, {@code solver_order=2}, {@code solver_type="midpoint"},
 * {@code lower_order_final=True} and a last step into σ = 0 ({@code final_sigmas_type="zero"}).
 * Deterministic: it takes no η.
 *
 * <p>Noise schedule and timesteps are {@link DdimScheduler}'s ("leading" spacing, ᾱ = 1 after t = 0).
 * The solver remembers the previous step's data prediction x̂₀, of every row, so one instance samples
 * one latent: its steps follow the schedule in order, all rows at the same timestep, and
 * {@link #keepRows} drops the memory of rows that leave. Not thread-safe. The remembered prediction
 * lives in the manager given at construction, freed with it.
 */
public final class DpmSolverMultistepScheduler implements Scheduler {
    private final DdimScheduler schedule;          // ᾱ_t and the timesteps
    private final NDManager memory;
    private NDArray previousPrediction;            // (batch, ...) x̂₀ at the previous timestep, or null
    private int previousIndex = -1;                // its index in the schedule

    public DpmSolverMultistepScheduler(DdimScheduler.Config config, NDManager memory) {
        this.schedule = new DdimScheduler(config);
        this.memory = memory;
    }

    @Override
    public void setTimesteps(int steps) {
        schedule.setTimesteps(steps);
        forget();
    }

    @Override
    public int[] timesteps() {
        return schedule.timesteps();
    }

    /**
     * One step of the ODE solver, x_t → x_{t−Δ} (Algorithm 2 of the paper, in the time variable λ).
     *
     * <pre>
     * notation (paper → code)
     *   x_t                 sample          ε_θ(x_t, t)      epsilon
     *   α_t = √ᾱ_t          alpha           σ_t = √(1−ᾱ_t)   sigma            (VP: α_t² + σ_t² = 1)
     *   λ_t = log(α_t/σ_t)  lambda          h = λ_{t−Δ} − λ_t                  step in λ
     *   x_θ(x_t, t)         prediction      x_θ at the previous (larger) t     previousPrediction
     *   r = h_prev / h      ratio           D = (1 + 1/(2r))·x_θ − 1/(2r)·x_θ,prev
     * </pre>
     *
     * @param eta must be 0: DPM-Solver++ solves the probability-flow ODE
     */
    @Override
    public NDArray step(NDArray epsilon, int t, NDArray sample, double eta, NDArray noise) {
        int[] timesteps = schedule.timesteps();
        int index = SolverSteps.indexOfNext(timesteps, t, previousIndex, eta, "DPM-Solver++");
        if (index == 0) {
            forget();                                                    // a new trajectory starts at the first t
        }
        // 1. α, σ, λ at t and at the next timestep s = t − Δ (α = 1, σ = 0 after t = 0)
        int next = index + 1 < timesteps.length ? timesteps[index + 1] : -1;
        double alphaProduct = schedule.alphaCumprod(t);
        double alpha = Math.sqrt(alphaProduct);
        double sigma = Math.sqrt(1 - alphaProduct);
        double alphaNext = next >= 0 ? Math.sqrt(schedule.alphaCumprod(next)) : 1.0;
        double sigmaNext = next >= 0 ? Math.sqrt(1 - schedule.alphaCumprod(next)) : 0.0;
        // 2. data prediction, eq. (8)'s x_θ(x_t, t) = (x_t − σ_t·ε_θ(x_t, t)) / α_t
        NDArray prediction = sample.sub(epsilon.mul((float) sigma)).div((float) alpha);
        NDArray previousSample;
        if (sigmaNext == 0) {
            // 3a. last step (lower_order_final): first order into σ = 0, where x_{t−Δ} = x_θ
            previousSample = prediction;
        } else {
            double h = lambda(alphaNext, sigmaNext) - lambda(alpha, sigma);
            double decay = -Math.expm1(-h);                              // 1 − e^{−h}
            NDArray data = prediction;
            if (previousPrediction != null) {
                // 3b. second order (2M, Algorithm 2): r = h_prev/h, D = x_θ + (x_θ − x_θ,prev)/(2r)
                int previousT = timesteps[previousIndex];
                double previousAlphaProduct = schedule.alphaCumprod(previousT);
                double ratio = (lambda(alpha, sigma)
                        - lambda(Math.sqrt(previousAlphaProduct), Math.sqrt(1 - previousAlphaProduct))) / h;
                data = prediction.add(prediction.sub(previousPrediction).mul((float) (0.5 / ratio)));
            }
            // 4. eq. (9)/(10): x_{t−Δ} = (σ_{t−Δ}/σ_t)·x_t + α_{t−Δ}·(1 − e^{−h})·D   (D = x_θ at first order)
            previousSample = sample.mul((float) (sigmaNext / sigma)).add(data.mul((float) (alphaNext * decay)));
        }
        if (sigmaNext == 0) {
            forget();                                                    // the trajectory is done
        } else {
            remember(prediction, index);
        }
        return previousSample;
    }

    @Override
    public void keepRows(int[] rows) {
        if (previousPrediction == null || rows.length == 0) {
            return;
        }
        NDList kept = new NDList();
        for (int row : rows) {
            kept.add(previousPrediction.get(row));
        }
        NDArray selected = NDArrays.stack(kept);      // a small copy of ActiveRows.select
        selected.attach(memory);
        previousPrediction.close();
        previousPrediction = selected;
    }

    private void remember(NDArray prediction, int index) {
        prediction.attach(memory);                    // outlives the caller's step
        if (previousPrediction != null) {
            previousPrediction.close();
        }
        previousPrediction = prediction;
        previousIndex = index;
    }

    private void forget() {
        if (previousPrediction != null) {
            previousPrediction.close();
        }
        previousPrediction = null;
        previousIndex = -1;
    }

    private static double lambda(double alpha, double sigma) {
        return Math.log(alpha) - Math.log(sigma);
    }
}

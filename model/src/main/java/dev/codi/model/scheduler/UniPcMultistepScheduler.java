package dev.codi.model.scheduler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.Arrays;

/**
 * UniPC (Zhao, Bai, Rao, Zhou, Lu — "UniPC: A Unified Predictor-Corrector Framework for Fast Sampling of
 * Diffusion Models", NeurIPS 2023): a multistep predictor (UniP) whose every step is first corrected
 * (UniC) with the model output the step already computed, so the correction raises the order by one at
 * no extra network call. As diffusers' {@code UniPCMultistepScheduler} with {@code solver_order=2} (the
 * order the paper recommends for guided sampling), {@code solver_type="bh2"} (B(h) = e^h − 1),
 * {@code predict_x0=True}, {@code lower_order_final=True}, no disabled corrector and a last step into
 * σ = 0 ({@code final_sigmas_type="zero"}). Deterministic: it takes no η.
 *
 * <p>Noise schedule and timesteps are {@link DdimScheduler}'s ("leading" spacing, ᾱ = 1 after t = 0),
 * as for {@link DpmSolverMultistepScheduler}. The solver remembers, of every row, the data predictions
 * x̂₀ of the two previous timesteps and the previous (corrected) sample, so one instance samples one
 * latent: its steps follow the schedule in order, all rows at the same timestep, and {@link #keepRows}
 * drops the memory of rows that leave. Not thread-safe. What it remembers lives in the manager given at
 * construction, freed with it.
 */
public final class UniPcMultistepScheduler implements Scheduler {
    private final DdimScheduler schedule;          // ᾱ_t and the timesteps
    private final NDManager memory;
    private NDArray previousPrediction;            // (batch, ...) x̂₀ at the previous timestep, or null
    private NDArray olderPrediction;               // (batch, ...) x̂₀ at the timestep before it, or null
    private NDArray previousSample;                // (batch, ...) the corrected x at the previous timestep, or null
    private int previousIndex = -1;                // the previous timestep's index in the schedule
    private int previousOrder;                     // the order of the predictor that left it

    public UniPcMultistepScheduler(DdimScheduler.Config config, NDManager memory) {
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
     * One corrector-predictor step: UniC corrects x_t with x̂₀(x_t), then UniP moves it to x_{t−Δ}
     * (Algorithms 1–3 of the paper, data prediction, B(h) = e^h − 1).
     *
     * <pre>
     * notation (paper → code)
     *   x_t                 sample          ε_θ(x_t, t)        epsilon
     *   α_t = √ᾱ_t          alpha           σ_t = √(1−ᾱ_t)     sigma              (VP: α_t² + σ_t² = 1)
     *   λ_t = log(α_t/σ_t)  lambda          h = λ_{t−Δ} − λ_t                      step in λ
     *   m_t = x_θ(x_t, t)   prediction      m at the previous, older t           previous/olderPrediction
     *   r_k = (λ_{s_k} − λ_{s_0})/h         ratio              D_k = (m_{s_k} − m_{s_0})/r_k
     *   x^c at the previous t               previousSample     p: the order of UniP, 1 then 2, 1 at the last step
     * </pre>
     *
     * @param eta must be 0: UniPC solves the probability-flow ODE
     */
    @Override
    public NDArray step(NDArray epsilon, int t, NDArray sample, double eta, NDArray noise) {
        int[] timesteps = schedule.timesteps();
        int index = SolverSteps.indexOfNext(timesteps, t, previousIndex, eta, "UniPC");
        if (index == 0) {
            forget();                                                    // a new trajectory starts at the first t
        }
        // 1. data prediction m_t = (x_t − σ_t·ε_θ(x_t, t)) / α_t, of the sample the predictor left (uncorrected)
        double alpha = alpha(t);
        double sigma = sigma(t);
        NDArray prediction = sample.sub(epsilon.mul((float) sigma)).div((float) alpha);
        int next = index + 1 < timesteps.length ? timesteps[index + 1] : -1;
        if (next < 0) {
            // last step (lower_order_final): first order into σ = 0, where x_s = m_t and the correction weighs 0
            forget();                                                    // the trajectory is done
            return prediction;
        }
        // 2. UniC-p (Algorithm 2), p the previous predictor's order: x_t^c from x^c at the previous t
        NDArray corrected = previousPrediction == null ? sample.duplicate() : correct(timesteps, index, prediction);
        // 3. the predictor's order p: 1 at the first step (warm-up), 2 after
        int order = Math.min(2, index + 1);
        // 4. UniP-p (Algorithm 1) from x_t^c to the next timestep s, B(h) = e^{−h} − 1 (bh2, data prediction)
        double h = lambda(next) - lambda(t);
        double phi = Math.expm1(-h);
        // x_s = (σ_s/σ_t)·x_t^c − α_s·(e^{−h} − 1)·m_t                    (DDIM, i.e. first order)
        NDArray nextSample = corrected.mul((float) (sigma(next) / sigma)).sub(prediction.mul((float) (alpha(next) * phi)));
        if (order == 2) {
            // − α_s·B(h)·ρ·D₁ with ρ = 1/2 (diffusers: "for order 2, a simplified version"), D₁ = (m_{t'} − m_t)/r₁
            double ratio = (lambda(timesteps[index - 1]) - lambda(t)) / h;
            NDArray difference = previousPrediction.sub(prediction).div((float) ratio);
            nextSample = nextSample.sub(difference.mul((float) (alpha(next) * phi * 0.5)));
        }
        remember(prediction, corrected, index, order);
        return nextSample;
    }

    /**
     * UniC-p (Algorithm 2 with B(h) = e^h − 1): x_t^c = (σ_t/σ_{s_0})·x_{s_0}^c − α_t·(e^{−h} − 1)·m_{s_0}
     * − α_t·B(h)·(Σ_k ρ_k·D_k + ρ_p·(m_t − m_{s_0})), the ρ solving R_p(h)·ρ = g_p(h) (eq. (8)).
     */
    private NDArray correct(int[] timesteps, int index, NDArray prediction) {
        int t = timesteps[index];
        int s0 = timesteps[index - 1];
        double h = lambda(t) - lambda(s0);
        double hh = -h;                                                  // data prediction integrates in −λ
        double phi = Math.expm1(hh);
        // g_p: the b of diffusers' loop, b_k = k!·φ_{k+1}(hh)/B(h), φ from φ₁·h = e^{hh} − 1
        double phiK = phi / hh - 1;
        double b1 = phiK / phi;
        double b2 = (phiK / hh - 0.5) * 2 / phi;
        NDArray d0 = prediction.sub(previousPrediction);                 // D₁ᵗ = m_t − m_{s_0}
        NDArray correction;
        if (previousOrder == 1) {
            correction = d0.mul(0.5f);                                   // ρ = 1/2 for UniC-1 (diffusers: "simplified")
        } else {
            // R = [[1, 1], [r₁, 1]], b = [b₁, b₂]: ρ₁ = (b₁ − b₂)/(1 − r₁), ρ_c = b₁ − ρ₁
            double ratio = (lambda(timesteps[index - 2]) - lambda(s0)) / h;
            double rhoOlder = (b1 - b2) / (1 - ratio);
            double rhoCurrent = b1 - rhoOlder;
            NDArray d1 = olderPrediction.sub(previousPrediction).div((float) ratio);
            correction = d1.mul((float) rhoOlder).add(d0.mul((float) rhoCurrent));
        }
        return previousSample.mul((float) (sigma(t) / sigma(s0)))
                .sub(previousPrediction.mul((float) (alpha(t) * phi)))
                .sub(correction.mul((float) (alpha(t) * phi)));
    }

    @Override
    public void keepRows(int[] rows) {
        if (previousPrediction == null || rows.length == 0) {
            return;
        }
        previousPrediction = select(previousPrediction, rows);
        previousSample = select(previousSample, rows);
        if (olderPrediction != null) {
            olderPrediction = select(olderPrediction, rows);
        }
    }

    /** These rows of a remembered array, in the memory manager; the old array is closed. */
    private NDArray select(NDArray array, int[] rows) {
        NDList kept = new NDList();
        for (int row : rows) {
            kept.add(array.get(row));
        }
        NDArray selected = NDArrays.stack(kept);      // a small copy of ActiveRows.select
        selected.attach(memory);
        array.close();
        return selected;
    }

    private void remember(NDArray prediction, NDArray corrected, int index, int order) {
        prediction.attach(memory);                    // outlive the caller's step
        corrected.attach(memory);
        if (olderPrediction != null) {
            olderPrediction.close();
        }
        if (previousSample != null) {
            previousSample.close();
        }
        olderPrediction = previousPrediction;
        previousPrediction = prediction;
        previousSample = corrected;
        previousIndex = index;
        previousOrder = order;
    }

    private void forget() {
        for (NDArray array : new NDArray[] {previousPrediction, olderPrediction, previousSample}) {
            if (array != null) {
                array.close();
            }
        }
        previousPrediction = null;
        olderPrediction = null;
        previousSample = null;
        previousIndex = -1;
        previousOrder = 0;
    }

    private double alpha(int t) {
        return t < 0 ? 1.0 : Math.sqrt(schedule.alphaCumprod(t));
    }

    private double sigma(int t) {
        return t < 0 ? 0.0 : Math.sqrt(1 - schedule.alphaCumprod(t));
    }

    private double lambda(int t) {
        return Math.log(alpha(t)) - Math.log(sigma(t));
    }
}

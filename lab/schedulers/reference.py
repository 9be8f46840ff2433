"""Golden values for the model's scheduler tests, computed independently in float64.

Transcriptions of diffusers' DPMSolverMultistepScheduler (algorithm_type="dpmsolver++",
solver_order=2, solver_type="midpoint", lower_order_final=True, final_sigmas_type="zero") on the
model's schedule: scaled-linear betas 0.00085 -> 0.012 over T = 1000 and DDIM's "leading" spacing
t_i = i * (T // steps), descending, with alpha_bar = 1 after t = 0 (Lu et al. 2022, eq. (8) and
Algorithm 2), and of diffusers' UniPCMultistepScheduler (solver_order=2, solver_type="bh2",
predict_x0=True, lower_order_final=True, disable_corrector=[], final_sigmas_type="zero"; Zhao et al.
2023, Algorithms 1-3 with B(h) = e^h - 1) on the same schedule. Dummy model: eps(x, t) = 0.1 x + 0.05 t / 1000.

Run: /usr/bin/python3.11 lab/schedulers/reference.py   (Debian's python3-torch, for the betas)
"""
import numpy as np
import torch

T = 1000
START = np.array([1.0, -0.5, 0.25, 2.0])


def alphas_cumprod():
    # diffusers' "scaled_linear": torch.linspace(beta_start**0.5, beta_end**0.5, T) ** 2
    betas = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, T, dtype=torch.float64) ** 2
    return torch.cumprod(1.0 - betas, dim=0).numpy()


def dummy_model(x, t):
    return 0.1 * x + 0.05 * t / 1000


def dpm_solver_pp_2m(steps, x=START):
    abar = alphas_cumprod()
    timesteps = [(steps - 1 - i) * (T // steps) for i in range(steps)]
    alpha = lambda t: 1.0 if t < 0 else np.sqrt(abar[t])       # alpha_t = sqrt(abar_t)
    sigma = lambda t: 0.0 if t < 0 else np.sqrt(1 - abar[t])   # sigma_t = sqrt(1 - abar_t)
    lam = lambda t: np.log(alpha(t)) - np.log(sigma(t))        # lambda_t = log(alpha_t / sigma_t)
    previous = None                                            # (x0 prediction, its timestep)
    x = x.copy()
    for i, t in enumerate(timesteps):
        s = timesteps[i + 1] if i + 1 < steps else -1          # -1: the clean end, sigma = 0
        x0 = (x - sigma(t) * dummy_model(x, t)) / alpha(t)     # data prediction
        if s < 0:                                              # lower_order_final: first order into sigma = 0
            x = x0
        elif previous is None:                                 # first order (DDIM)
            h = lam(s) - lam(t)
            x = sigma(s) / sigma(t) * x - alpha(s) * np.expm1(-h) * x0
        else:                                                  # second order, midpoint
            x0_prev, t_prev = previous
            h = lam(s) - lam(t)
            r = (lam(t) - lam(t_prev)) / h
            d1 = (x0 - x0_prev) / r
            x = sigma(s) / sigma(t) * x - alpha(s) * np.expm1(-h) * x0 - 0.5 * alpha(s) * np.expm1(-h) * d1
        previous = (x0, t)
    return x


def unipc_bh2(steps, x=START, model=dummy_model, timesteps=None):
    # scheduling_unipc_multistep.py: step() = convert_model_output, multistep_uni_c_bh_update (UniC),
    # multistep_uni_p_bh_update (UniP), for solver_order=2, bh2, predict_x0; timesteps: the model's
    # "leading" ones unless given (accuracy_toy.py gives others)
    abar = alphas_cumprod()
    if timesteps is None:
        timesteps = [(steps - 1 - i) * (T // steps) for i in range(steps)]
    alpha = lambda t: 1.0 if t < 0 else np.sqrt(abar[t])
    sigma = lambda t: 0.0 if t < 0 else np.sqrt(1 - abar[t])
    lam = lambda t: np.inf if t < 0 else np.log(alpha(t)) - np.log(sigma(t))
    grid = timesteps + [-1]                                    # grid[k]: the timestep of sigmas[k]

    def coefficients(h, order):                                # hh, h_phi_1, B_h, b of both updates
        hh = -h                                                # predict_x0
        h_phi_1 = np.expm1(hh)
        h_phi_k = h_phi_1 / hh - 1
        factorial_i = 1
        b_h = np.expm1(hh)                                     # bh2
        b = []
        for i in range(1, order + 1):
            b.append(h_phi_k * factorial_i / b_h)
            factorial_i *= i + 1
            h_phi_k = h_phi_k / hh - 1 / factorial_i
        return h_phi_1, b_h, b

    model_outputs = [None, None]                               # data predictions, oldest first
    last_sample, this_order, lower_order_nums = None, None, 0
    x = x.copy()
    for k, t in enumerate(timesteps):
        m_t = (x - sigma(t) * model(x, t)) / alpha(t)   # convert_model_output, epsilon -> x0
        if k > 0 and last_sample is not None:                 # UniC: correct x_t with the model output at x_t
            m0 = model_outputs[-1]
            s0 = grid[k - 1]
            h = lam(t) - lam(s0)
            h_phi_1, b_h, b = coefficients(h, this_order)
            rks, d1s = [], []
            for i in range(1, this_order):
                si = grid[k - (i + 1)]
                rk = (lam(si) - lam(s0)) / h
                rks.append(rk)
                d1s.append((model_outputs[-(i + 1)] - m0) / rk)
            rks.append(1.0)
            if this_order == 1:
                rhos_c = np.array([0.5])
            else:
                r = np.stack([np.power(np.array(rks), i - 1) for i in range(1, this_order + 1)])
                rhos_c = np.linalg.solve(r, np.array(b))
            x_t_ = sigma(t) / sigma(s0) * last_sample - alpha(t) * h_phi_1 * m0
            corr_res = sum(rho * d for rho, d in zip(rhos_c[:-1], d1s)) if d1s else 0
            x = x_t_ - alpha(t) * b_h * (corr_res + rhos_c[-1] * (m_t - m0))
        model_outputs = [model_outputs[1], m_t]
        this_order = min(min(2, steps - k), lower_order_nums + 1)  # lower_order_final, warm-up
        last_sample = x
        # UniP: predict x at the next timestep
        s = grid[k + 1]
        m0 = model_outputs[-1]
        h = lam(s) - lam(t)
        h_phi_1, b_h, b = coefficients(h, this_order)
        x_t_ = (sigma(s) / sigma(t) * x if s >= 0 else 0 * x) - alpha(s) * h_phi_1 * m0
        if this_order == 2:                                    # rhos_p = [0.5], "a simplified version"
            rk = (lam(grid[k - 1]) - lam(t)) / h
            d1 = (model_outputs[-2] - m0) / rk
            x_t_ = x_t_ - alpha(s) * b_h * 0.5 * d1
        x = x_t_
        lower_order_nums = min(lower_order_nums + 1, 2)
    return x


if __name__ == "__main__":
    for steps in (1, 2, 10, 20):
        x = dpm_solver_pp_2m(steps)
        print(f"dpmsolver++ steps={steps}: {', '.join(f'{v:.8f}' for v in x)}  sum={x.sum():.12f}")
    for steps in (1, 2, 3, 10, 20):
        x = unipc_bh2(steps)
        print(f"unipc steps={steps}: {', '.join(f'{v:.8f}' for v in x)}  sum={x.sum():.12f}")

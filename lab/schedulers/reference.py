"""Golden values for the model's scheduler tests, computed independently in float64.

A transcription of diffusers' DPMSolverMultistepScheduler (algorithm_type="dpmsolver++",
solver_order=2, solver_type="midpoint", lower_order_final=True, final_sigmas_type="zero") on the
model's schedule: scaled-linear betas 0.00085 -> 0.012 over T = 1000 and DDIM's "leading" spacing
t_i = i * (T // steps), descending, with alpha_bar = 1 after t = 0 (Lu et al. 2022, eq. (8) and
Algorithm 2). Dummy model: eps(x, t) = 0.1 x + 0.05 t / 1000.

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


if __name__ == "__main__":
    for steps in (1, 2, 10, 20):
        x = dpm_solver_pp_2m(steps)
        print(f"dpmsolver++ steps={steps}: {', '.join(f'{v:.8f}' for v in x)}  sum={x.sum():.12f}")

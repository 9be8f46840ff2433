"""Global error of DDIM, DPM-Solver++(2M) and UniPC (bh2, order 2) against the exact ODE solution on toy noise predictions.

Run: /usr/bin/python3.11 lab/schedulers/accuracy_toy.py   (from the repository root)
"""
import sys; sys.path.insert(0, "lab/schedulers")
import numpy as np, reference as r
abar = r.alphas_cumprod()
def run(ts, kind, x, eps):
    if kind == "unipc": return r.unipc_bh2(len(ts), x, eps, ts)
    a = lambda t: 1.0 if t < 0 else np.sqrt(abar[t]); s = lambda t: 0.0 if t < 0 else np.sqrt(1-abar[t])
    lam = lambda t: np.log(a(t)) - np.log(s(t)); prev = None
    for i, t in enumerate(ts):
        n = ts[i+1] if i+1 < len(ts) else -1
        x0 = (x - s(t)*eps(x, t))/a(t)
        if n < 0: x = x0
        elif kind == "ddim" or prev is None: h = lam(n)-lam(t); x = s(n)/s(t)*x - a(n)*np.expm1(-h)*x0
        else:
            h = lam(n)-lam(t); rr = (lam(t)-lam(prev[1]))/h; x = s(n)/s(t)*x - a(n)*np.expm1(-h)*(x0 + (x0-prev[0])/(2*rr))
        prev = (x0, t)
    return x
eps = lambda x, t: np.tanh(2*x) * (0.5 + t/1000) + 0.3*np.sin(3*x)
x = np.linspace(-2, 2, 9)
fine = run(list(range(900, -1, -1)), "ddim", x, eps)
for n in (10, 15, 20):
    ts = [900 - i*(900//(n-1)) if i < n-1 else 0 for i in range(n)]
    ts = [int(round(v)) for v in np.linspace(900, 0, n)]
    print(n, "ddim", np.sqrt(np.mean((run(ts,"ddim",x,eps)-fine)**2)), "dpm++2m", np.sqrt(np.mean((run(ts,"dpm",x,eps)-fine)**2)),
          "unipc", np.sqrt(np.mean((run(ts,"unipc",x,eps)-fine)**2)))
print("gaussian data, s=0.5: exact score")
sd = 0.5
def eps_g(x, t):
    a2 = abar[t]; return np.sqrt(1-a2)*x/(a2*sd*sd + 1 - a2)
exact = x * sd / np.sqrt(abar[900]*sd*sd + 1 - abar[900])
for n in (5, 10, 15, 20):
    ts = [int(round(v)) for v in np.linspace(900, 0, n)]
    print(n, "ddim", np.sqrt(np.mean((run(ts,"ddim",x,eps_g)-exact)**2)), "dpm++2m", np.sqrt(np.mean((run(ts,"dpm",x,eps_g)-exact)**2)),
          "unipc", np.sqrt(np.mean((run(ts,"unipc",x,eps_g)-exact)**2)))
print("gaussian data, s=0.5, the model's leading timesteps (start at 1000 - 1000/n)")
for n in (5, 10, 15, 20):
    ts = [(n - 1 - i) * (1000 // n) for i in range(n)]
    exact_n = x * sd / np.sqrt(abar[ts[0]]*sd*sd + 1 - abar[ts[0]])
    print(n, "ddim", np.sqrt(np.mean((run(ts,"ddim",x,eps_g)-exact_n)**2)), "dpm++2m", np.sqrt(np.mean((run(ts,"dpm",x,eps_g)-exact_n)**2)),
          "unipc", np.sqrt(np.mean((run(ts,"unipc",x,eps_g)-exact_n)**2)))

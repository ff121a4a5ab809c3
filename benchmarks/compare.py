#!/usr/bin/env python3
"""Runs the PyTorch peer and Graft back to back at the same thread count, R times, and prints each
figure with the ratio Graft / PyTorch (below 1 = Graft faster), per run and best/worst over runs.
Modes: steady (bench.py vs SideBySide), first (a fresh process's first 20 steps and predictions,
benchmarks/peer/first_steps.py vs FirstSteps), latency (batch-1 predict from 1 and N callers,
benchmarks/peer/latency_callers.py vs Latency). Called by benchmarks/compare."""
import argparse, json, os, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
peer = os.path.join(root, "..", "shared", "peers", "torch")
jar = os.path.join(here, "target", "benchmarks.jar")
p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=2)
p.add_argument("--quick", action="store_true")
p.add_argument("--micro", action="store_true",
               help="steady mode: the micro-kernels only (dense, matmul, conv, LSTM, attention...)")
p.add_argument("--mode", choices=["steady", "first", "latency"], default="steady")
p.add_argument("--runs", type=int, default=1)
p.add_argument("--callers", type=int, default=8)
p.add_argument("--warm-up", action="store_true",
               help="latency mode: Graft.warmUp() before the protocol, as a service at start-up")
p.add_argument("--java-opt", action="append", default=[],
               help="an extra JVM option for Graft's side, e.g. --java-opt=-Dgraft.warmup=false")
a = p.parse_args()
java = (["java", "--add-modules", "jdk.incubator.vector", f"-Dgraft.threads={a.threads}"]
        + a.java_opt + ["-cp", jar])
models = ["m1_functional", "m2_subclassed", "m3_ensemble"]


def figures(cmd):
    out = subprocess.run(cmd, stdout=subprocess.PIPE, check=True, text=True).stdout
    return json.loads(out[out.index("{"):])["figures"]


def one_run():
    t, g = {}, {}
    if a.mode == "steady":
        quick = (["--quick"] if a.quick else []) + (["--only", "micro"] if a.micro else [])
        t = figures(["bash", os.path.join(peer, "run.sh"), "--threads", str(a.threads)] + quick)
        g = figures(java[:-2] + ["-XX:+AlwaysPreTouch", "-Xms2g", "-Xmx2g"] + java[-2:]
                    + ["dev.graft.benchmarks.SideBySide"] + quick)
    elif a.mode == "first":
        for m in models:
            t.update(figures(["/usr/bin/python3", os.path.join(here, "peer", "first_steps.py"), peer, m,
                              "--threads", str(a.threads)]))
            g.update(figures(java + ["dev.graft.benchmarks.FirstSteps", m]))
    else:
        t = figures(["/usr/bin/python3", os.path.join(here, "peer", "latency_callers.py"), peer,
                     "--threads", str(a.threads), "--callers", str(a.callers)])
        g = figures(java + ["dev.graft.benchmarks.Latency", "--callers", str(a.callers)]
                    + (["--warm-up"] if a.warm_up else []))
    return t, g


runs = []
for r in range(a.runs):
    print(f"== run {r + 1} of {a.runs} ({a.mode}, {a.threads} threads)", file=sys.stderr, flush=True)
    runs.append(one_run())
print(f"mode {a.mode}, threads {a.threads}, runs {a.runs}")
print(f"{'figure':48s} {'torch':>10s} {'graft':>10s} {'ratio':>7s} {'best':>6s} {'worst':>6s}")
for k in runs[0][0]:
    if k not in runs[0][1]:
        continue
    ratios = []
    for t, g in runs:
        ratios.append(t[k] / g[k] if k.endswith("gflops") else g[k] / max(t[k], 1e-9))
    t, g = runs[-1]
    print(f"{k:48s} {t[k]:10.3f} {g[k]:10.3f} {ratios[-1]:7.2f} {min(ratios):6.2f} {max(ratios):6.2f}")
    if len(runs) > 1:  # every pair, so a swing shows which side moved
        print(" " * 8 + "  ".join(f"{tr[k]:.3f}/{gr[k]:.3f}" for tr, gr in runs))
for k in runs[-1][1]:
    if k not in runs[-1][0]:
        print(f"{k:48s} {'-':>10s} {runs[-1][1][k]:10.3f}")
print("(ratio = graft/torch for times, torch/graft for _gflops: below 1 = Graft faster; "
      "best/worst over the runs)")

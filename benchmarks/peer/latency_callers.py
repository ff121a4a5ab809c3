#!/usr/bin/env python3
"""PyTorch side of Graft's Latency runner: the peer's latency.py protocol (batch-1 predict, eval,
no_grad, 30 warm-up calls then 300 timed, p50/p99 in ms) from one thread and from N Python threads
sharing one model (torch releases the GIL inside its kernels).
Usage: latency_callers.py PEER_DIR [--threads T] [--callers N]"""
import json, os, sys, threading, time

peer = sys.argv[1]
arg = lambda k, d: int(sys.argv[sys.argv.index(k) + 1]) if k in sys.argv else d
threads, callers = arg("--threads", 1), arg("--callers", 8)
os.environ["OMP_NUM_THREADS"] = str(threads)
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
sys.path.insert(0, peer)
sys.argv = [sys.argv[0], "--threads", str(threads)]  # bench.py reads these when imported
import torch  # noqa: E402
import bench  # noqa: E402

torch.set_num_threads(threads)
torch.manual_seed(0)
gen = torch.Generator().manual_seed(0)


def run(model, x1, n_callers):
    times = [[] for _ in range(n_callers)]
    barrier = threading.Barrier(n_callers)

    def caller(mine):
        with torch.no_grad():
            for _ in range(30):
                model(*x1)
            barrier.wait()
            for _ in range(300):
                t0 = time.perf_counter()
                model(*x1)
                mine.append((time.perf_counter() - t0) * 1e3)

    ts = [threading.Thread(target=caller, args=(times[i],)) for i in range(n_callers)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    flat = sorted(v for m in times for v in m)
    return flat[len(flat) // 2], flat[int(len(flat) * 0.99)]


out = {}
for name, cls in bench.MODELS.items():
    m = cls().eval()
    x, _ = bench.make_data(name, gen)
    x1 = tuple(t[:1] for t in x)
    p50, p99 = run(m, x1, 1)
    out[f"latency_b1_{name}_p50_ms"], out[f"latency_b1_{name}_p99_ms"] = p50, p99
    p50, p99 = run(m, x1, callers)
    out[f"latency_b1_{name}_{callers}callers_p50_ms"] = p50
    out[f"latency_b1_{name}_{callers}callers_p99_ms"] = p99
print(json.dumps({"threads": threads, "figures": out}))

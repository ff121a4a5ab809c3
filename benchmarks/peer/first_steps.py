#!/usr/bin/env python3
"""PyTorch side of Graft's first-steps figure: in a fresh process, build one seed model of the peer
harness (../shared/peers/torch/bench.py), run 20 training steps on the batch of 32, then 20 predicts,
each timed alone. Prints one JSON object with the same keys as Graft's FirstSteps.
Usage: first_steps.py PEER_DIR MODEL [--threads N]"""
import json, os, sys, time

peer, model_name = sys.argv[1], sys.argv[2]
threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 2
os.environ["OMP_NUM_THREADS"] = str(threads)  # as bench.py: before torch loads
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
sys.path.insert(0, peer)
sys.argv = [sys.argv[0], "--threads", str(threads)]  # bench.py reads these when imported
import torch  # noqa: E402
import bench  # noqa: E402

gen = torch.Generator().manual_seed(0)
torch.manual_seed(0)
t0 = time.perf_counter()
model = bench.MODELS[model_name]()
opt = bench.make_optimizer(model)
build_ms = (time.perf_counter() - t0) * 1e3
x, y = bench.make_data(model_name, gen)
xb = tuple(t[:bench.BATCH] for t in x)
yb = y[:bench.BATCH]


def timed(fn, n):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1e3)
    return out


model.train()
train = timed(lambda: bench.train_step(model, opt, xb, yb), 20)
model.eval()


def predict():
    with torch.no_grad():
        return model(*xb)


pred = timed(predict, 20)
f = {
    f"first20_train_{model_name}_ms": sum(train),
    f"first_train_step_{model_name}_ms": train[0],
    f"first20_predict_{model_name}_ms": sum(pred),
    f"build_{model_name}_ms": build_ms,
}
print(json.dumps({"threads": threads, "figures": f}))

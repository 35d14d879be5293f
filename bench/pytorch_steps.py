"""PyTorch's side of bench/plain_loop.ts and bench/plain_loop_bench.ts: the same training steps
(plain loops, batch 64, SGD with momentum) on one CPU thread, timed the same way.

    /usr/bin/python3 bench/pytorch_steps.py [--seconds 2]

Prints one JSON object: {"torch": version, "threads": 1, "results": {case: {"steps_per_s", "ms"}}}.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)


def mlp(inp, hidden):
    return nn.Sequential(nn.Linear(inp, hidden), nn.ReLU(), nn.Linear(hidden, 10))


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 7 * 7, 10),
    )


def train_step(model, x, y):
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return step


def timed(step, seconds):
    for _ in range(20):
        step()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        step()
        n += 1
    dt = time.perf_counter() - start
    return {"steps_per_s": n / dt, "ms": dt / n * 1000}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=2.0)
    args = ap.parse_args()
    torch.manual_seed(0)
    y = torch.randint(0, 10, (64,))
    conv_x, conv_w, conv_b = torch.randn(64, 1, 28, 28), torch.randn(16, 1, 3, 3), torch.randn(16)

    def conv_forward():
        with torch.no_grad():
            F.conv2d(conv_x, conv_w, conv_b, padding=1)

    cases = {
        "mlp784": train_step(mlp(784, 256), torch.randn(64, 784), y),
        "digits": train_step(mlp(64, 64), torch.randn(64, 64), y),
        "cnn": train_step(cnn(), torch.randn(64, 1, 28, 28), y),
        "conv2d": conv_forward,
    }
    results = {name: timed(step, args.seconds) for name, step in cases.items()}
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results}))


if __name__ == "__main__":
    main()

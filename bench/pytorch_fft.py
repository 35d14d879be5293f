"""PyTorch's side of bench/fft_bench.ts: the same transforms on one CPU thread, timed the same way
(warm-up, then the median of rounds of repeated calls).

    /usr/bin/python3 bench/pytorch_fft.py

Prints one JSON object: {"torch": version, "threads": 1, "results": {case: microseconds per call}}.
"""
import json
import time

import torch

torch.set_num_threads(1)
g = torch.Generator().manual_seed(5)


def cplx(*shape):
    return torch.complex(torch.randn(*shape, generator=g), torch.randn(*shape, generator=g))


def timed(f, min_s=0.3):
    for _ in range(5):
        f()
    rounds = []
    for _ in range(5):
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < min_s / 5:
            f()
            n += 1
        rounds.append((time.perf_counter() - t0) / n * 1e6)
    return sorted(rounds)[2]


c1024, c1000 = cplx(64, 1024), cplx(64, 1000)
r1024, r1000 = torch.randn(64, 1024, generator=g), torch.randn(64, 1000, generator=g)
audio, win = torch.randn(8, 16000, generator=g), torch.hann_window(400)
results = {
    "fft [64, 1024]": timed(lambda: torch.fft.fft(c1024)),
    "fft [64, 1000]": timed(lambda: torch.fft.fft(c1000)),
    "rfft [64, 1024]": timed(lambda: torch.fft.rfft(r1024)),
    "rfft [64, 1000]": timed(lambda: torch.fft.rfft(r1000)),
    "stft [8, 16000] nFft 400 hop 160 hann": timed(
        lambda: torch.stft(audio, 400, hop_length=160, window=win, return_complex=True)),
}
print(json.dumps({"torch": torch.__version__, "threads": 1, "results": results}))

"""PyTorch 1.13's times for bench/complex_bench.ts's shapes (one thread): complex64 mul on 1M
elements against float32 mul on 2M, complex64 matmul [128, 128] against float32.

Run: /usr/bin/python3 bench/complex_pytorch.py
"""
import time

import torch

torch.set_num_threads(1)
g = torch.Generator().manual_seed(11)


def cplx(*shape):
    return torch.view_as_complex(torch.randn(*shape, 2, generator=g))


def best(f, reps=50):
    f()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2] * 1e3


a, b = cplx(1 << 20), cplx(1 << 20)
x, y = torch.randn(1 << 21, generator=g), torch.randn(1 << 21, generator=g)
m, n = cplx(128, 128), cplx(128, 128)
rm, rn = torch.randn(128, 128, generator=g), torch.randn(128, 128, generator=g)
print(f"float32 mul, 2M: {best(lambda: x * y):.3f} ms (median)")
print(f"complex64 mul, 1M: {best(lambda: a * b):.3f} ms")
print(f"float32 matmul [128, 128]: {best(lambda: rm @ rn):.3f} ms")
print(f"complex64 matmul [128, 128]: {best(lambda: m @ n):.3f} ms")

/**
 * complex64 (src/complex/): elementwise `mul` on 1M complex elements and `matmul` of [128, 128]
 * complex matrices, composed over the float32 views, against the real op on the same number of
 * float32 values (the baseline of each group), on both devices. PyTorch 1.13's times for the same
 * shapes come from bench/complex_pytorch.py (one thread); bench/README.md has both.
 *
 *   deno bench -A bench/complex_bench.ts
 *
 * GPU rows read the result back (`toArrayAsync` of the real view), so the clock stops when the
 * device is done.
 * @module
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";

const devices: Device[] = (await torch.gpu.isAvailable()) ? ["cpu", "gpu"] : ["cpu"];
const gen = new torch.Generator(11);
const cplx = (...shape: number[]) => torch.viewAsComplex(torch.randn([...shape, 2], { generator: gen }));
const aCpu = cplx(1 << 20), bCpu = cplx(1 << 20);
const ra = torch.randn([1 << 21], { generator: gen }), rb = torch.randn([1 << 21], { generator: gen });
const mCpu = cplx(128, 128), nCpu = cplx(128, 128);
const rmCpu = torch.randn([128, 128], { generator: gen }),
  rnCpu = torch.randn([128, 128], { generator: gen });

async function readAndDrop(t: Tensor): Promise<void> {
  await (t.dtype === "complex64" ? torch.viewAsReal(t) : t).dataAsync();
  t.dispose();
}

for (const device of devices) {
  const a = aCpu.to(device), b = bCpu.to(device), x = ra.to(device), y = rb.to(device);
  const m = mCpu.to(device), n = nCpu.to(device), rm = rmCpu.to(device), rn = rnCpu.to(device);
  const mulGroup = `mul, 1M complex64 / 2M float32 (${device})`;
  Deno.bench({ name: `float32 mul, 2M (${device})`, group: mulGroup, baseline: true }, async () => {
    await readAndDrop(torch.mul(x, y));
  });
  Deno.bench({ name: `complex64 mul, 1M (${device})`, group: mulGroup }, async () => {
    await readAndDrop(torch.mul(a, b));
  });
  const mmGroup = `matmul [128, 128] (${device})`;
  Deno.bench({ name: `float32 matmul (${device})`, group: mmGroup, baseline: true }, async () => {
    await readAndDrop(torch.matmul(rm, rn));
  });
  Deno.bench({ name: `complex64 matmul (${device})`, group: mmGroup }, async () => {
    await readAndDrop(torch.matmul(m, n));
  });
}

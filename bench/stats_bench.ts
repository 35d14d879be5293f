/**
 * The stats family's scan kernels (assembly/scans.ts, wgsl/scans.wgsl): `cummax` and
 * `logcumsumexp` on [256, 1024] along the last dim, against the `cumsum` kernel on the same tensor,
 * and `histc` (100 bins, a scatter-add composite) on 1M elements, on both devices.
 *
 *   deno bench -A bench/stats_bench.ts
 *
 * GPU rows read the result back (`dataAsync`), so the clock stops when the device is done.
 * @module
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";

const devices: Device[] = (await torch.gpu.isAvailable()) ? ["cpu", "gpu"] : ["cpu"];
const gen = new torch.Generator(5);
const rowsCpu = torch.randn([256, 1024], { generator: gen });
const flatCpu = torch.randn([1_000_000], { generator: gen });

async function readAndDrop(t: Tensor): Promise<void> {
  await t.dataAsync();
  t.dispose();
}

for (const device of devices) {
  const rows = rowsCpu.to(device), flat = flatCpu.to(device);
  const group = `scan [256, 1024] (${device})`;
  Deno.bench({ name: `cumsum kernel (${device})`, group, baseline: true }, async () => {
    await readAndDrop(torch.cumsum(rows, 1));
  });
  Deno.bench({ name: `cummax (${device})`, group }, async () => {
    const { values, indices } = torch.cummax(rows, 1);
    await readAndDrop(values);
    indices.dispose();
  });
  Deno.bench({ name: `logcumsumexp (${device})`, group }, async () => {
    await readAndDrop(torch.logcumsumexp(rows, 1));
  });
  Deno.bench({ name: `histc 100 bins, 1M (${device})`, group: `histc (${device})` }, async () => {
    await readAndDrop(torch.histc(flat, 100, -3, 3));
  });
}

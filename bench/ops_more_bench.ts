/**
 * `torch.searchsorted` (a binary-search kernel, one invocation per value) against the simple
 * exact alternative, counting the sequence elements below each value (`lt` + `sum`), on 1e5
 * values in a sorted row of 1000, both devices; `torch.atan2` on 1M elements per device; and the
 * `torch.special` families (Bessel, Airy, orthogonal polynomials, Hurwitz zeta, gamma, error) on 1M
 * elements per device.
 *
 *   deno bench -A bench/ops_more_bench.ts
 *
 * GPU rows read the result back (`dataAsync`), so the clock stops when the device is done.
 * @module
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";

const devices: Device[] = (await torch.gpu.isAvailable()) ? ["cpu", "gpu"] : ["cpu"];
const gen = new torch.Generator(3);
const seqCpu = torch.rand([1000], { generator: gen }).sort().values;
const valsCpu = torch.rand([100_000], { generator: gen });
const yCpu = torch.randn([1_000_000], { generator: gen }),
  xCpu = torch.randn([1_000_000], { generator: gen });

/** The composite: for each value, how many elements are < v, in chunks of 1e4 values (40 MB of masks each). */
function countBelow(seq: Tensor, vals: Tensor): Tensor {
  const parts: Tensor[] = [];
  for (let i = 0; i < vals.shape[0]; i += 10_000) {
    const chunk = vals.narrow(0, i, Math.min(10_000, vals.shape[0] - i));
    parts.push(torch.lt(seq, chunk.unsqueeze(-1)).sum(-1));
  }
  return torch.cat(parts);
}

async function readAndDrop(t: Tensor): Promise<void> {
  await t.dataAsync();
  t.dispose();
}

for (const device of devices) {
  const seq = seqCpu.to(device), vals = valsCpu.to(device);
  const y = yCpu.to(device), x = xCpu.to(device);
  // The two agree before they are timed.
  const a = await torch.searchsorted(seq, vals).dataAsync(), b = await countBelow(seq, vals).dataAsync();
  if (a.some((v, i) => v !== b[i])) {
    throw new Error(`searchsorted and the comparison count differ on ${device}`);
  }
  const group = `searchsorted 1e5 values in 1000 (${device})`;
  Deno.bench({
    name: `${device}: searchsorted kernel`,
    group,
    baseline: true,
    fn: () => readAndDrop(torch.searchsorted(seq, vals)),
  });
  Deno.bench({
    name: `${device}: lt + sum composite`,
    group,
    fn: () => readAndDrop(countBelow(seq, vals)),
  });
  Deno.bench({
    name: `${device}: atan2 1M`,
    group: `atan2 1M (${device})`,
    fn: () => readAndDrop(torch.atan2(y, x)),
  });
}

const special: [string, (x: Tensor) => Tensor][] = [
  ["besselJ0", (x) => torch.special.besselJ0(x)],
  ["modifiedBesselK0", (x) => torch.special.modifiedBesselK0(x.abs())],
  ["airyAi", (x) => torch.special.airyAi(x)],
  ["chebyshevPolynomialT n=16", (x) => torch.special.chebyshevPolynomialT(x.tanh(), 16)],
  ["zeta(x, 2)", (x) => torch.special.zeta(x.abs().add(1.5), 2)],
  ["digamma", (x) => torch.special.digamma(x)],
  ["erfc", (x) => torch.special.erfc(x)],
];
for (const device of devices) {
  const x = xCpu.mul(4).to(device);
  for (const [name, f] of special) {
    Deno.bench({
      name: `${device}: special.${name} 1M`,
      group: `torch.special 1M (${device})`,
      fn: () => readAndDrop(torch.scope(() => f(x))),
    });
  }
}

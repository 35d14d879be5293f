/**
 * The 3-d layers (a small video / volume CNN layer, batch 4) against the 2-d kernels they are
 * lowered onto, in one run on the wasm backend:
 *
 *   deno bench -A bench/conv3d_bench.ts
 *
 * `conv3d` gathers each output depth's `kD` input slices into channels and runs one `conv2d`
 * over `[N·D', C·kD, H, W]`; the baseline row is that bare `conv2d` on an input already laid out
 * so, so the difference is the cost of the gather (forward) and of its adjoint (backward). The
 * 3-d pooling rows pool over H, W then over D with the 2-d kernels; their baseline is the 2-d
 * pooling of the same volume's `D` slices (the first of the two passes).
 */
import * as torch from "../mod.ts";
import { rand } from "./bench_data.ts";

const B = 4, C = 8, O = 16, D = 16, HW = 16, K = 3;
const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);
const t = (shape: number[], seed: number) => torch.tensor(rand(numel(shape), seed)).reshape(shape);

{
  const x = t([B, C, D, HW, HW], 1), w = t([O, C, K, K, K], 2), b = t([O], 3);
  // The conv2d the lowering ends in: every output depth's K slices as channels.
  const cols = t([B * D, C * K, HW + 2, HW + 2], 4), w2 = w.reshape(O, C * K, K, K);
  const name = `conv3d [${B}, ${C}, ${D}, ${HW}, ${HW}] ${C}->${O} ${K}x${K}x${K} pad 1`;
  Deno.bench({
    name: "conv2d on the lowered input (baseline)",
    group: `${name}: forward`,
    baseline: true,
    fn: () => torch.scope(() => void torch.noGrad(() => torch.conv2d(cols, w2, b))),
  });
  Deno.bench({
    name: "conv3d",
    group: `${name}: forward`,
    fn: () => torch.scope(() => void torch.noGrad(() => torch.conv3d(x, w, b, { padding: 1 }))),
  });
  const ci = cols.detach().requiresGrad_(),
    w2i = w2.detach().requiresGrad_(),
    bi = b.detach().requiresGrad_();
  const xi = x.detach().requiresGrad_(), wi = w.detach().requiresGrad_();
  const g = t([B, O, D, HW, HW], 5), g2 = g.permute(0, 2, 1, 3, 4).reshape(B * D, O, HW, HW);
  Deno.bench({
    name: "conv2d on the lowered input (baseline)",
    group: `${name}: forward + backward`,
    baseline: true,
    fn: () =>
      torch.scope(() => {
        ci.grad = w2i.grad = bi.grad = null;
        torch.conv2d(ci, w2i, bi).backward(g2);
      }),
  });
  Deno.bench({
    name: "conv3d",
    group: `${name}: forward + backward`,
    fn: () =>
      torch.scope(() => {
        xi.grad = wi.grad = bi.grad = null;
        torch.conv3d(xi, wi, bi, { padding: 1 }).backward(g);
      }),
  });
}

{
  const x = t([B, O, D, 2 * HW, 2 * HW], 6), slices = x.reshape(B, O * D, 2 * HW, 2 * HW);
  for (const kind of ["max", "avg"] as const) {
    const group = `${kind}Pool3d 2x2x2 [${B}, ${O}, ${D}, ${2 * HW}, ${2 * HW}]: forward`;
    Deno.bench({
      name: `${kind}Pool2d 2x2 of the D slices (baseline)`,
      group,
      baseline: true,
      fn: () =>
        torch.scope(() =>
          void torch.noGrad(() => kind === "max" ? torch.maxPool2d(slices, 2) : torch.avgPool2d(slices, 2))
        ),
    });
    Deno.bench({
      name: `${kind}Pool3d`,
      group,
      fn: () =>
        torch.scope(() =>
          void torch.noGrad(() => kind === "max" ? torch.maxPool3d(x, 2) : torch.F.avgPool3d(x, 2))
        ),
    });
  }
}

{
  const x = t([2, 8, 6, 8, 8], 7), w = t([8, 4, 2, 2, 2], 8);
  Deno.bench({
    name: "convTranspose3d",
    group: "convTranspose3d [2, 8, 6, 8, 8] 8->4 2x2x2 stride 2: forward",
    fn: () => torch.scope(() => void torch.noGrad(() => torch.convTranspose3d(x, w, null, { stride: 2 }))),
  });
}

/**
 * @internal The computation behind `nn.CrossMapLRN2d` (src/nn/layers/cross_map_lrn.ts) and its
 * derivative row (spread into src/autograd/derivatives.ts through derivatives_extra.ts), as PyTorch 1.13's
 * `torch.nn.modules._functions.CrossMapLRN2d` computes them. Its forward sums the squares over a
 * running window of channels that differs from `LocalResponseNorm`'s: channel 0's square is never
 * dropped from the running sum (1.13's loop drops channel `c - prePad` only when `c > prePad`),
 * and its hand-written backward uses another window again (`[c - prePad, c - prePad + size - 1]`),
 * so it is not the derivative of the forward. Both are reproduced, so a ported program gets
 * PyTorch's values and gradients.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import type { Derivative, Node } from "../autograd/node.ts";
import { tensor } from "../creation.ts";
import { add, div, mul, pow, sub } from "../ops/elementwise.ts";
import { matmul } from "../ops/matmul.ts";
import { reshape } from "../ops/movement.ts";

/** `floor((size + 1) / 2)`: PyTorch's `pre_pad` and `inversePrePad` (the same number). */
function prePadOf(size: number): number {
  return Math.floor((size + 1) / 2);
}

/**
 * The forward's `C`×`C` matrix: row c counts how often each channel's square is in channel c's
 * running sum (1.13's loop replayed: the first `prePad` channels, then per channel one added and,
 * past `prePad`, one dropped).
 */
export function forwardWindows(C: number, size: number): number[][] {
  const pre = prePadOf(size);
  const rows: number[][] = [];
  const cur = new Array<number>(C).fill(0);
  for (let j = 0; j < Math.min(pre, C); j++) cur[j] = 1;
  rows.push([...cur]);
  for (let c = 1; c < C; c++) {
    if (c < C - pre + 1) cur[c + pre - 1] += 1;
    if (c > pre) cur[c - pre] -= 1;
    rows.push([...cur]);
  }
  return rows;
}

/** The backward's `C`×`C` window: row c sums channels `[c - prePad, c - prePad + size - 1]`. */
function backwardWindows(C: number, size: number): number[][] {
  const lo = prePadOf(size);
  return Array.from(
    { length: C },
    (_, c) => Array.from({ length: C }, (_, j) => (j >= c - lo && j <= c - lo + size - 1 ? 1 : 0)),
  );
}

/** `M` applied over the channels of `[N, C, H, W]` `x`. */
function overChannels(M: number[][], x: Tensor): Tensor {
  const [N, C, H, W] = x.shape;
  const m = tensor(M, { dtype: x.dtype, device: x.device });
  return reshape(matmul(m, reshape(x, [N, C, H * W])), [N, C, H, W]);
}

/** `k + alpha / size * (running sum of squares)`: 1.13's `scale`. */
export function crossMapScale(x: Tensor, size: number, alpha: number, k: number): Tensor {
  return add(mul(overChannels(forwardWindows(x.shape[1], size), mul(x, x)), alpha / size), k);
}

function backward(g: Tensor, n: Node): Tensor[] {
  const x = n.inputs[0] as Tensor, out = n.output as Tensor;
  const { size, alpha, beta, k } = n.args as { size: number; alpha: number; beta: number; k: number };
  if (x.shape[1] + size - 1 < prePadOf(size) + x.shape[1]) {
    throw new RangeError(
      `CrossMapLRN2d: PyTorch 1.13's backward fails for size ${size} (its padded buffer of ${
        x.shape[1] + size - 1
      } channels cannot hold ${x.shape[1]} channels after ${
        prePadOf(size)
      }); use nn.LocalResponseNorm to train`,
    );
  }
  const scale = crossMapScale(x, size, alpha, k);
  const ratio = div(mul(g, out), scale);
  const accum = overChannels(backwardWindows(x.shape[1], size), ratio);
  return [sub(mul(pow(scale, -beta), g), mul(mul(x, accum), (2 * alpha * beta) / size))];
}

/** @internal The row: the input and the output saved; `scale` recomputed from the input. */
export const crossMapLrnDerivatives = {
  crossMapLrn2d: { saves: "both", name: "CrossMapLRN2dBackward", backward },
} satisfies Record<string, Derivative>;

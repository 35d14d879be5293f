/**
 * `nn.init.dirac_` and `nn.init.sparse_` (re-exported by src/nn/init.ts), as PyTorch 1.13: a
 * seeded `sparse_` draws the same numbers and zeroes the same entries as PyTorch's.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { fmtShape } from "../shape.ts";
import { isFloating } from "../dtype.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { randperm, tensor } from "../creation.ts";
import { inFrameOf } from "../memory.ts";
import { type InitOptions, normal_ } from "./init.ts";

function checkTarget(op: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor)) {
    throw new TypeError(`${op}: expected a Tensor to fill, got ${t === null ? "null" : typeof t}`);
  }
  if (!isFloating(t.dtype)) throw new TypeError(`${op}: expected a floating point tensor, got ${t.dtype}`);
}

/**
 * Fills the 3-, 4- or 5-d `t` (a convolution's `[out, in, ...kernel]` weight) with the Dirac delta
 * (PyTorch's `nn.init.dirac_`): zeros, and a 1 at the centre of the kernel for input channel `d` of
 * output channel `g * outPerGroup + d` of each of the `groups`, so the convolution passes its first
 * input channels through unchanged. Without gradients; returns `t`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F, init } from "./mod.ts";
 * const w = init.dirac_(torch.empty(2, 2, 3));
 * const x = torch.randn(1, 2, 5);
 * assertEquals(F.conv1d(x, w, null, { padding: 1 }).toArray(), x.toArray());
 * ```
 */
export function dirac_(t: Tensor, groups = 1): Tensor {
  return inFrameOf(() => {
    const op = "dirac_";
    checkTarget(op, t);
    const dims = t.ndim;
    if (dims < 3 || dims > 5) {
      throw new RangeError(
        `${op}: Only tensors with 3, 4, or 5 dimensions are supported (got shape ${fmtShape(t.shape)})`,
      );
    }
    if (!Number.isInteger(groups) || groups < 1) {
      throw new RangeError(`${op}: groups must be a positive integer, got ${groups}`);
    }
    const shape = t.shape;
    if (shape[0] % groups !== 0) {
      throw new RangeError(`${op}: dim 0 must be divisible by groups (got ${shape[0]} and ${groups} groups)`);
    }
    const outPerGroup = shape[0] / groups;
    const minDim = Math.min(outPerGroup, shape[1]);
    const strides: number[] = new Array(dims);
    for (let d = dims - 1, s = 1; d >= 0; d--) {
      strides[d] = s;
      s *= shape[d];
    }
    let centre = 0;
    for (let d = 2; d < dims; d++) centre += Math.floor(shape[d] / 2) * strides[d];
    const values = new Float32Array(t.numel());
    for (let g = 0; g < groups; g++) {
      for (let d = 0; d < minDim; d++) {
        values[(g * outPerGroup + d) * strides[0] + d * strides[1] + centre] = 1;
      }
    }
    return noGrad(() => {
      let src = tensor(values).reshape([...shape]);
      if (t.device !== "cpu") src = src.to(t.device);
      return t.copy_(src);
    });
  });
}

/**
 * Fills the 2-d `t` as a sparse matrix (PyTorch's `nn.init.sparse_`, after Martens 2010): N(0,
 * std²) everywhere, then in each column the rows of the first `ceil(sparsity * rows)` entries of a
 * random permutation set to zero. The draws (one normal fill, then one `randperm(rows)` per column)
 * are PyTorch's, from the global generator or `opts.generator`. Without gradients; returns `t`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { init } from "./mod.ts";
 * torch.manualSeed(0);
 * const w = init.sparse_(torch.empty(4, 3), 0.5);
 * assertEquals(w.eq(0).sum(0).toArray(), [2, 2, 2]); // ceil(0.5 * 4) zeros in every column
 * ```
 */
export function sparse_(t: Tensor, sparsity: number, std = 0.01, opts: InitOptions = {}): Tensor {
  return inFrameOf(() => {
    const op = "sparse_";
    checkTarget(op, t);
    if (t.ndim !== 2) {
      throw new RangeError(
        `${op}: Only tensors with 2 dimensions are supported (got shape ${fmtShape(t.shape)})`,
      );
    }
    if (typeof sparsity !== "number" || !(sparsity >= 0 && sparsity <= 1)) {
      throw new RangeError(`${op}: sparsity must be a number in [0, 1], got ${sparsity}`);
    }
    const [rows, cols] = t.shape;
    const numZeros = Math.ceil(sparsity * rows);
    normal_(t, 0, std, opts);
    const mask = new Uint8Array(rows * cols);
    for (let c = 0; c < cols; c++) {
      const perm = randperm(rows, { generator: opts.generator }).dataSync();
      for (let k = 0; k < numZeros; k++) mask[perm[k] * cols + c] = 1;
    }
    return noGrad(() =>
      t.maskedFill_(tensor(mask, { dtype: "bool", device: t.device }).reshape([rows, cols]), 0)
    );
  });
}

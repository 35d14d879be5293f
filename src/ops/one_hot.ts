/**
 * `oneHot` (PyTorch's `F.one_hot`): int32 class indices to one-hot rows.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { arange } from "../creation.ts";
import { inFrameOf } from "../memory.ts";
import { backendOf, storageAs, wrap } from "./dispatch.ts";
import { eq } from "./elementwise.ts";
import { unsqueeze } from "./movement.ts";
import { scatterAddInto } from "./indexing.ts";
import { guarded, rangeGuard } from "./value_checks.ts";

/**
 * One-hot encoding of int32 class indices: shape `[...x.shape, numClasses]`, int32.
 * `numClasses` defaults to `max + 1` (a read of the values: CPU only; on the GPU it must be
 * given). The CPU checks the class values up front; the GPU never reads them inside the op (that
 * would be a hidden sync point): with a class value outside `[0, numClasses)`, reading the result
 * (or anything computed from it) rejects with the CPU's RangeError.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.oneHot(torch.tensor([0, 2]), 3).toArray(), [[1, 0, 0], [0, 0, 1]]);
 * ```
 */
export function oneHot(x: Tensor, numClasses = -1): Tensor {
  return inFrameOf(() => {
    if (x.dtype !== "int32" && x.dtype !== "uint8") {
      throw new TypeError(`oneHot: expected an int32 tensor of class indices, got ${x.dtype}`);
    }
    let n = numClasses;
    if (x.device === "cpu" && x.numel() > 0) {
      const values = x.dataSync();
      let lo = Infinity, hi = -Infinity;
      for (const v of values) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      if (lo < 0) throw new RangeError(`oneHot: class values must be non-negative, got ${lo}`);
      if (n === -1) n = hi + 1;
      else if (hi >= n) {
        throw new RangeError(`oneHot: class values must be smaller than numClasses (${n}), got ${hi}`);
      }
    } else if (n === -1) {
      n = x.numel() === 0 ? 0 : -1;
      if (n === -1) {
        throw new RangeError("oneHot: numClasses must be given for tensors that are not on the CPU");
      }
    }
    if (x.device === "cpu" || x.numel() === 0) {
      const classes = arange(n, { device: x.device });
      const hits = eq(unsqueeze(x, -1), classes);
      const out = hits.int();
      return out;
    }
    // Off the CPU: the device checks the class values (see value_checks.ts), then ones are
    // scattered into zeros.
    const guard = rangeGuard(
      "oneHot",
      x,
      0,
      n - 1,
      (v) =>
        v < 0
          ? `oneHot: class values must be non-negative, got ${v}`
          : `oneHot: class values must be smaller than numClasses (${n}), got ${v}`,
      { dtype: "int32" },
    );
    const m = x.numel();
    const index = wrap(storageAs(x, "int32"), [m, 1]);
    const ones = wrap(backendOf("oneHot", x).full("int32", m, 1), [m, 1]);
    const out = scatterAddInto(ones, 1, index, [m, n]);
    return guarded(out.reshape([...x.shape, n]), guard);
  });
}

/**
 * Loss primitives with rows of their own: softmax cross-entropy at class indices as one kernel
 * call forward and one backward (PyTorch's `log_softmax` + `nll_loss`) where the backend offers
 * them, and binary cross-entropy's clamped terms.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { fmtShape } from "../shape.ts";
import { inFrameOf } from "../memory.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { backendOf, record, storageAs, wrap } from "./dispatch.ts";
import { add, clamp, div, log, mul, neg, sub } from "./elementwise.ts";
import { reshape } from "./movement.ts";

/** How a loss reduces its per-element values. */
export type Reduction = "mean" | "sum" | "none";

/** `-(t log p + (1 - t) log(1 - p))` with the logs clamped at -100, as PyTorch. @internal */
export function bceTerms(p: Tensor, t: Tensor): Tensor {
  const logP = clamp(log(p), -100);
  const log1mP = clamp(log(sub(1, p)), -100);
  return neg(add(mul(t, logP), mul(sub(1, t), log1mP)));
}

/** The error for a class index outside `[0, classes)` that is not `ignoreIndex`. */
export function badTargetError(op: string, value: number, input: Tensor, ignoreIndex: number): RangeError {
  const c = input.ndim === 1 ? input.shape[0] : input.shape[1];
  return new RangeError(
    `${op}: target class ${value} is out of range for input of shape ${fmtShape(input.shape)} with ${c} ` +
      `classes (expected values in [0, ${c - 1}], or ignoreIndex ${ignoreIndex})`,
  );
}

/**
 * Cross entropy of float32 scores `x` (`[C]` or `[N, C]`) at int32 class indices `target` (`[]`
 * or `[N]`, already shape-checked), without class weights or label smoothing, as the backend's
 * fused kernel (recorded as `crossEntropy`); null when the backend has none. A target out of
 * range throws the error naming it.
 * @internal
 */
export function fusedCrossEntropy(
  op: string,
  x: Tensor,
  target: Tensor,
  reduction: Reduction,
  ignoreIndex: number,
): Tensor | null {
  const backend = backendOf(op, x, target);
  if (!backend.crossEntropy || !backend.crossEntropyBackward || x.dtype !== "float32") return null;
  return inFrameOf(() => {
    const cols = x.shape[x.ndim - 1], rows = x.ndim === 1 ? 1 : x.shape[0];
    const targets = storageAs(target, "int32");
    const r = backend.crossEntropy!(
      storageAs(x, "float32"),
      targets,
      rows,
      cols,
      ignoreIndex,
      (v) => badTargetError(op, v, x, ignoreIndex).message,
    );
    if ("badRow" in r) {
      throw badTargetError(op, r.value ?? target.reshape(-1).index(r.badRow).item(), x, ignoreIndex);
    }
    const logp = wrap(r.logp, [rows, cols]), loss = wrap(r.loss, [rows]);
    const total = wrap(r.total, []), count = wrap(r.count, []);
    const out = noGrad(() => {
      if (reduction === "none") return x.ndim === 1 ? reshape(loss, []) : loss;
      return reduction === "sum" ? total : div(total, count);
    });
    return record("crossEntropy", [x], out, {
      logp,
      target: wrap(targets, [rows]),
      count,
      reduction,
      ignoreIndex,
    });
  });
}

/**
 * `nn.utils`: gradient clipping (`clipGradNorm_`, `clipGradValue_`), flattening parameters to
 * one vector and back (`parametersToVector`, `vectorToParameters`), `rnn` (`padSequence`),
 * `parametrize`, `parametrizations`, `stateless`, `fusion` and `skipInit`, as PyTorch's `torch.nn.utils`. Clipping runs as tensor ops on the gradients' device, with no read-back, so it
 * fits inside a GPU training step.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { zeros } from "../creation.ts";
import { cat, stack } from "../ops/indexing.ts";
import * as ew from "../ops/elementwise.ts";
import { amax, norm } from "../ops/reduce.ts";
import { inFrameOf } from "../memory.ts";

export * as rnn from "./rnn_utils.ts";

function tensorsOf(op: string, parameters: Tensor | Iterable<Tensor>): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters] : [...parameters];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`${op}: parameter ${i} is not a tensor`);
  });
  return list;
}

/** Options of {@link clipGradNorm_}. */
export interface ClipGradNormOptions {
  /** The p of the p-norm (default 2; `Infinity` for the largest magnitude). */
  normType?: number;
  /** Throw when the total norm is NaN or infinite (default false; reads it back, so CPU only). */
  errorIfNonfinite?: boolean;
}

/**
 * Scales the gradients of `parameters` in place so that their total norm (the norm of the
 * vector of all gradient elements) is at most `maxNorm`; returns the total norm before clipping,
 * as a 0-d tensor. Parameters without a gradient are skipped.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * const p = torch.tensor([0, 0], { dtype: "float32", requiresGrad: true });
 * p.mul(torch.tensor([3, 4])).sum().backward();
 * assertEquals(nn.utils.clipGradNorm_([p], 1).item(), 5);
 * assertEquals(torch.allclose(p.grad!, torch.tensor([0.6, 0.8]), { atol: 5e-2, rtol: 0 }), true); // ≈ [0.6, 0.8] (to float32 precision)
 * ```
 */
export function clipGradNorm_(
  parameters: Tensor | Iterable<Tensor>,
  maxNorm: number,
  opts: ClipGradNormOptions = {},
): Tensor {
  return inFrameOf(() => {
    const { normType = 2, errorIfNonfinite = false } = opts;
    if (typeof maxNorm !== "number" || Number.isNaN(maxNorm)) {
      throw new TypeError(`clipGradNorm_: maxNorm must be a number, got ${maxNorm}`);
    }
    const grads = tensorsOf("clipGradNorm_", parameters).map((p) => p._grad).filter((g): g is Tensor =>
      g !== null
    );
    if (grads.length === 0) return zeros([]);
    return noGrad(() => {
      const norms = grads.map((
        g,
      ) => (normType === Infinity ? amax(ew.abs(g)) : norm(g.dtype === "float64" ? g : g.float(), normType)));
      const total = normType === Infinity ? amax(stack(norms)) : norm(stack(norms), normType);
      if (errorIfNonfinite) {
        if (total.device !== "cpu") {
          throw new Error(
            `clipGradNorm_: errorIfNonfinite reads the total norm back, which a "${total.device}" tensor cannot ` +
              "do synchronously; check `await total.isfinite().itemAsync<boolean>()` on the returned norm instead",
          );
        }
        if (!Number.isFinite(total.item())) {
          throw new RangeError(
            `clipGradNorm_: the total norm of order ${normType} for gradients is non-finite, so it cannot be ` +
              "clipped. To disable this error and scale the gradients by the non-finite norm anyway, set " +
              "errorIfNonfinite: false",
          );
        }
      }
      const coef = ew.clamp(ew.div(maxNorm, ew.add(total, 1e-6)), null, 1);
      for (const g of grads) g.mul_(coef.to(g.dtype));
      return total;
    });
  });
}

/**
 * Clamps every gradient element of `parameters` to `[-clipValue, clipValue]` in place.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * const p = torch.tensor([0, 0], { dtype: "float32", requiresGrad: true });
 * p.mul(torch.tensor([3, -0.5])).sum().backward();
 * nn.utils.clipGradValue_([p], 1);
 * assertEquals(p.grad!.toArray(), [1, -0.5]);
 * ```
 */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  return inFrameOf(() => {
    if (typeof clipValue !== "number" || !(clipValue >= 0)) {
      throw new RangeError(`clipGradValue_: clipValue must be a non-negative number, got ${clipValue}`);
    }
    noGrad(() => {
      for (const p of tensorsOf("clipGradValue_", parameters)) p._grad?.clamp_(-clipValue, clipValue);
    });
  });
}

/**
 * All parameters flattened into one 1-d tensor (in order).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * assertEquals(nn.utils.parametersToVector(new nn.Linear(3, 2).parameters()).shape, [8]);
 * ```
 */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  return inFrameOf(() => {
    const list = tensorsOf("parametersToVector", parameters);
    if (list.length === 0) throw new RangeError("parametersToVector: expected at least one parameter");
    return cat(list.map((p) => p.reshape(-1)));
  });
}

/**
 * Copies consecutive slices of the 1-d `vector` into `parameters` (the inverse of
 * {@link parametersToVector}), in place and without recording gradients.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * const fc = new nn.Linear(3, 2);
 * nn.utils.vectorToParameters(torch.zeros(8), fc.parameters());
 * assertEquals(fc.bias!.toArray(), [0, 0]);
 * ```
 */
export function vectorToParameters(vector: Tensor, parameters: Iterable<Tensor>): void {
  return inFrameOf(() => {
    const list = tensorsOf("vectorToParameters", parameters);
    if (!(vector instanceof Tensor) || vector.ndim !== 1) {
      throw new TypeError("vectorToParameters: expected vector to be a 1-d tensor");
    }
    const total = list.reduce((n, p) => n + p.numel(), 0);
    if (vector.shape[0] !== total) {
      throw new RangeError(
        `vectorToParameters: the vector has ${vector.shape[0]} elements, the parameters ${total}`,
      );
    }
    noGrad(() => {
      let offset = 0;
      for (const p of list) {
        p.copy_(vector.narrow(0, offset, p.numel()).reshape(p.shape));
        offset += p.numel();
      }
    });
  });
}
export * from "./utils_norms.ts";
export * as parametrize from "./parametrize.ts";
export * as parametrizations from "./parametrizations.ts";
export * as stateless from "./stateless.ts";
export * as fusion from "./fusion.ts";
export * from "./skip_init.ts";

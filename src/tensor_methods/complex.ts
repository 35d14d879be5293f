/**
 * `Tensor`'s complex methods: `x.real`, `x.imag` (views), `x.conj()`, `x.conjPhysical()`,
 * `x.resolveConj()`, `x.resolveNeg()`, `x.isConj()`, `x.angle()`. `Tensor` extends the
 * `TensorComplexMethods` interface declared here; `tensor.ts` installs the bodies on
 * `Tensor.prototype`.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { imag, real } from "../complex/core.ts";
import * as cx from "../complex/conj.ts";

/**
 * Complex methods of every `Tensor`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const z = torch.complex(torch.tensor([1, 3]).float(), torch.tensor([2, -1]).float());
 * assertEquals([z.real.toArray(), z.imag.toArray()], [[1, 3], [2, -1]]);
 * assertEquals(z.conj().imag.toArray(), [-2, 1]);
 * ```
 */
export interface TensorComplexMethods {
  /** The real part: a float32 view of a complex tensor, the tensor itself for a real one. */
  get real(): Tensor;
  /** The imaginary part: a float32 view of a complex tensor (real tensors throw, as PyTorch). */
  get imag(): Tensor;
  /** `torch.conj(this)`: the complex conjugate (eager; the tensor itself for real dtypes). */
  conj(): Tensor;
  /** `torch.conjPhysical(this)`. */
  conjPhysical(): Tensor;
  /** `torch.resolveConj(this)`: the tensor itself (`conj` is eager here). */
  resolveConj(): Tensor;
  /** `torch.resolveNeg(this)`: the tensor itself. */
  resolveNeg(): Tensor;
  /** `torch.isConj(this)`: always false (`conj` is eager here). */
  isConj(): boolean;
  /** `torch.angle(this)`: the argument of each element. */
  angle(): Tensor;
}

/** @internal The bodies of `TensorComplexMethods`, for `tensor.ts` to install on `Tensor.prototype`. */
export function complexMethods(): TensorComplexMethods & ThisType<Tensor> {
  return {
    get real(): Tensor {
      return real(this);
    },
    get imag(): Tensor {
      return imag(this);
    },
    conj(): Tensor {
      return cx.conj(this);
    },
    conjPhysical(): Tensor {
      return cx.conjPhysical(this);
    },
    resolveConj(): Tensor {
      return cx.resolveConj(this);
    },
    resolveNeg(): Tensor {
      return cx.resolveNeg(this);
    },
    isConj(): boolean {
      return cx.isConj(this);
    },
    angle(): Tensor {
      return cx.angle(this);
    },
  };
}

/**
 * `Tensor`'s alias and predicate methods: the comparison aliases (`x.greater(y)`, ...), `x.H`,
 * `x.mH`, `x.adjoint()`, `x.isComplex()`, `x.isSigned()`, `x.isNonzero()`, `x.isSameSize(y)`,
 * `x.ger(y)`, the conversions `x.byte()` (and `char()` / `short()`, which explain that int8 and
 * int16 do not exist here), `x.newEmptyStrided(size, stride)`, `x.storageOffset()` and
 * `x.retainsGrad`. `Tensor` extends the `TensorAliasMethods` interface declared here; `tensor.ts`
 * installs the bodies on `Tensor.prototype`.
 * @module
 */
import type { Tensor, TensorOrScalar } from "../tensor.ts";
import type { CreateOptions } from "../creation.ts";
import * as al from "../aliases.ts";
import { toDType } from "../ops/convert.ts";
import { aliasIfSame } from "./shape.ts";

/**
 * Alias and predicate methods of every `Tensor`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[1, 2, 3], [4, 5, 6]]);
 * assertEquals(x.greater(2).toArray(), [[false, false, true], [true, true, true]]);
 * assertEquals(x.mH.shape, [3, 2]);
 * assertEquals([x.isSigned(), x.byte().isSigned(), x.index(1).storageOffset()], [true, false, 3]);
 * ```
 */
export interface TensorAliasMethods {
  /** `torch.greater(this, other)` (alias of `gt`). */
  greater(other: TensorOrScalar): Tensor;
  /** `torch.greaterEqual(this, other)` (alias of `ge`). */
  greaterEqual(other: TensorOrScalar): Tensor;
  /** `torch.less(this, other)` (alias of `lt`). */
  less(other: TensorOrScalar): Tensor;
  /** `torch.lessEqual(this, other)` (alias of `le`). */
  lessEqual(other: TensorOrScalar): Tensor;
  /** `torch.notEqual(this, other)` (alias of `ne`). */
  notEqual(other: TensorOrScalar): Tensor;
  /** The conjugate transpose of a matrix (PyTorch's `x.H`; 2-D or 0-d; the transpose for real dtypes). */
  get H(): Tensor;
  /** The conjugate transpose of the last two dims (PyTorch's `x.mH`; the same as `mT` for real dtypes). */
  get mH(): Tensor;
  /** `torch.adjoint(this)`: the same view as `mH`. */
  adjoint(): Tensor;
  /** Whether the dtype is complex (complex64). */
  isComplex(): boolean;
  /** Whether the dtype is signed: false for uint8 and bool, true otherwise. */
  isSigned(): boolean;
  /** `torch.isNonzero(this)`: the truth of a one-element tensor (CPU read). */
  isNonzero(): boolean;
  /** `torch.isSameSize(this, other)`: whether the shapes are equal. */
  isSameSize(other: Tensor): boolean;
  /** `torch.ger(this, vec2)` (deprecated alias of `outer`). */
  ger(vec2: Tensor): Tensor;
  /** `to("uint8")` (PyTorch's ByteTensor). */
  byte(): Tensor;
  /** PyTorch's `to(torch.int8)`: refused, edgetorch has no int8 dtype. */
  char(): Tensor;
  /** PyTorch's `to(torch.int16)`: refused, edgetorch has no int16 dtype. */
  short(): Tensor;
  /** `torch.emptyStrided(size, stride, opts)` with this tensor's dtype and device unless given. */
  newEmptyStrided(size: readonly number[], stride: readonly number[], opts?: CreateOptions): Tensor;
  /** The offset of the first element in the storage, in elements (PyTorch's `storage_offset()`). */
  storageOffset(): number;
  /** Whether `retainGrad()` made this non-leaf tensor keep its `.grad` (false for leaves). */
  get retainsGrad(): boolean;
}

function noSuchDType(op: string, dtype: string, t: Tensor): never {
  throw new TypeError(
    `${op}: edgetorch has no ${dtype} dtype (its dtypes: float32, float64, float16, int32, uint8, bool); ` +
      `use x.int() for int32 or x.byte() for uint8 (this tensor is ${t.dtype})`,
  );
}

/** @internal The bodies of `TensorAliasMethods`, for `tensor.ts` to install on `Tensor.prototype`. */
export function aliasMethods(): TensorAliasMethods & ThisType<Tensor> {
  return {
    greater(other: TensorOrScalar): Tensor {
      return al.greater(this, other);
    },
    greaterEqual(other: TensorOrScalar): Tensor {
      return al.greaterEqual(this, other);
    },
    less(other: TensorOrScalar): Tensor {
      return al.less(this, other);
    },
    lessEqual(other: TensorOrScalar): Tensor {
      return al.lessEqual(this, other);
    },
    notEqual(other: TensorOrScalar): Tensor {
      return al.notEqual(this, other);
    },
    get H(): Tensor {
      return al.conjugateTranspose(this);
    },
    get mH(): Tensor {
      return al.matrixTranspose("mH", "tensor.mH", this);
    },
    adjoint(): Tensor {
      return al.adjoint(this);
    },
    isComplex(): boolean {
      return al.isComplex(this);
    },
    isSigned(): boolean {
      return this.dtype !== "uint8" && this.dtype !== "bool";
    },
    isNonzero(): boolean {
      return al.isNonzero(this);
    },
    isSameSize(other: Tensor): boolean {
      return al.isSameSize(this, other);
    },
    ger(vec2: Tensor): Tensor {
      return al.ger(this, vec2);
    },
    byte(): Tensor {
      return aliasIfSame(this, toDType(this, "uint8"));
    },
    char(): Tensor {
      return noSuchDType("char", "int8", this);
    },
    short(): Tensor {
      return noSuchDType("short", "int16", this);
    },
    newEmptyStrided(size: readonly number[], stride: readonly number[], opts: CreateOptions = {}): Tensor {
      return al.emptyStrided(size, stride, { dtype: this.dtype, device: this.device, ...opts });
    },
    storageOffset(): number {
      return this._offset;
    },
    get retainsGrad(): boolean {
      return this._retainsGrad;
    },
  };
}

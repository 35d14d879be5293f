/**
 * @internal complex64 reductions, products, joins and conversions, composed over `viewAsReal`
 * (float32 views) with the ordinary differentiable ops; the front-end ops send complex operands
 * here.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import type { DType } from "../dtype.ts";
import { normDim } from "../shape.ts";
import { fromParts, partsOf } from "./arith.ts";
import { asComplex, isComplexOperand, parts, viewAsReal } from "./core.ts";
import * as ew from "../ops/elementwise.ts";

/** `x` as complex64 (a real tensor gets a zero imaginary part). */
export function toComplex(op: string, x: Tensor): Tensor {
  if (isComplexOperand(x)) return x;
  return fromParts(partsOf(op, x)[0], null);
}

/** A reduction of the real view over complex dims `dims` (each part reduced alike). */
export function complexReduce(
  op: string,
  x: Tensor,
  dims: readonly number[],
  reduce: (r: Tensor, dims: number[]) => Tensor,
): Tensor {
  // A 0-d tensor reduces to itself; the dims (already checked by the op) never name the pair dim.
  const ds = x.ndim === 0 ? [] : dims.map((d) => normDim(op, d, x.ndim));
  if (ds.length === 0) return complexClone(x);
  return asComplex(reduce(viewAsReal(x), ds));
}

/** A copy of a complex tensor with its own contiguous storage (recorded for autograd). */
export function complexClone(x: Tensor): Tensor {
  return asComplex(viewAsReal(x).clone());
}

/**
 * A product (`matmul`, `mm`, `bmm`, `dot`) of two complex tensors: four real products. As in
 * PyTorch 1.13, a real operand is refused (these ops do not promote).
 */
export function complexProduct(
  op: string,
  a: Tensor,
  b: Tensor,
  f: (x: Tensor, y: Tensor) => Tensor,
): Tensor {
  for (const t of [a, b]) {
    if (!isComplexOperand(t)) {
      throw new TypeError(
        `${op}: expected scalar type ComplexFloat but found ${t.dtype} (${op} does not promote, as in ` +
          `PyTorch: convert the real operand with .to("complex64"))`,
      );
    }
  }
  const [ar, ai] = parts(a), [br, bi] = parts(b);
  const A = ar, B = br;
  return fromParts(
    ew.sub(f(A, B), f(ai, bi)),
    ew.add(f(A, bi), f(ai, B)),
  );
}

/** `cat` of tensors one of which is complex: all promoted to complex64, joined on the real views. */
export function complexCat(
  tensors: readonly Tensor[],
  dim: number,
  cat: (ts: Tensor[], d: number) => Tensor,
): Tensor {
  const ref = tensors[0];
  const d = normDim("cat", dim, Math.max(ref.ndim, 1));
  return asComplex(cat(tensors.map((t) => viewAsReal(toComplex("cat", t))), d));
}

/** A movement op that copies (`flip`, ...) applied to the real view over complex dims. */
export function onRealView(x: Tensor, f: (r: Tensor) => Tensor): Tensor {
  return asComplex(f(viewAsReal(x)));
}

/** `x.to(dtype)` with complex64 on either side. */
export function complexToDType(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  if (dtype === "complex64") return toComplex("to", x);
  // PyTorch 1.13 discards the imaginary part (with a warning); here it is an error, so that no op
  // that casts its input (integer paths, `x.float()` inside composites) silently drops it.
  throw new TypeError(
    `to: casting complex64 to ${dtype} would discard the imaginary part (PyTorch 1.13 warns and ` +
      `discards it); take z.real (or z.abs()) explicitly`,
  );
}

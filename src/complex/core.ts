/**
 * complex64 tensors: the storage design and the two views everything else is built on.
 *
 * A complex64 tensor views a float32 storage of interleaved (re, im) pairs, PyTorch's layout. The
 * tensor, not the storage, carries the dtype (as in PyTorch, whose storages are untyped bytes): its
 * shape, strides and offset count complex elements, so element `i` is the float32 pair at
 * `2 * (offset + Σ i_d * stride_d)`. Every view op (reshape, permute, slicing, expand, ...) keeps
 * the dtype, so they work unchanged. No backend ever sees a complex64 tensor: `backendOf` and
 * `contiguousStorage` (src/ops/dispatch.ts) throw PyTorch's `not implemented for 'ComplexFloat'`
 * for every op that would hand one to a kernel, and the complex ops (this folder) compute on
 * `viewAsReal(z)`, a float32 view, with the ordinary differentiable ops: both devices and autograd
 * come from the real ops.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { complexNotImplemented, record } from "../ops/dispatch.ts";
import { fmtShape } from "../shape.ts";

/** The dtype name PyTorch prints for a dtype in its kernel errors. */
function scalarTypeName(dtype: string): string {
  const names: Record<string, string> = {
    float32: "Float",
    float64: "Double",
    float16: "Half",
    int32: "Int",
    uint8: "Byte",
    bool: "Bool",
    complex64: "ComplexFloat",
  };
  return names[dtype] ?? dtype;
}

/** @internal True for a complex64 tensor operand. */
export function isComplexOperand(x: unknown): boolean {
  return x instanceof Tensor && x.dtype === "complex64";
}

/**
 * @internal Throws PyTorch's `not implemented for 'ComplexFloat'` when any of `xs` is complex64: for
 * composite ops that would otherwise run on complex input with real semantics (their pieces being
 * complex-capable does not make the composite right).
 */
export function refuseComplex(op: string, ...xs: unknown[]): void {
  for (const x of xs) if (isComplexOperand(x)) throw complexNotImplemented(op);
}

/** @internal A complex64 tensor over the float32 storage of `r` at the given complex geometry. */
function complexViewOf(
  r: Tensor,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): Tensor {
  const z = new Tensor(r._storage, shape, strides, offset, "complex64");
  z._base = r._base ?? r;
  return z;
}

/**
 * A float32 view of a complex tensor with a last dimension of 2 holding (re, im) (PyTorch's
 * `torch.view_as_real`): it shares the storage, so writes through it show in `z`. Its backward is
 * the inverse view.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const z = torch.complex(torch.tensor([1, 3]), torch.tensor([2, -1]));
 * const r = torch.viewAsReal(z);
 * assertEquals([r.shape, r.dtype, r.toArray()], [[2, 2], "float32", [[1, 2], [3, -1]]]);
 * r.index(0, 1).fill_(5);
 * assertEquals(z.imag.toArray(), [5, -1]);
 * ```
 */
export function viewAsReal(z: Tensor): Tensor {
  if (!isComplexOperand(z)) {
    throw new TypeError(
      `viewAsReal: view_as_real is only supported for complex tensors, got a ${
        z instanceof Tensor ? z.dtype : typeof z
      } ${z instanceof Tensor ? "tensor" : "value"}`,
    );
  }
  const r = new Tensor(
    z._storage,
    [...z.shape, 2],
    [...z._strides.map((s) => 2 * s), 1],
    2 * z._offset,
    "float32",
  );
  r._base = z._base ?? z;
  return record("viewAsReal", [z], r);
}

/**
 * A complex64 view of a float32 tensor whose last dimension is 2 with stride 1, holding (re, im)
 * (PyTorch's `torch.view_as_complex`, with its rules: every other stride and the storage offset
 * must be even). It shares the storage; its backward is the inverse view.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const z = torch.viewAsComplex(torch.tensor([[1, 2], [3, -1]]).float());
 * assertEquals([z.shape, z.dtype, z.toArray()], [[2], "complex64", [[1, 2], [3, -1]]]);
 * ```
 */
export function viewAsComplex(r: Tensor): Tensor {
  if (!(r instanceof Tensor)) throw new TypeError(`viewAsComplex: expected a tensor, got ${typeof r}`);
  if (r.dtype !== "float32") {
    throw new TypeError(
      `viewAsComplex: view_as_complex is only supported for float tensors (complex128 and complex32 ` +
        `are not available), but got a tensor of scalar type: ${scalarTypeName(r.dtype)}`,
    );
  }
  const fail = (why: string) =>
    new RangeError(
      `viewAsComplex: ${why} (got shape ${fmtShape(r.shape)}, strides ${
        fmtShape(r._strides)
      }, offset ${r._offset})`,
    );
  if (r.ndim === 0) throw fail("Input tensor must have one or more dimensions");
  if (r.shape[r.ndim - 1] !== 2) throw fail("Tensor must have a last dimension of size 2");
  if (r._strides[r.ndim - 1] !== 1) throw fail("Tensor must have a last dimension with stride 1");
  for (let d = 0; d < r.ndim - 1; d++) {
    if (r._strides[d] % 2 !== 0) {
      throw fail("Tensor must have a stride divisible by 2 for all but last dimension");
    }
  }
  if (r._offset % 2 !== 0) throw fail("Tensor must have a storage_offset divisible by 2");
  const z = complexViewOf(r, r.shape.slice(0, -1), r._strides.slice(0, -1).map((s) => s / 2), r._offset / 2);
  return record("viewAsComplex", [r], z);
}

/** @internal `viewAsComplex` of a tensor that may not satisfy its layout rules (made contiguous first). */
export function asComplex(r: Tensor): Tensor {
  const ok = r.ndim > 0 && r._strides[r.ndim - 1] === 1 && r._offset % 2 === 0 &&
    r._strides.slice(0, -1).every((s) => s % 2 === 0);
  return viewAsComplex(ok ? r : r.contiguous());
}

/**
 * @internal The real and imaginary parts of `z` as contiguous float32 tensors `[re, im]` (copies:
 * the arithmetic reads each part more than once, and a strided operand is copied at every use).
 */
export function parts(z: Tensor): [Tensor, Tensor] {
  const r = viewAsReal(z);
  return [r.select(-1, 0).contiguous(), r.select(-1, 1).contiguous()];
}

/**
 * The real part (PyTorch's `torch.real`): a float32 view of a complex tensor, or the tensor itself
 * for a real one.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const z = torch.complex(torch.tensor([1, 3]), torch.tensor([2, -1]));
 * assertEquals(torch.real(z).toArray(), [1, 3]);
 * ```
 */
export function real(x: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`real: expected a tensor, got ${typeof x}`);
  if (!isComplexOperand(x)) return x;
  return viewAsReal(x).select(-1, 0);
}

/**
 * The imaginary part (PyTorch's `torch.imag`): a float32 view of a complex tensor; real tensors
 * throw, as in PyTorch.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const z = torch.complex(torch.tensor([1, 3]), torch.tensor([2, -1]));
 * assertEquals(torch.imag(z).toArray(), [2, -1]);
 * ```
 */
export function imag(x: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`imag: expected a tensor, got ${typeof x}`);
  if (!isComplexOperand(x)) {
    throw new TypeError(`imag: imag is not implemented for tensors with non-complex dtypes (got ${x.dtype})`);
  }
  return viewAsReal(x).select(-1, 1);
}

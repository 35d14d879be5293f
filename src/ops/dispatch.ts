/**
 * The one place ops meet backends and autograd: device checks, contiguous operands, wrapping
 * kernel results as tensors, and recording graph nodes.
 * @module
 */
import type { Backend, Storage } from "../backends/backend.ts";
import { backendFor } from "../backends/registry.ts";
import type { DType } from "../dtype.ts";
import { contiguousStrides, fmtShape, numelOf } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { type Input, Node } from "../autograd/node.ts";
import { isGradEnabled, noGrad } from "../autograd/grad_mode.ts";
import { DISPOSED } from "../memory.ts";
import { derivatives, type DifferentiableOp } from "../autograd/derivatives.ts";

/**
 * PyTorch's error for an op without a complex kernel (`"relu" not implemented for 'ComplexFloat'`).
 * Every op that reaches a backend with a complex64 tensor gets it from `backendOf` or
 * `contiguousStorage`: a complex64 tensor views float32 pairs, which a real kernel would misread.
 */
export function complexNotImplemented(op: string): TypeError {
  return new TypeError(
    `${op}: "${op}" not implemented for 'ComplexFloat' (complex64 tensors); compute on ` +
      "torch.viewAsReal(z), or on z.real and z.imag",
  );
}

/** The backend shared by all tensor inputs, or an error naming the op and the devices. */
export function backendOf(op: string, ...inputs: (Tensor | number | null | undefined)[]): Backend {
  let device: string | null = null;
  for (const t of inputs) {
    if (!(t instanceof Tensor)) continue;
    checkAlive(op, t);
    if (t.dtype === "complex64") throw complexNotImplemented(op);
    if (device === null) device = t.device;
    else if (t.device !== device) {
      throw new Error(
        `${op}: expected all tensors to be on the same device, but found tensors on "${device}" and ` +
          `"${t.device}" (move one with .to("${device}"))`,
      );
    }
  }
  return backendFor((device ?? "cpu") as "cpu" | "gpu");
}

/** Throws a clear error when a tensor's storage was disposed. */
export function checkAlive(op: string, t: Tensor): void {
  if (t._state === DISPOSED || t._storage.disposed) {
    throw new Error(
      `${op}: a tensor of shape ${
        fmtShape(t.shape)
      } was disposed (released by dispose(), \`using\`, or the ` +
        "torch.scope() that created it; return it from the scope or torch.keep() it to use it afterwards)",
    );
  }
}

/**
 * Storage holding exactly `t`'s elements in row-major order from offset 0: `t`'s own storage
 * when it already is, otherwise a fresh copy made by the strided-copy kernel (owned by the
 * running call, which frees it when it returns).
 */
export function contiguousStorage(t: Tensor): Storage {
  checkAlive("contiguous", t);
  if (t.dtype === "complex64") throw complexNotImplemented("contiguous");
  const n = t.numel();
  if (t._offset === 0 && t._storage.numel === n && t.isContiguous()) return t._storage;
  const backend = backendFor(t.device);
  const out = backend.full(t.dtype, n, 0);
  if (n > 0) {
    backend.copy(t._storage, t._offset, t._strides, out, 0, contiguousStrides(t.shape), t.shape);
  }
  return temp(out);
}

/**
 * Hands a storage a kernel made to the running call (a staged operand, a cast, a filled
 * scalar): freed when the call returns, like every tensor it made and did not return.
 */
export function temp(s: Storage): Storage {
  new Tensor(s, [s.numel]);
  return s;
}

/** Contiguous storage of `t` converted to `dtype` (no copy when it already is). */
export function storageAs(t: Tensor, dtype: DType): Storage {
  const s = contiguousStorage(t);
  if (t.dtype === dtype) return s;
  return temp(backendOf("cast", t).cast(s, dtype));
}

/** `s` cast to `dtype` (a kernel's own result, released once cast), or `s` when it already is. */
export function castResult(s: Storage, dtype: DType): Storage {
  if (s.dtype === dtype) return s;
  const out = backendFor(s.device).cast(s, dtype);
  s.dispose();
  return out;
}

/** A contiguous tensor over a kernel's result. */
export function wrap(storage: Storage, shape: readonly number[]): Tensor {
  if (storage.numel !== numelOf(shape)) {
    throw new Error(`internal: storage of ${storage.numel} elements for shape [${shape}]`);
  }
  return new Tensor(storage, shape);
}

/** An empty (zero-element) tensor of a shape. */
export function emptyResult(backend: Backend, shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(backend.full(dtype, 0, 0), shape);
}

/** True when recording `inputs` would make a graph node. */
export function needsGrad(...inputs: (Input | null | undefined)[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t instanceof Tensor && t.requiresGrad) return true;
  return false;
}

/**
 * Marks `out` as produced by `op` from `inputs` when any input requires grad (and grad mode is
 * on). `args` holds what the op's row in the derivative table needs.
 */
export function record(
  op: DifferentiableOp,
  inputs: Input[],
  out: Tensor,
  args: Record<string, unknown> = {},
): Tensor {
  if (needsGrad(...inputs)) {
    out.gradFn = new Node(op, derivatives[op], inputs, args, out);
    out._requiresGrad = true;
  }
  return out;
}

/**
 * A composite op recorded as one node of `op` (a row of its own in the derivative table): the
 * forward runs its pieces without recording them, so the graph keeps only what the row saves.
 */
export function recordComposite(
  op: DifferentiableOp,
  inputs: Input[],
  args: Record<string, unknown>,
  compute: () => Tensor,
): Tensor {
  if (!needsGrad(...inputs)) return compute();
  const out = noGrad(compute);
  return record(op, inputs, out, args);
}

/** A view of `t` (same storage) with its own geometry; remembers the base it views. */
export function makeView(
  t: Tensor,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): Tensor {
  const v = new Tensor(t._storage, shape, strides, offset, t.dtype);
  v._base = t._base ?? t;
  return v;
}

/**
 * Gives the node that made `out` PyTorch's name for the op the user called (a composite's final
 * node, or an overload such as `SumBackward1`), unless `out` has no node of its own (no graph, or
 * the node of one of `inputs`, as when a call returns its input).
 */
export function named<T extends Tensor>(out: T, name: string, ...inputs: unknown[]): T {
  const node = out.gradFn;
  if (node === null) return out;
  for (const x of inputs) if (x === out || (x instanceof Tensor && x.gradFn === node)) return out;
  node.rename(name);
  return out;
}

/**
 * Autograd for decompositions with several differentiable outputs (QR's Q and R, eigh's values
 * and vectors, SVD's U, S and Vh): the outputs are computed without recording, packed into one
 * flat tensor recorded as one node of the op's derivative row, and handed out as views of it, so
 * the row's formula receives all the outputs' gradients at once (zeros for unused ones).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { needsGrad, record } from "../ops/dispatch.ts";
import type { DifferentiableOp } from "../autograd/derivatives.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { cat } from "../ops/indexing.ts";
import { narrow, reshape } from "../ops/movement.ts";
import { numelOf } from "../shape.ts";

/** Splits a packed tensor (or its gradient) back into tensors of `shapes`. */
export function unpack(packed: Tensor, shapes: readonly (readonly number[])[]): Tensor[] {
  let off = 0;
  return shapes.map((s) => {
    const len = numelOf(s);
    const part = reshape(narrow(packed, 0, off, len), [...s]);
    off += len;
    return part;
  });
}

/**
 * Runs `compute` (the decomposition's outputs) and, when an input needs a gradient, records them
 * as one node of `op` whose output is their flat concatenation; the row's formula reads
 * `unpack(g, arg(n, "shapes"))` and `unpack(y(n), ...)`.
 */
export function recordPacked(
  op: DifferentiableOp,
  inputs: Tensor[],
  args: Record<string, unknown>,
  compute: () => Tensor[],
): Tensor[] {
  if (!needsGrad(...inputs)) return compute();
  const outs = noGrad(compute);
  const shapes = outs.map((o) => [...o.shape]);
  const packed = noGrad(() => cat(outs.map((o) => reshape(o, [-1])), 0));
  record(op, inputs, packed, { ...args, shapes });
  return unpack(packed, shapes);
}

/**
 * @internal The derivative row of the public `asStrided` (src/ops/as_strided.ts), spread into
 * `src/autograd/derivatives.ts`: PyTorch's as_strided_backward. The output's gradient is added
 * into a zero buffer shaped like the storage at the output's positions (overlapping windows add
 * up), then read back at the input's positions (divided by how often each storage element
 * appears in the input, when the input overlaps itself, e.g. an expanded tensor).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import type { Derivative, Node } from "../autograd/node.ts";
import { tensor } from "../creation.ts";
import { div } from "./elementwise.ts";
import { indexAddInto } from "./indexing.ts";
import { reshape } from "./movement.ts";
import { take } from "./shape_more.ts";

/** A strided layout over a flat storage. */
export interface StridedLayout {
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
}

/** The storage positions of a layout's elements, in row-major order. */
export function storagePositions(l: StridedLayout): number[] {
  let pos = [l.offset];
  l.shape.forEach((size, d) => {
    const next: number[] = [];
    for (const p of pos) for (let i = 0; i < size; i++) next.push(p + i * l.strides[d]);
    pos = next;
  });
  return pos;
}

function backward(g: Tensor, n: Node): Tensor[] {
  const out = n.args.output as StridedLayout, inp = n.args.input as StridedLayout;
  const outPos = storagePositions(out), inPos = storagePositions(inp);
  const size = Math.max(0, ...outPos, ...inPos) + 1;
  const idx = (p: number[]) => tensor(p, { dtype: "int32", device: g.device });
  let storage = indexAddInto(reshape(g, [-1]), 0, idx(outPos), [size]);
  const count = new Array<number>(size).fill(0);
  for (const p of inPos) count[p]++;
  if (count.some((c) => c > 1)) {
    storage = div(storage, tensor(count.map((c) => Math.max(c, 1)), { dtype: g.dtype, device: g.device }));
  }
  return [reshape(take(storage, idx(inPos)), [...inp.shape])];
}

/** @internal The row: nothing saved but the two layouts (numbers). */
export const asStridedDerivatives = {
  asStridedStorage: { saves: "none", name: "AsStridedBackward0", backward },
} satisfies Record<string, Derivative>;

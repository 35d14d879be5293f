/**
 * The shared body of `F.maxUnpool1d` / `2d` / `3d` (src/nn/functional_extras.ts,
 * max_unpool3d.ts): argument checks and the scatter of each value to the flat position its index
 * names in its output plane. Not part of the public API.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { fmtShape } from "../shape.ts";
import { isFloating } from "../dtype.ts";
import { zeros } from "../creation.ts";
import { scatter } from "../ops/scatter.ts";

/** `v` as `n` non-negative integers (one number repeated, or a list of `n`). */
export function unpoolTuple(op: string, name: string, v: number | readonly number[], n: number): number[] {
  const out = typeof v === "number" ? new Array(n).fill(v) : [...v];
  if (out.length !== n || out.some((x) => !Number.isInteger(x) || x < 0)) {
    throw new RangeError(
      `${op}: ${name} must be ${n === 1 ? "an integer" : `${n} integers`}, got ${JSON.stringify(v)}`,
    );
  }
  return out;
}

/** The unpooled `input`: its spatial dims the default or `outputSize`, zeros where no index points. */
export function unpool(
  op: string,
  input: Tensor,
  indices: Tensor,
  kernel: number[],
  stride: number[],
  padding: number[],
  outputSize: readonly number[] | null | undefined,
): Tensor {
  const nd = kernel.length;
  if (!(input instanceof Tensor) || !(indices instanceof Tensor)) {
    throw new TypeError(`${op}: expected input and indices tensors`);
  }
  if (input.ndim !== nd + 1 && input.ndim !== nd + 2) {
    throw new RangeError(
      `${op}: expected a ${nd + 1}-d or ${nd + 2}-d input, got input of size ${fmtShape(input.shape)}`,
    );
  }
  if (indices.ndim !== input.ndim || indices.shape.some((s, i) => s !== input.shape[i])) {
    throw new RangeError(
      `${op}: expected shape of indices to be same as that of the input tensor (${
        fmtShape(input.shape)
      }) but got ` +
        `indices tensor with shape: ${fmtShape(indices.shape)}`,
    );
  }
  if (isFloating(indices.dtype) || indices.dtype === "bool") {
    throw new TypeError(`${op}: indices must be an integer tensor, got ${indices.dtype}`);
  }
  const spatialIn = input.shape.slice(-nd);
  const defaults = spatialIn.map((s, i) => (s - 1) * stride[i] - 2 * padding[i] + kernel[i]);
  let spatial = defaults;
  if (outputSize !== null && outputSize !== undefined) {
    let given = [...outputSize];
    if (given.length === nd + 2 || (given.length === nd + 1 && input.ndim === nd + 1)) {
      given = given.slice(-nd);
    }
    if (given.length !== nd) {
      throw new RangeError(`${op}: outputSize must have ${nd} or ${nd + 2} elements (got ${given.length})`);
    }
    given.forEach((s, i) => {
      const lo = defaults[i] - stride[i], hi = defaults[i] + stride[i];
      if (!(s > lo && s < hi)) {
        throw new RangeError(
          `${op}: invalid output_size "${JSON.stringify(outputSize)}" (dim ${i} must be between ${
            lo + 1
          } and ${hi - 1})`,
        );
      }
    });
    spatial = given;
  }
  const plane = spatial.reduce((a, b) => a * b, 1);
  if (indices.device === "cpu" && indices.numel() > 0) {
    const idx = indices.dataSync();
    for (let i = 0; i < idx.length; i++) {
      if (idx[i] < 0 || idx[i] >= plane) {
        throw new RangeError(
          `${op}: found an invalid max index: ${idx[i]} (output volumes are of size ${spatial.join("x")})`,
        );
      }
    }
  }
  const lead = input.shape.slice(0, -nd);
  const rows = lead.reduce((a, b) => a * b, 1);
  const x = input.reshape([rows, -1]);
  const ix = indices.reshape([rows, -1]);
  const out = scatter(zeros([rows, plane], { dtype: input.dtype, device: input.device }), 1, ix, x);
  return out.reshape([...lead, ...spatial]);
}

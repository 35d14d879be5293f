/**
 * The internals shared by the 3-d convolutions and the transposed convolutions (`conv3d.ts`,
 * `conv_transpose3d.ts` hold the functions users call): tensor checks, the depth gather index and
 * the output padding that gives a requested output size.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { tensor } from "../creation.ts";
import { checkFloatTensor } from "./conv_core.ts";

/** @internal Checks the input/weight/bias of a convolution: floating, same dtype. */
export function checkConvTensors(op: string, input: Tensor, weight: Tensor, bias: Tensor | null): void {
  checkFloatTensor(op, "input", input);
  checkFloatTensor(op, "weight", weight);
  if (bias !== null) checkFloatTensor(op, "bias", bias);
  for (const t of [weight, bias]) {
    if (t !== null && t.dtype !== input.dtype) {
      throw new TypeError(
        `${op}: Input type (${input.dtype}) and ${t === weight ? "weight" : "bias"} type (${t.dtype}) ` +
          `should be the same`,
      );
    }
  }
}

/**
 * @internal The gather index of the depth lowering: entry `od·k + j` is the (padded) input depth
 * `od·stride + j·dilation` that output depth `od` reads with kernel tap `j`.
 */
export function depthTaps(outD: number, k: number, stride: number, dilation: number, like: Tensor): Tensor {
  const idx = new Int32Array(outD * k);
  for (let od = 0; od < outD; od++) for (let j = 0; j < k; j++) idx[od * k + j] = od * stride + j * dilation;
  return tensor(idx, { dtype: "int32", device: like.device });
}

/**
 * @internal The `outputPadding` that makes a transposed convolution of `inputSpatial` produce
 * `outputSize` (its last `inputSpatial.length` entries; PyTorch's `_output_padding`), or throws
 * PyTorch's message when that size is out of reach.
 */
export function outputPaddingFor(
  op: string,
  inputSpatial: readonly number[],
  outputSize: readonly number[],
  stride: readonly number[],
  padding: readonly number[],
  kernel: readonly number[],
  dilation: readonly number[],
): number[] {
  const k = inputSpatial.length;
  if (outputSize.length !== k && outputSize.length !== k + 2) {
    throw new RangeError(
      `${op}: outputSize must have ${k} or ${k + 2} elements (got ${outputSize.length}: [${outputSize}])`,
    );
  }
  const want = outputSize.slice(-k);
  const min = inputSpatial.map((s, i) =>
    (s - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) + 1
  );
  const max = min.map((m, i) => m + stride[i] - 1);
  if (want.some((s, i) => !Number.isInteger(s) || s < min[i] || s > max[i])) {
    throw new RangeError(
      `${op}: requested an output size of [${want.join(", ")}], but valid sizes range from [${
        min.join(", ")
      }] to ` +
        `[${max.join(", ")}] (for an input of [${inputSpatial.join(", ")}])`,
    );
  }
  return want.map((s, i) => s - min[i]);
}

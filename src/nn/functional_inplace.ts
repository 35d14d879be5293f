/**
 * `F`'s in-place activations (`F.relu_`, `F.elu_`, `F.leakyRelu_`, `F.hardtanh_`, `F.selu_`,
 * `F.celu_`, `F.threshold_`: the activation written into its input, which is returned, as PyTorch's
 * `F.relu_(x)`), and PyTorch's `*_with_indices` pools (`F.maxPool2dWithIndices`, ...), which
 * always return `[values, indices]`. Part of `F`; `torch.relu_`, `torch.selu_`, `torch.celu_` and
 * `torch.threshold_` are the same functions.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { leakyRelu, relu } from "./activations_core.ts";
import { celu, elu, hardtanh, selu, threshold } from "./activations.ts";
import { maxPool2d, type MaxPool2dOptions, type Size2 } from "../ops/conv.ts";
import { adaptiveMaxPool1d, maxPool1d, type MaxPool1dOptions, type Size1 } from "../ops/pool1d.ts";
import { adaptiveMaxPool3d, type AdaptiveSize3, maxPool3d, type MaxPool3dOptions } from "../ops/pool3d.ts";
import type { Size3 } from "../ops/conv3d.ts";
import { adaptiveMaxPool2d, type AdaptiveSize } from "../ops/adaptive_pool.ts";

/**
 * `F.relu(input)` written into `input`, which is returned (PyTorch's `F.relu_` / `torch.relu_`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([-1, 2], { dtype: "float32" });
 * assertEquals(torch.F.relu_(x) === x, true);
 * assertEquals(x.toArray(), [0, 2]);
 * ```
 */
export function relu_(input: Tensor): Tensor {
  return relu(input, true);
}

/**
 * `F.elu(input, alpha)` written into `input` (PyTorch's `F.elu_`).
 * @example
 * ```ts
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([-1, 2], { dtype: "float32" });
 * torch.F.elu_(x);
 * console.assert(Math.abs(x.dataSync()[0] - (Math.exp(-1) - 1)) < 1e-6);
 * ```
 */
export function elu_(input: Tensor, alpha = 1): Tensor {
  return elu(input, alpha, true);
}

/**
 * `F.leakyRelu(input, negativeSlope)` written into `input` (PyTorch's `F.leaky_relu_`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([-2, 2], { dtype: "float32" });
 * assertEquals(torch.F.leakyRelu_(x, 0.5).toArray(), [-1, 2]);
 * ```
 */
export function leakyRelu_(input: Tensor, negativeSlope = 0.01): Tensor {
  return leakyRelu(input, negativeSlope, true);
}

/**
 * `F.hardtanh(input, minVal, maxVal)` written into `input` (PyTorch's `F.hardtanh_`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.F.hardtanh_(torch.tensor([-3, 0.5, 3], { dtype: "float32" })).toArray(), [-1, 0.5, 1]);
 * ```
 */
export function hardtanh_(input: Tensor, minVal = -1, maxVal = 1): Tensor {
  return hardtanh(input, minVal, maxVal, true);
}

/**
 * `F.selu(input)` written into `input` (PyTorch's `F.selu_` / `torch.selu_`).
 * @example
 * ```ts
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([0, 1], { dtype: "float32" });
 * torch.F.selu_(x);
 * console.assert(x.dataSync()[0] === 0 && Math.abs(x.dataSync()[1] - 1.0507009873554805) < 1e-6);
 * ```
 */
export function selu_(input: Tensor): Tensor {
  return selu(input, true);
}

/**
 * `F.celu(input, alpha)` written into `input` (PyTorch's `F.celu_` / `torch.celu_`).
 * @example
 * ```ts
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([-1, 3], { dtype: "float32" });
 * torch.F.celu_(x, 2);
 * console.assert(Math.abs(x.dataSync()[0] - 2 * (Math.exp(-0.5) - 1)) < 1e-6);
 * ```
 */
export function celu_(input: Tensor, alpha = 1): Tensor {
  return celu(input, alpha, true);
}

/**
 * `F.threshold(input, threshold, value)` written into `input`: elements not above `threshold`
 * become `value` (PyTorch's `F.threshold_` / `torch.threshold_`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.F.threshold_(torch.tensor([0.25, 0.75, 3]), 0.5, -1).toArray(), [-1, 0.75, 3]);
 * ```
 */
export function threshold_(input: Tensor, thresholdValue: number, value: number): Tensor {
  return threshold(input, thresholdValue, value, true);
}

/** Options of {@link maxPool1dWithIndices}: those of `F.maxPool1d` (the indices always come back). */
export type MaxPool1dWithIndicesOptions = Omit<MaxPool1dOptions, "returnIndices">;
/** Options of {@link maxPool2dWithIndices}: those of `F.maxPool2d` (the indices always come back). */
export type MaxPool2dWithIndicesOptions = Omit<MaxPool2dOptions, "returnIndices">;
/** Options of {@link maxPool3dWithIndices}: those of `F.maxPool3d` (the indices always come back). */
export type MaxPool3dWithIndicesOptions = Omit<MaxPool3dOptions, "returnIndices">;

/**
 * PyTorch's `F.max_pool1d_with_indices`: `F.maxPool1d` with `returnIndices: true`, giving
 * `[values, indices]` (int32 positions along the last dim; PyTorch's are int64).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const [values, indices] = torch.F.maxPool1dWithIndices(torch.tensor([[[1, 5, 2, 4]]]).float(), 2);
 * assertEquals([values.toArray(), indices.toArray()], [[[[5, 4]]], [[[1, 3]]]]);
 * ```
 */
export function maxPool1dWithIndices(
  input: Tensor,
  kernelSize: Size1,
  opts: MaxPool1dWithIndicesOptions = {},
): [Tensor, Tensor] {
  return maxPool1d(input, kernelSize, { ...opts, returnIndices: true });
}

/**
 * PyTorch's `F.max_pool2d_with_indices`: `F.maxPool2d` with `returnIndices: true`, giving
 * `[values, indices]` (int32, flat within each `H * W` plane; PyTorch's are int64).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(16).float().reshape(1, 1, 4, 4);
 * const [values, indices] = torch.F.maxPool2dWithIndices(x, 2);
 * assertEquals([values.toArray(), indices.toArray()], [[[[[5, 7], [13, 15]]]], [[[[5, 7], [13, 15]]]]]);
 * ```
 */
export function maxPool2dWithIndices(
  input: Tensor,
  kernelSize: Size2,
  opts: MaxPool2dWithIndicesOptions = {},
): [Tensor, Tensor] {
  return maxPool2d(input, kernelSize, { ...opts, returnIndices: true });
}

/**
 * PyTorch's `F.max_pool3d_with_indices`: `F.maxPool3d` with `returnIndices: true`, giving
 * `[values, indices]` (int32, flat within each `D * H * W` volume; PyTorch's are int64).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(8).float().reshape(1, 1, 2, 2, 2);
 * const [values, indices] = torch.F.maxPool3dWithIndices(x, 2);
 * assertEquals([values.toArray(), indices.toArray()], [[[[[[7]]]]], [[[[[7]]]]]]);
 * ```
 */
export function maxPool3dWithIndices(
  input: Tensor,
  kernelSize: Size3,
  opts: MaxPool3dWithIndicesOptions = {},
): [Tensor, Tensor] {
  return maxPool3d(input, kernelSize, { ...opts, returnIndices: true });
}

/**
 * PyTorch's `F.adaptive_max_pool1d_with_indices`: `F.adaptiveMaxPool1d` giving
 * `[values, indices]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const [values, indices] = torch.F.adaptiveMaxPool1dWithIndices(torch.tensor([[[1, 5, 2, 4, 3]]]).float(), 2);
 * assertEquals([values.toArray(), indices.toArray()], [[[[5, 4]]], [[[1, 3]]]]);
 * ```
 */
export function adaptiveMaxPool1dWithIndices(input: Tensor, outputSize: Size1): [Tensor, Tensor] {
  return adaptiveMaxPool1d(input, outputSize, { returnIndices: true });
}

/**
 * PyTorch's `F.adaptive_max_pool2d_with_indices`: `F.adaptiveMaxPool2d` giving
 * `[values, indices]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const [values, indices] = torch.F.adaptiveMaxPool2dWithIndices(torch.arange(9).float().view(1, 1, 3, 3), 2);
 * assertEquals([values.toArray(), indices.toArray()], [[[[[4, 5], [7, 8]]]], [[[[4, 5], [7, 8]]]]]);
 * ```
 */
export function adaptiveMaxPool2dWithIndices(input: Tensor, outputSize: AdaptiveSize): [Tensor, Tensor] {
  return adaptiveMaxPool2d(input, outputSize, { returnIndices: true });
}

/**
 * PyTorch's `F.adaptive_max_pool3d_with_indices`: `F.adaptiveMaxPool3d` giving
 * `[values, indices]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.arange(8).float().reshape(1, 1, 2, 2, 2);
 * const [values, indices] = torch.F.adaptiveMaxPool3dWithIndices(x, 1);
 * assertEquals([values.toArray(), indices.toArray()], [[[[[[7]]]]], [[[[[7]]]]]]);
 * ```
 */
export function adaptiveMaxPool3dWithIndices(input: Tensor, outputSize: AdaptiveSize3): [Tensor, Tensor] {
  return adaptiveMaxPool3d(input, outputSize, { returnIndices: true });
}

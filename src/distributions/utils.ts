/**
 * Helpers of `torch.distributions` (PyTorch's `torch/distributions/utils.py`): broadcasting the
 * parameters, converting between probabilities and logits, summing event dims.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { tensor } from "../creation.ts";
import { broadcastShapes } from "../shape.ts";
import { type DType, isFloating } from "../dtype.ts";

/** The machine epsilon of a float dtype (`torch.finfo(dtype).eps`). */
export function finfoEps(dtype: DType): number {
  return dtype === "float64" ? 2 ** -52 : dtype === "float16" ? 2 ** -10 : 2 ** -23;
}

/** The smallest positive normal value of a float dtype (`torch.finfo(dtype).tiny`). */
export function finfoTiny(dtype: DType): number {
  return dtype === "float64"
    ? 2.2250738585072014e-308
    : dtype === "float16"
    ? 6.103515625e-5
    : 1.1754943508222875e-38;
}

/** The most negative finite value of a float dtype (`torch.finfo(dtype).min`). */
export function finfoMin(dtype: DType): number {
  return dtype === "float64" ? -Number.MAX_VALUE : dtype === "float16" ? -65504 : -3.4028234663852886e38;
}

/**
 * PyTorch's `broadcast_all`: numbers become tensors of the first tensor's dtype and device
 * (float32 on the CPU when all are numbers), integer tensors become float32, then every value is
 * expanded to the common shape.
 */
export function broadcastAll(op: string, names: readonly string[], values: readonly unknown[]): Tensor[] {
  values.forEach((v, i) => {
    if (!(v instanceof Tensor) && (typeof v !== "number")) {
      throw new TypeError(
        `${op}: ${names[i]} must be a number or a Tensor, got ${v === null ? "null" : typeof v}`,
      );
    }
  });
  const first = values.find((v): v is Tensor => v instanceof Tensor);
  // JavaScript cannot tell 1.0 from 1, so integer tensors (`torch.tensor([0, 1])`) count as float32.
  const dtype = first && isFloating(first.dtype) ? first.dtype : "float32";
  const ts = values.map((v) =>
    v instanceof Tensor
      ? (isFloating(v.dtype) ? v : v.float())
      : tensor(v as number, { dtype, device: first?.device ?? "cpu" })
  );
  const devices = new Set(ts.map((t) => t.device));
  if (devices.size > 1) {
    throw new RangeError(`${op}: expected the parameters on one device, got ${[...devices].join(" and ")}`);
  }
  let shape: number[] = [];
  ts.forEach((t, i) => {
    try {
      shape = broadcastShapes(op, shape, t.shape);
    } catch {
      throw new RangeError(
        `${op}: the shapes of ${names.slice(0, i + 1).join(", ")} (${
          ts.slice(0, i + 1).map((x) => `[${x.shape.join(", ")}]`).join(", ")
        }) do not broadcast`,
      );
    }
  });
  return ts.map((t) => t.expand(shape));
}

/** Probabilities clamped to [eps, 1 - eps] of their dtype (PyTorch's `clamp_probs`). */
export function clampProbs(probs: Tensor): Tensor {
  const eps = finfoEps(probs.dtype);
  return probs.clamp(eps, 1 - eps);
}

/** PyTorch's `probs_to_logits`: log-odds when `binary`, else log-probabilities (of clamped probabilities). */
export function probsToLogits(probs: Tensor, binary = false): Tensor {
  const ps = clampProbs(probs);
  return binary ? ps.log().sub(ps.neg().log1p()) : ps.log();
}

/** PyTorch's `logits_to_probs`: `sigmoid` when `binary`, else `softmax` over the last dim. */
export function logitsToProbs(logits: Tensor, binary = false): Tensor {
  return binary ? logits.sigmoid() : logits.softmax(-1);
}

/** Sums the `dims` rightmost dims of `value` (PyTorch's `_sum_rightmost`). */
export function sumRightmost(value: Tensor, dims: number): Tensor {
  if (dims === 0) return value;
  return value.reshape([...value.shape.slice(0, value.ndim - dims), -1]).sum(-1);
}

/** A sample shape given as PyTorch accepts it (`[]`, `[n, m]`, or a number for `[n]`), checked. */
export function sampleShapeArg(op: string, sampleShape: readonly number[] | number | undefined): number[] {
  const shape = sampleShape === undefined
    ? []
    : typeof sampleShape === "number"
    ? [sampleShape]
    : [...sampleShape];
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new TypeError(
      `${op}: sampleShape must be an array of non-negative integers, got ${JSON.stringify(sampleShape)}`,
    );
  }
  return shape;
}

/** `[2, 3]` as PyTorch prints a shape in messages: `torch.Size([2, 3])`. */
export function fmtSize(shape: readonly number[]): string {
  return `torch.Size([${shape.join(", ")}])`;
}

/** A tensor as PyTorch's messages format it: a 0-d CPU value as Python prints a float, else `tensor(...)`. */
export function fmtTensor(t: Tensor): string {
  if (t.ndim !== 0 || t.device !== "cpu") return String(t);
  const v = Number(t.item());
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

/** @internal Which of `probs` / `logits` was given (exactly one, else a RangeError naming `op`). */
export function probsOrLogits(op: string, params: { probs?: unknown; logits?: unknown }): "probs" | "logits" {
  if (params === null || typeof params !== "object") {
    throw new TypeError(
      `${op}: expected { probs } or { logits }, got ${params === null ? "null" : typeof params}`,
    );
  }
  if ((params.probs === undefined) === (params.logits === undefined)) {
    throw new RangeError(`${op}: either \`probs\` or \`logits\` must be specified, but not both`);
  }
  return params.probs !== undefined ? "probs" : "logits";
}

/** `sigmoid(x)` clamped to [tiny, 1 - eps] of its dtype (PyTorch's `_clipped_sigmoid`). */
export function clippedSigmoid(x: Tensor): Tensor {
  return x.sigmoid().clamp(finfoTiny(x.dtype), 1 - finfoEps(x.dtype));
}

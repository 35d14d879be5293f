/**
 * The dropout family of the functional API: `dropout`, `dropout1d` / `dropout2d` / `dropout3d`
 * (whole channels), `alphaDropout` and `featureAlphaDropout` (for SELU networks), with PyTorch
 * 1.13's CPU random stream.
 *
 * PyTorch's CPU dropout makes a noise tensor with `bernoulli_(1 - p)`: one 53-bit uniform double
 * per element (channel for the feature variants), kept when `u < 1 - p`. The masks here are drawn
 * the same way from the seeded generator (`Generator.bernoulliFill`), on every device (a GPU input
 * gets its noise uploaded with the step's other inputs), so after the same `manualSeed` the same
 * elements are dropped as in PyTorch, and a GPU run drops the same elements as a CPU run.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { tensor } from "../creation.ts";
import { isFloating } from "../dtype.ts";
import * as ew from "../ops/elementwise.ts";
import { defaultGenerator } from "../random.ts";
import { checkTensor, inplaceResult } from "./checks.ts";
import { inFrameOf } from "../memory.ts";

/** Options of `dropout` and its variants (PyTorch's keyword arguments). */
export interface DropoutOptions {
  /** Probability of zeroing an element (default 0.5). */
  p?: number;
  /** Dropout is applied only when true (default true for `dropout*`, false for the alpha variants; pass `module.training`). */
  training?: boolean;
  /** Write the result into the input (default false). */
  inplace?: boolean;
}

/** SELU's negative saturation value `-scale * alpha`, negated: PyTorch's alpha dropout constant. */
const ALPHA = 1.7580993408473766;

function options(
  op: string,
  x: unknown,
  p: number | DropoutOptions,
  training: boolean,
  inplace: boolean,
): { x: Tensor; p: number; training: boolean; inplace: boolean } {
  const o = typeof p === "number" || p === undefined
    ? { p: p ?? 0.5, training, inplace }
    : { p: p.p ?? 0.5, training: p.training ?? training, inplace: p.inplace ?? inplace };
  const t = checkTensor(op, "input", x);
  if (typeof o.p !== "number" || !(o.p >= 0 && o.p <= 1)) {
    throw new RangeError(`${op}: dropout probability has to be between 0 and 1, but got ${o.p}`);
  }
  if (typeof o.training !== "boolean" || typeof o.inplace !== "boolean") {
    throw new TypeError(`${op}: training and inplace must be booleans`);
  }
  if (!isFloating(t.dtype)) {
    throw new TypeError(`${op}: expected a floating point input, got ${t.dtype} (convert it with .float())`);
  }
  return { x: t, ...o };
}

/**
 * The noise shape: the input's for element-wise dropout, `[N, C, 1, ...]` for the channel-wise
 * variants (PyTorch's `make_feature_noise`).
 */
function noiseShape(op: string, x: Tensor, feature: boolean): number[] {
  if (!feature) return [...x.shape];
  if (x.ndim < 2) {
    throw new RangeError(
      `${op}: feature dropout requires at least 2 dimensions in the input, got shape [${x.shape.join(", ")}]`,
    );
  }
  return x.shape.map((s, i) => (i < 2 ? s : 1));
}

/** Shared body of the dropout variants (PyTorch's `_dropout_impl`). */
function dropoutImpl(
  op: string,
  x: Tensor,
  p: number,
  training: boolean,
  inplace: boolean,
  feature: boolean,
  alpha: boolean,
): Tensor {
  if (p === 0 || !training || x.numel() === 0) return x;
  const shape = noiseShape(op, x, feature);
  if (p === 1) return inplaceResult(op, x, inplace, (t) => ew.mul(t, 0));
  const keep = defaultGenerator.bernoulliFill(new Float32Array(shape.reduce((a, b) => a * b, 1)), 1 - p);
  const make = (values: Float32Array) => tensor(values, { dtype: x.dtype, device: x.device }).reshape(shape);
  if (!alpha) {
    // noise.div_(1 - p) in the input's precision: kept elements are scaled by 1 / (1 - p).
    const scale = Math.fround(1 / Math.fround(1 - p));
    for (let i = 0; i < keep.length; i++) keep[i] *= scale;
    return inplaceResult(op, x, inplace, (t) => ew.mul(t, make(keep)));
  }
  // Alpha dropout: x * (noise * a) + b, with b = (noise - 1) * alpha * a + alpha * a * p.
  const a = 1 / Math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p));
  const c1 = Math.fround(ALPHA * a), c2 = Math.fround(ALPHA * a * p), fa = Math.fround(a);
  const b = new Float32Array(keep.length);
  for (let i = 0; i < keep.length; i++) {
    b[i] = keep[i] ? c2 : Math.fround(c2 - c1);
    keep[i] = keep[i] ? fa : 0;
  }
  return inplaceResult(op, x, inplace, (t) => ew.add(ew.mul(t, make(keep)), make(b)));
}

/**
 * Inverted dropout: zeroes each element with probability `p` and scales the rest by `1/(1-p)`;
 * the identity when `training` is false. `dropout(x, 0.2, false)` or `dropout(x, { p, training })`;
 * `inplace` writes into `x`. The mask is PyTorch 1.13's (see the module documentation): after
 * `torch.manualSeed(s)` the same elements are dropped as by PyTorch's CPU `F.dropout`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * const y = F.dropout(torch.ones(1000), 0.5);
 * console.log(y.sum().item()); // about 1000: kept elements are 2
 * assertEquals(F.dropout(torch.ones(3), { p: 0.5, training: false }).toArray(), [1, 1, 1]);
 * ```
 */
export function dropout(
  x: Tensor,
  p: number | DropoutOptions = 0.5,
  training = true,
  inplace = false,
): Tensor {
  return inFrameOf(() => {
    const o = options("dropout", x, p, training, inplace);
    return dropoutImpl("dropout", o.x, o.p, o.training, o.inplace, false, false);
  });
}

/** Channel-wise dropout on `[N, C, ...]` with an unbatched form of `batchedDims - 1` dims. */
function featureDropout(
  op: string,
  x: unknown,
  p: number | DropoutOptions,
  training: boolean,
  inplace: boolean,
  dims: readonly number[],
  unbatchedDims: number | null,
): Tensor {
  const o = options(op, x, p, training, inplace);
  if (!dims.includes(o.x.ndim)) {
    throw new RangeError(
      `${op}: expected ${dims.join("D or ")}D input (channels, ${dims[0] - 1} spatial dimension${
        dims[0] > 2 ? "s" : ""
      } and an optional batch dimension), got a ${o.x.ndim}D input of shape [${
        o.x.shape.join(", ")
      }]; use dropout for element-wise dropout`,
    );
  }
  if (o.x.ndim !== unbatchedDims) return dropoutImpl(op, o.x, o.p, o.training, o.inplace, true, false);
  if (o.p === 0 || !o.training || o.x.numel() === 0) return o.x;
  return inplaceResult(
    op,
    o.x,
    o.inplace,
    (t) => dropoutImpl(op, t.unsqueeze(0), o.p, true, false, true, false).squeeze(0),
  );
}

/**
 * Zeroes whole channels of `[N, C, L]` (or unbatched `[C, L]`) input with probability `p`, scaling
 * the rest by `1/(1-p)`: PyTorch's `F.dropout1d`, one draw per channel.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * const y = F.dropout1d(torch.ones(2, 3, 4), 0.5);
 * assertEquals(y.shape, [2, 3, 4]); // each [n, c, :] row is all 0 or all 2
 * ```
 */
export function dropout1d(
  x: Tensor,
  p: number | DropoutOptions = 0.5,
  training = true,
  inplace = false,
): Tensor {
  return inFrameOf(() => {
    return featureDropout("dropout1d", x, p, training, inplace, [2, 3], 2);
  });
}

/**
 * Zeroes whole channels of `[N, C, H, W]` input with probability `p`, scaling the rest by
 * `1/(1-p)`: PyTorch's `F.dropout2d`, one draw per channel. As in PyTorch 1.13, a 3-D input is
 * read as `[N, C, L]` (channel-wise 1-D dropout; use `dropout1d` to say so).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * const y = F.dropout2d(torch.ones(2, 3, 4, 4), { p: 0.25 });
 * assertEquals(y.shape, [2, 3, 4, 4]);
 * ```
 */
export function dropout2d(
  x: Tensor,
  p: number | DropoutOptions = 0.5,
  training = true,
  inplace = false,
): Tensor {
  return inFrameOf(() => {
    return featureDropout("dropout2d", x, p, training, inplace, [3, 4], null);
  });
}

/**
 * Zeroes whole channels of `[N, C, D, H, W]` (or unbatched `[C, D, H, W]`) input with probability
 * `p`, scaling the rest by `1/(1-p)`: PyTorch's `F.dropout3d`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.dropout3d(torch.ones(1, 2, 2, 2, 2)).shape, [1, 2, 2, 2, 2]);
 * ```
 */
export function dropout3d(
  x: Tensor,
  p: number | DropoutOptions = 0.5,
  training = true,
  inplace = false,
): Tensor {
  return inFrameOf(() => {
    return featureDropout("dropout3d", x, p, training, inplace, [4, 5], 4);
  });
}

/**
 * Alpha dropout, for self-normalising (SELU) networks: dropped elements take SELU's negative
 * saturation value and the result is scaled and shifted so the mean and variance stay those of
 * the input (PyTorch's `F.alpha_dropout`; `training` defaults to false, as there).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * const y = F.alphaDropout(torch.zeros(4), { p: 0.5, training: true });
 * assertEquals(y.shape, [4]); // kept elements 0.7791939, dropped ones -0.7791939 (for zeros
 * ```
 */
export function alphaDropout(
  x: Tensor,
  p: number | DropoutOptions = 0.5,
  training = false,
  inplace = false,
): Tensor {
  return inFrameOf(() => {
    const o = options("alphaDropout", x, p, training, inplace);
    return dropoutImpl("alphaDropout", o.x, o.p, o.training, o.inplace, false, true);
  });
}

/**
 * Alpha dropout of whole channels of `[N, C, ...]` input (PyTorch's `F.feature_alpha_dropout`;
 * `training` defaults to false, as there).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { F } from "./mod.ts";
 * assertEquals(F.featureAlphaDropout(torch.ones(2, 3, 4), { training: true }).shape, [2, 3, 4]);
 * ```
 */
export function featureAlphaDropout(
  x: Tensor,
  p: number | DropoutOptions = 0.5,
  training = false,
  inplace = false,
): Tensor {
  return inFrameOf(() => {
    const o = options("featureAlphaDropout", x, p, training, inplace);
    return dropoutImpl("featureAlphaDropout", o.x, o.p, o.training, o.inplace, true, true);
  });
}

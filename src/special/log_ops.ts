/**
 * Elementwise functions around the logarithm: `xlogy` (`torch.xlogy`, `torch.special.xlogy`),
 * `xlog1py` (`torch.special.xlog1py`), `logit` (`torch.logit`, `torch.special.logit`), `sinc`
 * (`torch.sinc`, `torch.special.sinc`), `entr` (`torch.special.entr`). Composites of elementwise
 * ops (so they run on every device) recorded as one node each with PyTorch's derivative, which
 * stays finite where the composite's own chain rule would give 0·inf.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { promoteTypes } from "../dtype.ts";
import { inFrameOf } from "../memory.ts";
import { named, recordComposite } from "../ops/dispatch.ts";
import * as ew from "../ops/elementwise.ts";
import { isnan, logicalAnd, logicalNot } from "../ops/logical.ts";
import { full } from "../creation.ts";
import { describeValue } from "../backends/contract.ts";
import { checkTensor, floatResult } from "./kernel.ts";

/** The two operands of xlogy/xlog1py as float tensors of one dtype (numbers wrapped). */
function floatPair(op: string, x: Tensor | number, y: Tensor | number): [Tensor, Tensor] {
  for (const [v, name] of [[x, "self"], [y, "other"]] as const) {
    if (!(v instanceof Tensor) && typeof v !== "number") {
      throw new TypeError(`${op}: argument '${name}' must be a tensor or a number, got ${describeValue(v)}`);
    }
  }
  const tx = x instanceof Tensor ? x : null, ty = y instanceof Tensor ? y : null;
  const like = tx ?? ty;
  if (like === null) throw new TypeError(`${op}: expected at least one tensor, got two numbers`);
  const dtype = floatResult(tx && ty ? promoteTypes(tx.dtype, ty.dtype) : like.dtype);
  const as = (t: Tensor | null, v: Tensor | number) =>
    t === null ? full([], v as number, { dtype, device: like.device }) : t.dtype === dtype ? t : t.to(dtype);
  return [as(tx, x), as(ty, y)];
}

/** `x·f(y)` with 0 where x is 0 (unless y is NaN). */
function xTimes(x: Tensor, fy: Tensor, y: Tensor): Tensor {
  return ew.where(logicalAnd(ew.eq(x, 0), logicalNot(isnan(y))), 0, ew.mul(x, fy));
}

/**
 * `x·log(y)`, elementwise and broadcast, with `0` where `x` is 0 (unless `y` is NaN), so that
 * `0·log(0) = 0` (`torch.xlogy`, `torch.special.xlogy`); either operand may be a number.
 * Gradients: `log(y)` (0 where `y` is 0) and `x/y`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.xlogy(torch.tensor([0, 2]), torch.tensor([0, Math.E]));
 * assertEquals(y.toArray(), [0, 2]);
 * ```
 */
export function xlogy(input: Tensor | number, other: Tensor | number): Tensor {
  return inFrameOf(() => {
    const [x, y] = floatPair("xlogy", input, other);
    return recordComposite("xlogy", [x, y], {}, () => xTimes(x, ew.log(y), y));
  });
}

/**
 * `x·log1p(y)`, elementwise and broadcast, with `0` where `x` is 0 (unless `y` is NaN)
 * (`torch.special.xlog1py`); either operand may be a number. Gradients: `log1p(y)` (0 where `y` is -1)
 * and `x/(1 + y)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.xlog1py(torch.tensor([0, 3]), torch.tensor([-1, 0]));
 * assertEquals(y.toArray(), [0, 0]);
 * ```
 */
export function xlog1py(input: Tensor | number, other: Tensor | number): Tensor {
  return inFrameOf(() => {
    const [x, y] = floatPair("special.xlog1py", input, other);
    return recordComposite("xlog1py", [x, y], {}, () => xTimes(x, ew.log1p(y), y));
  });
}

/**
 * The log-odds `log(p/(1-p))`, elementwise (`torch.logit`, `torch.special.logit`). With `eps`,
 * `p` is first clamped to `[eps, 1 - eps]` (and the gradient is 0 outside); without it, values
 * outside [0, 1] give NaN.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.logit(torch.tensor([0.5, 0, 1])).toArray(), [0, -Infinity, Infinity]);
 * const y = torch.logit(torch.tensor([0]), 1e-6).item() as number;
 * assertEquals(Math.abs(y + 13.8155) < 1e-3, true);
 * ```
 */
export function logit(input: Tensor, eps?: number | null): Tensor {
  return inFrameOf(() => {
    checkTensor("logit", input);
    if (eps !== undefined && eps !== null && typeof eps !== "number") {
      throw new TypeError(`logit: eps must be a number or null, got ${describeValue(eps)}`);
    }
    const dtype = floatResult(input.dtype);
    let p = input.dtype === dtype ? input : input.to(dtype);
    if (typeof eps === "number") p = ew.clamp(p, eps, 1 - eps);
    return named(ew.sub(ew.log(p), ew.log1p(ew.neg(p))), "LogitBackward0", input);
  });
}

/**
 * The normalized sinc function `sin(πx)/(πx)`, elementwise, 1 at 0 (`torch.sinc`,
 * `torch.special.sinc`). Gradient: `(πx·cos(πx) - sin(πx))/(πx²)`, 0 at 0.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.sinc(torch.tensor([0, 0.5]));
 * assertEquals(torch.allclose(y, torch.tensor([1, 2 / Math.PI])), true);
 * ```
 */
export function sinc(input: Tensor): Tensor {
  return inFrameOf(() => {
    checkTensor("sinc", input);
    const dtype = floatResult(input.dtype);
    const x = input.dtype === dtype ? input : input.to(dtype);
    return recordComposite("sinc", [x], {}, () => {
      const px = ew.mul(x, Math.PI);
      return ew.where(ew.eq(x, 0), 1, ew.div(ew.sin(px), px));
    });
  });
}

/**
 * The elementwise entropy term `-x·log(x)` (`torch.special.entr`): 0 at 0, `-inf` for negative
 * x. Gradient: `-(1 + log(x))`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.entr(torch.tensor([0, 1, -1]));
 * assertEquals(y.toArray(), [0, -0, -Infinity]);
 * ```
 */
export function entr(input: Tensor): Tensor {
  return inFrameOf(() => {
    checkTensor("special.entr", input);
    const dtype = floatResult(input.dtype);
    const x = input.dtype === dtype ? input : input.to(dtype);
    return recordComposite("entr", [x], {}, () => {
      const v = ew.where(ew.eq(x, 0), 0, ew.neg(ew.mul(x, ew.log(x))));
      return ew.where(ew.lt(x, 0), -Infinity, v);
    });
  });
}

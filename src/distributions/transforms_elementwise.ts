/**
 * The elementwise transforms of `torch.distributions.transforms` (PyTorch 1.13): `ExpTransform`,
 * `PowerTransform`, `SigmoidTransform`, `SoftplusTransform`, `TanhTransform`, `AbsTransform`,
 * `AffineTransform`. Re-exported by `transforms.ts`.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { fullLike } from "../creation.ts";
import { inFrameOf } from "../memory.ts";
import { softplus } from "../nn/activations.ts";
import { broadcastShapes } from "../shape.ts";
import { type Constraint, independent, interval, positive, real, unitInterval } from "./constraints.ts";
import { Transform, type TransformOptions, type TransformSign } from "./transforms_base.ts";
import { broadcastAll, clippedSigmoid, finfoEps, finfoTiny } from "./utils.ts";

/**
 * `y = exp(x)`, from the reals to the positive reals.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(new torch.distributions.transforms.ExpTransform().call(torch.tensor([0])).toArray(), [1]);
 * ```
 */
export class ExpTransform extends Transform {
  /** The reals. */
  get domain(): Constraint {
    return real;
  }
  /** The positive reals. */
  get codomain(): Constraint {
    return positive;
  }
  /** True. */
  override get bijective(): boolean {
    return true;
  }
  /** +1. */
  override get sign(): TransformSign {
    return 1;
  }
  /** @internal */
  _call(x: Tensor): Tensor {
    return x.exp();
  }
  /** @internal */
  override _inverse(y: Tensor): Tensor {
    return y.log();
  }
  /** @internal `x`. */
  override _logAbsDetJacobian(x: Tensor, _y: Tensor): Tensor {
    return x;
  }
  /** Every ExpTransform is equal. */
  override equals(other: Transform): boolean {
    return other instanceof ExpTransform;
  }
}

/**
 * `y = x^exponent` on the positive reals.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const t = new torch.distributions.transforms.PowerTransform(2);
 * assertEquals(t.call(torch.tensor([3])).toArray(), [9]);
 * assertEquals(t.inv.call(torch.tensor([16])).toArray(), [4]);
 * ```
 */
export class PowerTransform extends Transform {
  /** The exponent (a tensor; numbers become 0-d float32 tensors). */
  readonly exponent: Tensor;
  /** `y = x^exponent`. */
  constructor(exponent: number | Tensor, opts: TransformOptions = {}) {
    super(opts);
    [this.exponent] = broadcastAll("PowerTransform", ["exponent"], [exponent]);
  }
  /** The positive reals. */
  get domain(): Constraint {
    return positive;
  }
  /** The positive reals. */
  get codomain(): Constraint {
    return positive;
  }
  /** True. */
  override get bijective(): boolean {
    return true;
  }
  /** +1. */
  override get sign(): TransformSign {
    return 1;
  }
  /** @internal */
  _call(x: Tensor): Tensor {
    return x.pow(this.exponent);
  }
  /** @internal */
  override _inverse(y: Tensor): Tensor {
    return y.pow(this.exponent.reciprocal());
  }
  /** @internal `log |exponent·y/x|`. */
  override _logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    return this.exponent.mul(y).div(x).abs().log();
  }
  /** `shape` broadcast with the exponent's. */
  override forwardShape(shape: readonly number[]): number[] {
    return broadcastShapes("PowerTransform.forwardShape", shape, this.exponent.shape);
  }
  /** `shape` broadcast with the exponent's. */
  override inverseShape(shape: readonly number[]): number[] {
    return broadcastShapes("PowerTransform.inverseShape", shape, this.exponent.shape);
  }
  /** Equal exponents. */
  override equals(other: Transform): boolean {
    return other instanceof PowerTransform && sameValue(this.exponent, other.exponent);
  }
}

/** Whether two parameters (numbers or tensors) are equal everywhere (read on the CPU; GPU tensors compare by identity). */
function sameValue(a: number | Tensor, b: number | Tensor): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return a === b;
  return inFrameOf(() => {
    const ta = a instanceof Tensor ? a : null, tb = b instanceof Tensor ? b : null;
    const dev = (ta ?? tb)!.device;
    if (dev !== "cpu" || (ta && tb && ta.device !== tb.device)) return false;
    try {
      return (ta ? ta.eq(b) : tb!.eq(a)).all().item() as boolean;
    } catch {
      return false;
    }
  });
}

/**
 * `y = sigmoid(x)` (clamped to [tiny, 1 - eps] of the dtype), from the reals to [0, 1].
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const t = new torch.distributions.transforms.SigmoidTransform();
 * assertEquals(t.call(torch.tensor([0])).toArray(), [0.5]);
 * assertEquals(t.inv.call(torch.tensor([0.5])).toArray(), [0]);
 * ```
 */
export class SigmoidTransform extends Transform {
  /** The reals. */
  get domain(): Constraint {
    return real;
  }
  /** [0, 1]. */
  get codomain(): Constraint {
    return unitInterval;
  }
  /** True. */
  override get bijective(): boolean {
    return true;
  }
  /** +1. */
  override get sign(): TransformSign {
    return 1;
  }
  /** @internal */
  _call(x: Tensor): Tensor {
    return clippedSigmoid(x);
  }
  /** @internal `logit(y)` of `y` clamped to [tiny, 1 - eps]. */
  override _inverse(y: Tensor): Tensor {
    const c = y.clamp(finfoTiny(y.dtype), 1 - finfoEps(y.dtype));
    return c.log().sub(c.neg().log1p());
  }
  /** @internal `-softplus(-x) - softplus(x)`. */
  override _logAbsDetJacobian(x: Tensor, _y: Tensor): Tensor {
    return softplus(x.neg()).neg().sub(softplus(x));
  }
  /** Every SigmoidTransform is equal. */
  override equals(other: Transform): boolean {
    return other instanceof SigmoidTransform;
  }
}

/**
 * `y = softplus(x) = log(1 + exp(x))`, from the reals to the positive reals.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const t = new torch.distributions.transforms.SoftplusTransform();
 * assertEquals(torch.allclose(t.inv.call(t.call(torch.tensor([-1, 2]))), torch.tensor([-1, 2])), true);
 * ```
 */
export class SoftplusTransform extends Transform {
  /** The reals. */
  get domain(): Constraint {
    return real;
  }
  /** The positive reals. */
  get codomain(): Constraint {
    return positive;
  }
  /** True. */
  override get bijective(): boolean {
    return true;
  }
  /** +1. */
  override get sign(): TransformSign {
    return 1;
  }
  /** @internal */
  _call(x: Tensor): Tensor {
    return softplus(x);
  }
  /** @internal `log(-expm1(-y)) + y`. */
  override _inverse(y: Tensor): Tensor {
    return y.neg().expm1().neg().log().add(y);
  }
  /** @internal `-softplus(-x)`. */
  override _logAbsDetJacobian(x: Tensor, _y: Tensor): Tensor {
    return softplus(x.neg()).neg();
  }
  /** Every SoftplusTransform is equal. */
  override equals(other: Transform): boolean {
    return other instanceof SoftplusTransform;
  }
}

/**
 * `y = tanh(x)`, from the reals to [-1, 1].
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const t = new torch.distributions.transforms.TanhTransform();
 * assertEquals(torch.allclose(t.inv.call(t.call(torch.tensor([0.3]))), torch.tensor([0.3])), true);
 * ```
 */
export class TanhTransform extends Transform {
  /** The reals. */
  get domain(): Constraint {
    return real;
  }
  /** [-1, 1]. */
  get codomain(): Constraint {
    return interval(-1, 1);
  }
  /** True. */
  override get bijective(): boolean {
    return true;
  }
  /** +1. */
  override get sign(): TransformSign {
    return 1;
  }
  /** @internal */
  _call(x: Tensor): Tensor {
    return x.tanh();
  }
  /** @internal `atanh(y) = (log1p(y) - log1p(-y))/2`. */
  override _inverse(y: Tensor): Tensor {
    return y.log1p().sub(y.neg().log1p()).mul(0.5);
  }
  /** @internal `2·(log 2 - x - softplus(-2x))`. */
  override _logAbsDetJacobian(x: Tensor, _y: Tensor): Tensor {
    return x.neg().add(Math.log(2)).sub(softplus(x.mul(-2))).mul(2);
  }
  /** Every TanhTransform is equal. */
  override equals(other: Transform): boolean {
    return other instanceof TanhTransform;
  }
}

/**
 * `y = |x|` (not bijective: its `inv` returns `y`, and it has no log-Jacobian), what folds `Normal`
 * into `HalfNormal`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const t = new torch.distributions.transforms.AbsTransform();
 * assertEquals(t.call(torch.tensor([-2, 3])).toArray(), [2, 3]);
 * assertEquals(t.bijective, false);
 * ```
 */
export class AbsTransform extends Transform {
  /** The reals. */
  get domain(): Constraint {
    return real;
  }
  /** The positive reals (as PyTorch). */
  get codomain(): Constraint {
    return positive;
  }
  /** @internal */
  _call(x: Tensor): Tensor {
    return x.abs();
  }
  /** @internal `y` itself (one of the preimages). */
  override _inverse(y: Tensor): Tensor {
    return y;
  }
  /** Every AbsTransform is equal. */
  override equals(other: Transform): boolean {
    return other instanceof AbsTransform;
  }
}

/** Options of `AffineTransform`. */
export interface AffineTransformOptions extends TransformOptions {
  /** How many rightmost dims make one event (default 0): the log-Jacobian sums over them. */
  eventDim?: number;
}

/**
 * `y = loc + scale·x` (numbers or tensors).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const t = new torch.distributions.transforms.AffineTransform(1, -2);
 * const x = torch.tensor([3], { dtype: "float32" });
 * assertEquals(t.call(x).toArray(), [-5]);
 * assertEquals([t.sign, t.logAbsDetJacobian(x, t.call(x)).toArray()], [-1, [Math.fround(Math.log(2))]]);
 * ```
 */
export class AffineTransform extends Transform {
  /** The shift. */
  readonly loc: number | Tensor;
  /** The scale. */
  readonly scale: number | Tensor;
  /** @internal The event dims. */
  readonly _eventDim: number;
  /** `y = loc + scale·x`. */
  constructor(loc: number | Tensor, scale: number | Tensor, opts: AffineTransformOptions = {}) {
    super(opts);
    for (const [name, v] of [["loc", loc], ["scale", scale]] as const) {
      if (typeof v !== "number" && !(v instanceof Tensor)) {
        throw new TypeError(
          `AffineTransform: ${name} must be a number or a Tensor, got ${v === null ? "null" : typeof v}`,
        );
      }
    }
    const eventDim = opts.eventDim ?? 0;
    if (!Number.isInteger(eventDim) || eventDim < 0) {
      throw new RangeError(`AffineTransform: eventDim must be a non-negative integer, got ${eventDim}`);
    }
    this.loc = loc;
    this.scale = scale;
    this._eventDim = eventDim;
  }
  /** The event dims (the option). */
  override get eventDim(): number {
    return this._eventDim;
  }
  /** The reals (over `eventDim` dims). */
  get domain(): Constraint {
    return this._eventDim === 0 ? real : independent(real, this._eventDim);
  }
  /** The reals (over `eventDim` dims). */
  get codomain(): Constraint {
    return this.domain;
  }
  /** True. */
  override get bijective(): boolean {
    return true;
  }
  /** The sign of `scale` (a number, or a tensor for a tensor scale). */
  override get sign(): TransformSign {
    const s = this.scale;
    return typeof s === "number" ? Math.sign(s) : s.sign();
  }
  /** @internal */
  _call(x: Tensor): Tensor {
    const scaled = x.mul(this.scale);
    return this.loc instanceof Tensor ? this.loc.add(scaled) : scaled.add(this.loc);
  }
  /** @internal */
  override _inverse(y: Tensor): Tensor {
    return y.sub(this.loc).div(this.scale);
  }
  /** @internal `log |scale|`, summed over the event dims, expanded to `x`'s batch shape. */
  override _logAbsDetJacobian(x: Tensor, _y: Tensor): Tensor {
    let shape = [...x.shape];
    let result = typeof this.scale === "number"
      ? fullLike(x, Math.log(Math.abs(this.scale)))
      : this.scale.abs().log();
    if (this._eventDim) {
      result = result.reshape([...result.shape.slice(0, result.ndim - this._eventDim), -1]).sum(-1);
      shape = shape.slice(0, shape.length - this._eventDim);
    }
    return result.expand(shape);
  }
  /** `shape` broadcast with `loc`'s and `scale`'s. */
  override forwardShape(shape: readonly number[]): number[] {
    let s = [...shape];
    for (const p of [this.loc, this.scale]) {
      if (p instanceof Tensor) s = broadcastShapes("AffineTransform", s, p.shape);
    }
    return s;
  }
  /** `shape` broadcast with `loc`'s and `scale`'s. */
  override inverseShape(shape: readonly number[]): number[] {
    return this.forwardShape(shape);
  }
  /** Equal `loc` and `scale`. */
  override equals(other: Transform): boolean {
    return other instanceof AffineTransform && sameValue(this.loc, other.loc) &&
      sameValue(this.scale, other.scale);
  }
}

/**
 * `torch.distributions.transforms` (PyTorch 1.13): invertible maps between constrained and
 * unconstrained spaces with their log-Jacobians, the building blocks of
 * `TransformedDistribution` (LogNormal is `Normal` through `ExpTransform`) and of
 * `bijectTo`/`transformTo`. PyTorch calls a transform (`t(x)`); here it is `t.call(x)`, and the
 * inverse `t.inv.call(y)`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { ExpTransform, AffineTransform, ComposeTransform } = torch.distributions.transforms;
 * const t = new ComposeTransform([new ExpTransform(), new AffineTransform(1, 2)]); // y = 1 + 2·exp(x)
 * const y = t.call(torch.tensor([0]));
 * assertEquals(y.toArray(), [3]);
 * assertEquals(t.inv.call(y).toArray(), [0]);
 * ```
 * @module
 */
import { Tensor } from "../tensor.ts";
import { fullLike } from "../creation.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "../ops/naming.ts";
import { pad } from "../ops/pad.ts";
import { logsigmoid, softplus } from "../nn/activations.ts";
import { broadcastShapes } from "../shape.ts";
import {
  type Constraint,
  independent,
  interval,
  positive,
  real,
  realVector,
  simplex,
  unitInterval,
} from "./constraints.ts";
import { broadcastAll, finfoEps, finfoTiny, sumRightmost } from "./utils.ts";

/** The sign of a transform: +1, -1 (numbers) or a tensor of signs (an `AffineTransform` with a tensor scale). */
export type TransformSign = number | Tensor;

/**
 * The base class of the transforms: `call(x)` (PyTorch's `t(x)`), `inv` (the inverse transform),
 * `logAbsDetJacobian(x, y)`, `domain`/`codomain` constraints, `bijective`, `sign`, and how it
 * changes shapes (`forwardShape`/`inverseShape`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const t: torch.distributions.transforms.Transform = new torch.distributions.transforms.ExpTransform();
 * assertEquals([t.bijective, t.sign, t.eventDim], [true, 1, 0]);
 * assertEquals(t.logAbsDetJacobian(torch.tensor([2]), t.call(torch.tensor([2]))).toArray(), [2]);
 * ```
 */
export abstract class Transform {
  #inv: Transform | null = null;

  /** The constraint of the inputs. */
  abstract get domain(): Constraint;
  /** The constraint of the outputs. */
  abstract get codomain(): Constraint;
  /** Whether the transform is invertible. */
  get bijective(): boolean {
    return false;
  }
  /** +1 where the transform increases, -1 where it decreases (bijective univariate transforms). */
  get sign(): TransformSign {
    throw new TypeError(
      `${this.constructor.name}.sign: ${this.constructor.name} has no sign (as in PyTorch)`,
    );
  }
  /** The event dims of the domain and codomain, when they agree (else a RangeError, as PyTorch). */
  get eventDim(): number {
    if (this.domain.eventDim === this.codomain.eventDim) return this.domain.eventDim;
    throw new RangeError(
      `${this.constructor.name}.eventDim: the domain and codomain differ; use domain.eventDim or codomain.eventDim`,
    );
  }
  /** The inverse transform (`inv.call(y)` is `x`), the same object on every read. */
  get inv(): Transform {
    this.#inv ??= this._makeInverse();
    return this.#inv;
  }
  /** @internal The inverse's object (an `InverseTransform` unless a subclass knows better). */
  _makeInverse(): Transform {
    return new InverseTransform(this);
  }
  /** `y = t(x)`. */
  call(x: Tensor): Tensor {
    return this._run("call", () => {
      if (!(x instanceof Tensor)) {
        throw new TypeError(
          `${this.constructor.name}: expected a Tensor, got ${x === null ? "null" : typeof x}`,
        );
      }
      return this._call(x);
    });
  }
  /** @internal The forward map. */
  abstract _call(x: Tensor): Tensor;
  /** @internal The inverse map (bijective transforms; `AbsTransform` returns `y`). */
  _inverse(_y: Tensor): Tensor {
    throw new TypeError(`${this.constructor.name}.inv: ${this.constructor.name} has no inverse`);
  }
  /** `log |dy/dx|` at `x` (`y = call(x)`), summed over the transform's event dims. */
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    return this._run("logAbsDetJacobian", () => this._logAbsDetJacobian(x, y));
  }
  /** @internal The log-Jacobian. */
  _logAbsDetJacobian(_x: Tensor, _y: Tensor): Tensor {
    throw new TypeError(
      `${this.constructor.name}.logAbsDetJacobian: ${this.constructor.name} has no log-Jacobian (it is not bijective)`,
    );
  }
  /** The output shape for an input of `shape`. */
  forwardShape(shape: readonly number[]): number[] {
    return [...shape];
  }
  /** The input shape for an output of `shape`. */
  inverseShape(shape: readonly number[]): number[] {
    return [...shape];
  }
  /** Whether `other` is the same transform (PyTorch's `==`: same class and parameters). */
  equals(other: Transform): boolean {
    return other === this;
  }
  /** PyTorch's repr, `ExpTransform()`. */
  toString(): string {
    return `${this.constructor.name}()`;
  }
  /** @internal Runs `fn` as the library call `Class.method`. */
  _run<T>(method: string, fn: () => T): T {
    return inFrameOf(() => asOp(`${this.constructor.name}.${method}`, fn));
  }
}

/**
 * The inverse of a transform (PyTorch's `_InverseTransform`, what `t.inv` is): `call` is the
 * transform's inverse map, and the domain and codomain swap.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const log = new torch.distributions.transforms.ExpTransform().inv;
 * assertEquals(log.call(torch.tensor([1])).toArray(), [0]);
 * assertEquals(String(log), "_InverseTransform(ExpTransform())");
 * ```
 */
export class InverseTransform extends Transform {
  /** The transform this inverts. */
  readonly base: Transform;
  /** The inverse of `base`. */
  constructor(base: Transform) {
    super();
    this.base = base;
  }
  /** The base's codomain. */
  get domain(): Constraint {
    return this.base.codomain;
  }
  /** The base's domain. */
  get codomain(): Constraint {
    return this.base.domain;
  }
  /** The base's. */
  override get bijective(): boolean {
    return this.base.bijective;
  }
  /** The base's. */
  override get sign(): TransformSign {
    return this.base.sign;
  }
  /** @internal The base itself. */
  override _makeInverse(): Transform {
    return this.base;
  }
  /** @internal */
  _call(x: Tensor): Tensor {
    return this.base._inverse(x);
  }
  /** @internal */
  override _inverse(y: Tensor): Tensor {
    return this.base._call(y);
  }
  /** @internal `-base.logAbsDetJacobian(y, x)`. */
  override _logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    return this.base._logAbsDetJacobian(y, x).neg();
  }
  /** The base's inverse shape. */
  override forwardShape(shape: readonly number[]): number[] {
    return this.base.inverseShape(shape);
  }
  /** The base's forward shape. */
  override inverseShape(shape: readonly number[]): number[] {
    return this.base.forwardShape(shape);
  }
  /** An inverse of an equal transform. */
  override equals(other: Transform): boolean {
    return other instanceof InverseTransform && this.base.equals(other.base);
  }
  /** `_InverseTransform(base)`, as PyTorch. */
  override toString(): string {
    return `_InverseTransform(${this.base})`;
  }
}

/**
 * Transforms applied in order (`parts[0]` first); `new ComposeTransform([])` is the identity
 * (`identityTransform`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { ComposeTransform, AffineTransform, ExpTransform } = torch.distributions.transforms;
 * const t = new ComposeTransform([new AffineTransform(0, 2), new ExpTransform()]); // exp(2x)
 * const x = torch.tensor([0.5]);
 * assertEquals(torch.allclose(t.logAbsDetJacobian(x, t.call(x)), torch.tensor([Math.log(2) + 1])), true);
 * ```
 */
export class ComposeTransform extends Transform {
  /** The transforms, applied first to last. */
  readonly parts: readonly Transform[];
  /** The composition of `parts`. */
  constructor(parts: readonly Transform[]) {
    super();
    if (!Array.isArray(parts) || !parts.every((p) => p instanceof Transform)) {
      throw new TypeError("ComposeTransform: expected an array of Transforms");
    }
    this.parts = [...parts];
  }
  /** The first part's domain, over as many event dims as the composition needs. */
  get domain(): Constraint {
    if (this.parts.length === 0) return real;
    const domain = this.parts[0].domain;
    let eventDim = this.parts[this.parts.length - 1].codomain.eventDim;
    for (const part of [...this.parts].reverse()) {
      eventDim += part.domain.eventDim - part.codomain.eventDim;
      eventDim = Math.max(eventDim, part.domain.eventDim);
    }
    return eventDim > domain.eventDim ? independent(domain, eventDim - domain.eventDim) : domain;
  }
  /** The last part's codomain, over as many event dims as the composition makes. */
  get codomain(): Constraint {
    if (this.parts.length === 0) return real;
    const codomain = this.parts[this.parts.length - 1].codomain;
    let eventDim = this.parts[0].domain.eventDim;
    for (const part of this.parts) {
      eventDim += part.codomain.eventDim - part.domain.eventDim;
      eventDim = Math.max(eventDim, part.codomain.eventDim);
    }
    return eventDim > codomain.eventDim ? independent(codomain, eventDim - codomain.eventDim) : codomain;
  }
  /** Whether every part is. */
  override get bijective(): boolean {
    return this.parts.every((p) => p.bijective);
  }
  /** The product of the parts' signs. */
  override get sign(): TransformSign {
    let sign: TransformSign = 1;
    for (const p of this.parts) {
      const s = p.sign;
      sign = typeof sign === "number" && typeof s === "number" ? sign * s : mulSign(sign, s);
    }
    return sign;
  }
  /** @internal The inverses of the parts in reverse order. */
  override _makeInverse(): Transform {
    const inv = new ComposeTransform([...this.parts].reverse().map((p) => p.inv));
    Object.defineProperty(inv, "inv", { value: this });
    return inv;
  }
  /** @internal */
  _call(x: Tensor): Tensor {
    return this.parts.reduce((v, p) => p._call(v), x);
  }
  /** @internal */
  override _inverse(y: Tensor): Tensor {
    return [...this.parts].reverse().reduce((v, p) => p._inverse(v), y);
  }
  /** @internal The parts' log-Jacobians at their inputs, summed to the composition's event dims. */
  override _logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    if (this.parts.length === 0) return x.mul(0);
    const xs = [x];
    for (const part of this.parts.slice(0, -1)) xs.push(part._call(xs[xs.length - 1]));
    xs.push(y);
    let eventDim = this.domain.eventDim;
    let total: Tensor | null = null;
    this.parts.forEach((part, i) => {
      const term = sumRightmost(part._logAbsDetJacobian(xs[i], xs[i + 1]), eventDim - part.domain.eventDim);
      total = total === null ? term : total.add(term);
      eventDim += part.codomain.eventDim - part.domain.eventDim;
    });
    return total!;
  }
  /** Each part's forward shape in turn. */
  override forwardShape(shape: readonly number[]): number[] {
    return this.parts.reduce((s, p) => p.forwardShape(s), [...shape]);
  }
  /** Each part's inverse shape, last part first. */
  override inverseShape(shape: readonly number[]): number[] {
    return [...this.parts].reverse().reduce((s, p) => p.inverseShape(s), [...shape]);
  }
  /** Equal parts. */
  override equals(other: Transform): boolean {
    return other instanceof ComposeTransform && other.parts.length === this.parts.length &&
      this.parts.every((p, i) => p.equals(other.parts[i]));
  }
  /** PyTorch's multi-line repr. */
  override toString(): string {
    return `ComposeTransform(\n    ${this.parts.map(String).join(",\n    ")}\n)`;
  }
}

function mulSign(a: TransformSign, b: TransformSign): Tensor {
  return a instanceof Tensor ? a.mul(b) : (b as Tensor).mul(a);
}

/**
 * A transform applied elementwise but treating `reinterpretedBatchNdims` more dims as one event:
 * its log-Jacobian is summed over them (what `bijectTo(independent(c, n))` gives).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { IndependentTransform, ExpTransform } = torch.distributions.transforms;
 * const t = new IndependentTransform(new ExpTransform(), 1);
 * const x = torch.tensor([[1, 2], [3, 4]]);
 * assertEquals(t.logAbsDetJacobian(x, t.call(x)).toArray(), [3, 7]);
 * ```
 */
export class IndependentTransform extends Transform {
  /** The elementwise transform. */
  readonly baseTransform: Transform;
  /** How many more dims make one event. */
  readonly reinterpretedBatchNdims: number;
  /** `baseTransform` over `reinterpretedBatchNdims` more event dims. */
  constructor(baseTransform: Transform, reinterpretedBatchNdims: number) {
    super();
    if (!(baseTransform instanceof Transform)) {
      throw new TypeError("IndependentTransform: expected a Transform as the base transform");
    }
    if (!Number.isInteger(reinterpretedBatchNdims) || reinterpretedBatchNdims < 0) {
      throw new RangeError(
        `IndependentTransform: reinterpretedBatchNdims must be a non-negative integer, got ${reinterpretedBatchNdims}`,
      );
    }
    this.baseTransform = baseTransform;
    this.reinterpretedBatchNdims = reinterpretedBatchNdims;
  }
  /** `independent(base.domain, n)`. */
  get domain(): Constraint {
    return independent(this.baseTransform.domain, this.reinterpretedBatchNdims);
  }
  /** `independent(base.codomain, n)`. */
  get codomain(): Constraint {
    return independent(this.baseTransform.codomain, this.reinterpretedBatchNdims);
  }
  /** The base's. */
  override get bijective(): boolean {
    return this.baseTransform.bijective;
  }
  /** The base's. */
  override get sign(): TransformSign {
    return this.baseTransform.sign;
  }
  /** @internal */
  _call(x: Tensor): Tensor {
    if (x.ndim < this.domain.eventDim) {
      throw new RangeError("IndependentTransform: too few dimensions on input");
    }
    return this.baseTransform._call(x);
  }
  /** @internal */
  override _inverse(y: Tensor): Tensor {
    if (y.ndim < this.codomain.eventDim) {
      throw new RangeError("IndependentTransform: too few dimensions on input");
    }
    return this.baseTransform._inverse(y);
  }
  /** @internal */
  override _logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    return sumRightmost(this.baseTransform._logAbsDetJacobian(x, y), this.reinterpretedBatchNdims);
  }
  /** The base's. */
  override forwardShape(shape: readonly number[]): number[] {
    return this.baseTransform.forwardShape(shape);
  }
  /** The base's. */
  override inverseShape(shape: readonly number[]): number[] {
    return this.baseTransform.inverseShape(shape);
  }
  /** Same base and dims. */
  override equals(other: Transform): boolean {
    return other instanceof IndependentTransform && this.baseTransform.equals(other.baseTransform) &&
      other.reinterpretedBatchNdims === this.reinterpretedBatchNdims;
  }
  /** `IndependentTransform(base, n)`. */
  override toString(): string {
    return `IndependentTransform(${this.baseTransform}, ${this.reinterpretedBatchNdims})`;
  }
}

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
  constructor(exponent: number | Tensor) {
    super();
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

/** `sigmoid(x)` clamped to [tiny, 1 - eps] of its dtype (PyTorch's `_clipped_sigmoid`). */
function clippedSigmoid(x: Tensor): Tensor {
  return x.sigmoid().clamp(finfoTiny(x.dtype), 1 - finfoEps(x.dtype));
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
export interface AffineTransformOptions {
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
  readonly #eventDim: number;
  /** `y = loc + scale·x`. */
  constructor(loc: number | Tensor, scale: number | Tensor, opts: AffineTransformOptions = {}) {
    super();
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
    this.#eventDim = eventDim;
  }
  /** The event dims (the option). */
  override get eventDim(): number {
    return this.#eventDim;
  }
  /** The reals (over `eventDim` dims). */
  get domain(): Constraint {
    return this.#eventDim === 0 ? real : independent(real, this.#eventDim);
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
    if (this.#eventDim) {
      result = result.reshape([...result.shape.slice(0, result.ndim - this.#eventDim), -1]).sum(-1);
      shape = shape.slice(0, shape.length - this.#eventDim);
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

function lastDimShape(op: string, shape: readonly number[]): void {
  if (shape.length < 1) throw new RangeError(`${op}: too few dimensions on input`);
}

/**
 * From the reals to the simplex: `exp(x)` normalised over the last dim (not bijective: `inv` is
 * `log(y)`, one of the preimages).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const t = new torch.distributions.transforms.SoftmaxTransform();
 * assertEquals(t.call(torch.tensor([0, 0])).toArray(), [0.5, 0.5]);
 * ```
 */
export class SoftmaxTransform extends Transform {
  /** Real vectors. */
  get domain(): Constraint {
    return realVector;
  }
  /** The simplex. */
  get codomain(): Constraint {
    return simplex;
  }
  /** @internal `exp(x - max)` normalised. */
  _call(x: Tensor): Tensor {
    const probs = x.sub(x.amax(-1, { keepdim: true })).exp();
    return probs.div(probs.sum(-1, { keepdim: true }));
  }
  /** @internal `log(y)`. */
  override _inverse(y: Tensor): Tensor {
    return y.log();
  }
  /** `shape` (at least one dim). */
  override forwardShape(shape: readonly number[]): number[] {
    lastDimShape("SoftmaxTransform.forwardShape", shape);
    return [...shape];
  }
  /** `shape` (at least one dim). */
  override inverseShape(shape: readonly number[]): number[] {
    lastDimShape("SoftmaxTransform.inverseShape", shape);
    return [...shape];
  }
  /** Every SoftmaxTransform is equal. */
  override equals(other: Transform): boolean {
    return other instanceof SoftmaxTransform;
  }
}

/** `[K, K-1, ..., 1]` as a tensor like `like` (the stick-breaking offsets). */
function offsets(k: number, like: Tensor): Tensor {
  return fullLike(like.narrow(-1, 0, k), 1).cumsum(-1).neg().add(k + 1);
}

/**
 * From real vectors of length K to the simplex of K + 1 dims by stick breaking (bijective):
 * each coordinate takes a sigmoid share of what is left.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const t = new torch.distributions.transforms.StickBreakingTransform();
 * const y = t.call(torch.tensor([0.5, -1]));
 * assertEquals(y.shape, [3]);
 * assertEquals(torch.allclose(t.inv.call(y), torch.tensor([0.5, -1]), { atol: 1e-5 }), true);
 * ```
 */
export class StickBreakingTransform extends Transform {
  /** Real vectors. */
  get domain(): Constraint {
    return realVector;
  }
  /** The simplex. */
  get codomain(): Constraint {
    return simplex;
  }
  /** True. */
  override get bijective(): boolean {
    return true;
  }
  /** @internal */
  _call(x: Tensor): Tensor {
    const k = x.shape[x.ndim - 1];
    const z = clippedSigmoid(x.sub(offsets(k, x).log()));
    const zCumprod = z.neg().add(1).cumprod(-1);
    return pad(z, [0, 1], { value: 1 }).mul(pad(zCumprod, [1, 0], { value: 1 }));
  }
  /** @internal */
  override _inverse(y: Tensor): Tensor {
    const k = y.shape[y.ndim - 1] - 1;
    const crop = y.narrow(-1, 0, k);
    const sf = crop.cumsum(-1).neg().add(1).clamp(finfoTiny(y.dtype), null);
    return crop.log().sub(sf.log()).add(offsets(k, crop).log());
  }
  /** @internal */
  override _logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    const k = x.shape[x.ndim - 1];
    const xs = x.sub(offsets(k, x).log());
    return xs.neg().add(logsigmoid(xs)).add(y.narrow(-1, 0, k).log()).sum(-1);
  }
  /** The last dim one longer. */
  override forwardShape(shape: readonly number[]): number[] {
    lastDimShape("StickBreakingTransform.forwardShape", shape);
    return [...shape.slice(0, -1), shape[shape.length - 1] + 1];
  }
  /** The last dim one shorter. */
  override inverseShape(shape: readonly number[]): number[] {
    lastDimShape("StickBreakingTransform.inverseShape", shape);
    return [...shape.slice(0, -1), shape[shape.length - 1] - 1];
  }
  /** Every StickBreakingTransform is equal. */
  override equals(other: Transform): boolean {
    return other instanceof StickBreakingTransform;
  }
}

/** The identity (`ComposeTransform([])`, PyTorch's `identity_transform`). */
export const identityTransform: Transform = new ComposeTransform([]);

/**
 * The base of `torch.distributions.transforms` (PyTorch 1.13): `Transform` with its optional
 * one-pair cache, `InverseTransform`, `ComposeTransform`, `IndependentTransform` and
 * `identityTransform`. Re-exported by `transforms.ts`.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { inFrameOf, LIVE, PINNED } from "../memory.ts";
import { asOp } from "../ops/naming.ts";
import { type Constraint, independent, real } from "./constraints.ts";
import { sumRightmost } from "./utils.ts";

/** Options of every transform. */
export interface TransformOptions {
  /**
   * 1 keeps the last `(x, y)` pair: `call(x)` again returns the same `y`, and `inv.call(y)`
   * returns that `x` exactly (as PyTorch's `cache_size=1`; TanhTransform's inverse of a saturated
   * sample needs it). Default 0.
   */
  cacheSize?: number;
}

/** Whether a cached tensor can still be read (not released by the call that made it, not disposed). */
function alive(t: Tensor | null): boolean {
  return t !== null && (t._state === LIVE || t._state === PINNED) && !t.isDisposed;
}

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
  /** @internal The inverse transform, made on first use. */
  _invT: Transform | null = null;
  /** @internal 0 (no cache) or 1 (the last `(x, y)` pair is kept). */
  _cacheSize: number;
  /** @internal The last input of `call` (or output of `inv.call`), with cacheSize 1. */
  _cachedX: Tensor | null = null;
  /** @internal The last output of `call` (or input of `inv.call`), with cacheSize 1. */
  _cachedY: Tensor | null = null;

  /** A transform; `cacheSize: 1` keeps the last `(x, y)` pair, so `inv.call(y)` returns that `x` exactly. */
  constructor(opts: TransformOptions = {}) {
    if (opts === null || typeof opts !== "object") {
      throw new TypeError(`${new.target.name}: options must be an object like { cacheSize }`);
    }
    const cacheSize = opts.cacheSize ?? 0;
    if (cacheSize !== 0 && cacheSize !== 1) {
      throw new RangeError(`${new.target.name}: cacheSize must be 0 or 1, got ${String(cacheSize)}`);
    }
    this._cacheSize = cacheSize;
  }

  /** How many `(x, y)` pairs are cached: 0 or 1. */
  get cacheSize(): number {
    return this._cacheSize;
  }

  /**
   * This transform with `cacheSize` (PyTorch's `with_cache`): itself when it already has that
   * size, else a copy with the same parameters and an empty cache.
   */
  withCache(cacheSize = 1): Transform {
    if (cacheSize === this._cacheSize) return this;
    if (cacheSize !== 0 && cacheSize !== 1) {
      throw new RangeError(
        `${this.constructor.name}.withCache: cacheSize must be 0 or 1, got ${String(cacheSize)}`,
      );
    }
    const out = Object.create(Object.getPrototypeOf(this)) as Transform;
    Object.assign(out, this, { _invT: null, _cacheSize: cacheSize, _cachedX: null, _cachedY: null });
    return out;
  }

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
    this._invT ??= this._makeInverse();
    return this._invT;
  }
  /** @internal The inverse's object (an `InverseTransform` unless a subclass knows better). */
  _makeInverse(): Transform {
    return new InverseTransform(this);
  }
  /** `y = t(x)` (the cached `y` when `x` is the cached input, with `cacheSize: 1`). */
  call(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) {
      throw new TypeError(
        `${this.constructor.name}.call: expected a Tensor, got ${x === null ? "null" : typeof x}`,
      );
    }
    if (this._cacheSize === 1 && x === this._cachedX && alive(this._cachedY)) return this._cachedY!;
    const y = this._forward(x);
    if (this._cacheSize === 1) [this._cachedX, this._cachedY] = [x, y];
    return y;
  }
  /** @internal `x = inv(y)` through the cache (what `inv.call(y)` runs). */
  _invCall(y: Tensor): Tensor {
    if (!(y instanceof Tensor)) {
      throw new TypeError(
        `${this.constructor.name}.inv: expected a Tensor, got ${y === null ? "null" : typeof y}`,
      );
    }
    if (this._cacheSize === 1 && y === this._cachedY && alive(this._cachedX)) return this._cachedX!;
    const x = this._backward(y);
    if (this._cacheSize === 1) [this._cachedX, this._cachedY] = [x, y];
    return x;
  }
  /** @internal The forward map as a library call (a composition chains its parts' cached calls). */
  _forward(x: Tensor): Tensor {
    return this._run("call", () => this._call(x));
  }
  /** @internal The inverse map as a library call. */
  _backward(y: Tensor): Tensor {
    return this._run("inv", () => this._inverse(y));
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
    super({ cacheSize: base.cacheSize });
    this.base = base;
  }
  /** `base`'s inverse map, through `base`'s cache. */
  override call(x: Tensor): Tensor {
    return this.base._invCall(x);
  }
  /** @internal `base`'s forward map, through `base`'s cache. */
  override _invCall(y: Tensor): Tensor {
    return this.base.call(y);
  }
  /** The inverse of `base.withCache(cacheSize)`. */
  override withCache(cacheSize = 1): Transform {
    return this.base.withCache(cacheSize).inv;
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
  constructor(parts: readonly Transform[], opts: TransformOptions = {}) {
    super(opts);
    if (!Array.isArray(parts) || !parts.every((p) => p instanceof Transform)) {
      throw new TypeError("ComposeTransform: expected an array of Transforms");
    }
    this.parts = this._cacheSize ? parts.map((p) => p.withCache(this._cacheSize)) : [...parts];
  }
  /** @internal Each part's (cached) call in turn. */
  override _forward(x: Tensor): Tensor {
    return this.parts.reduce((v, p) => p.call(v), x);
  }
  /** @internal Each part's (cached) inverse, last part first. */
  override _backward(y: Tensor): Tensor {
    return [...this.parts].reverse().reduce((v, p) => p.inv.call(v), y);
  }
  /** The composition of the parts with `cacheSize`. */
  override withCache(cacheSize = 1): Transform {
    return cacheSize === this._cacheSize ? this : new ComposeTransform(this.parts, { cacheSize });
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
    inv._invT = this;
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
    for (const part of this.parts.slice(0, -1)) xs.push(part.call(xs[xs.length - 1]));
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
  constructor(baseTransform: Transform, reinterpretedBatchNdims: number, opts: TransformOptions = {}) {
    super(opts);
    if (!(baseTransform instanceof Transform)) {
      throw new TypeError("IndependentTransform: expected a Transform as the base transform");
    }
    if (!Number.isInteger(reinterpretedBatchNdims) || reinterpretedBatchNdims < 0) {
      throw new RangeError(
        `IndependentTransform: reinterpretedBatchNdims must be a non-negative integer, got ${reinterpretedBatchNdims}`,
      );
    }
    this.baseTransform = baseTransform.withCache(this._cacheSize);
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

/** The identity (`ComposeTransform([])`, PyTorch's `identity_transform`). */
export const identityTransform: Transform = /* @__PURE__ */ new ComposeTransform([]);

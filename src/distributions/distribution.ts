/**
 * `Distribution`, the base class of `torch.distributions` (PyTorch 1.13's
 * `torch/distributions/distribution.py`): shapes, argument validation and the default members.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "../ops/naming.ts";
import { guarded, rangeGuard } from "../ops/value_checks.ts";
import { type Constraint, Dependent } from "./constraints.ts";
import { fmtSize, fmtTensor, sampleShapeArg } from "./utils.ts";

/** Options of every distribution's constructor. */
export interface DistributionOptions {
  /**
   * Check the parameters now and the values given to `logProb`/`cdf` (default:
   * `Distribution.defaultValidateArgs`, true as in PyTorch). A failed check throws a RangeError
   * naming the distribution, the parameter or value and the constraint. On the GPU the values
   * cannot be read inside the call: there the results of the distribution's methods carry the
   * check, and reading them rejects with that message.
   */
  validateArgs?: boolean;
}

/** A pending device-side check: a 0-d tensor, 1 when valid, and the message of its failure. */
interface DeviceCheck {
  valid: Tensor;
  message: string;
}

let defaultValidate = true;

/** The end of a validation message: the values on the CPU (as PyTorch prints them); none on the GPU. */
function found(value: Tensor): string {
  return value.device === "cpu" ? `:\n${value}` : " (read the values with `await value.toArrayAsync()`)";
}

/**
 * The base class of the distributions: `batchShape` (independent distributions of the same
 * family) and `eventShape` (the shape of one sample), `sample`/`rsample`, `logProb`, `entropy`,
 * moments, and argument validation (`validateArgs`, on by default as in PyTorch 1.13).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const d: torch.distributions.Distribution = new torch.distributions.Normal(torch.zeros(3), 1);
 * assertEquals([d.batchShape, d.eventShape], [[3], []]);
 * assertEquals(d.sample([2]).shape, [2, 3]);
 * ```
 */
export abstract class Distribution {
  /** The shape over which parameters are batched. */
  readonly batchShape: number[];
  /** The shape of a single sample (without batching). */
  readonly eventShape: number[];
  /** @internal Whether this instance validates arguments. */
  _validateArgs: boolean;
  /** @internal Parameter checks left to the device (GPU parameters). */
  _deviceChecks: DeviceCheck[] = [];

  /**
   * Sets whether new distributions validate their arguments by default
   * (PyTorch's `Distribution.set_default_validate_args`).
   */
  static setDefaultValidateArgs(value: boolean): void {
    if (value !== true && value !== false) {
      throw new TypeError(
        `Distribution.setDefaultValidateArgs: expected true or false, got ${String(value)}`,
      );
    }
    defaultValidate = value;
  }

  /** Whether new distributions validate their arguments (true unless set otherwise). */
  static get defaultValidateArgs(): boolean {
    return defaultValidate;
  }

  /** Base constructor: the shapes and whether to validate. */
  constructor(
    batchShape: readonly number[] = [],
    eventShape: readonly number[] = [],
    opts: DistributionOptions = {},
  ) {
    if (opts === null || typeof opts !== "object") {
      throw new TypeError(`${new.target.name}: options must be an object like { validateArgs }`);
    }
    this.batchShape = [...batchShape];
    this.eventShape = [...eventShape];
    this._validateArgs = opts.validateArgs ?? defaultValidate;
  }

  /** Whether this instance validates its parameters and the values it scores. */
  get validateArgs(): boolean {
    return this._validateArgs;
  }

  /** The constraints each parameter must satisfy. */
  abstract get argConstraints(): Record<string, Constraint>;

  /** The values a sample takes. */
  abstract get support(): Constraint;

  /** Whether `rsample` (reparameterized, differentiable samples) is implemented. */
  get hasRsample(): boolean {
    return false;
  }

  /** Whether `enumerateSupport` is implemented. */
  get hasEnumerateSupport(): boolean {
    return false;
  }

  /** The mean. */
  abstract get mean(): Tensor;

  /** The mode. */
  abstract get mode(): Tensor;

  /** The variance. */
  abstract get variance(): Tensor;

  /** The standard deviation (`variance.sqrt()` unless a subclass knows better). */
  get stddev(): Tensor {
    return this.variance.sqrt();
  }

  /**
   * A sample of shape `sampleShape + batchShape + eventShape`, without gradient. By default
   * `rsample` under `noGrad`.
   */
  sample(sampleShape: readonly number[] | number = []): Tensor {
    return noGrad(() => this.rsample(sampleShape));
  }

  /**
   * A reparameterized sample (gradients flow to the parameters), where the family has one
   * (`hasRsample`); the others throw, naming what to use instead.
   */
  rsample(_sampleShape: readonly number[] | number = []): Tensor {
    throw new TypeError(
      `${this.constructor.name}.rsample: ${this.constructor.name} has no reparameterized sample ` +
        "(hasRsample is false, as in PyTorch); draw with sample(), which has no gradient",
    );
  }

  /** The log of the density or mass function at `value`. */
  abstract logProb(value: Tensor): Tensor;

  /** The cumulative distribution function at `value`, where the family has one (Normal, Uniform). */
  cdf(_value: Tensor): Tensor {
    throw new TypeError(`${this.constructor.name}.cdf: ${this.constructor.name} has no cdf (as in PyTorch)`);
  }

  /** The inverse cumulative distribution function at `value`, where the family has one. */
  icdf(_value: Tensor): Tensor {
    throw new TypeError(
      `${this.constructor.name}.icdf: ${this.constructor.name} has no icdf (as in PyTorch)`,
    );
  }

  /** The entropy, of shape `batchShape`. */
  abstract entropy(): Tensor;

  /** Every value of the support, enumerated over dim 0, for discrete families (`hasEnumerateSupport`). */
  enumerateSupport(_expand = true): Tensor {
    throw new TypeError(
      `${this.constructor.name}.enumerateSupport: ${this.constructor.name} has no finite support to ` +
        "enumerate (hasEnumerateSupport is false, as in PyTorch)",
    );
  }

  /** `exp(entropy())`. */
  perplexity(): Tensor {
    return this._call("perplexity", () => this.entropy().exp());
  }

  /** A distribution of the same family with its parameters expanded to `batchShape` (views, no validation). */
  abstract expand(batchShape: readonly number[]): Distribution;

  /** `sampleShape + batchShape + eventShape`. */
  extendedShape(sampleShape: readonly number[] | number = []): number[] {
    return [
      ...sampleShapeArg(`${this.constructor.name}.extendedShape`, sampleShape),
      ...this.batchShape,
      ...this.eventShape,
    ];
  }

  /** PyTorch's repr: `Normal(loc: tensor(0.), scale: torch.Size([3]))`. */
  toString(): string {
    const fields = this as unknown as Record<string, unknown>;
    const parts = Object.keys(this.argConstraints)
      .filter((k) => this._given(k) && fields[k] instanceof Tensor)
      .map((k) => {
        const t = fields[k] as Tensor;
        return `${k}: ${t.numel() === 1 && t.device === "cpu" ? fmtTensor(t) : fmtSize(t.shape)}`;
      });
    return `${this.constructor.name}(${parts.join(", ")})`;
  }

  /** @internal Whether parameter `name` was given (checked) rather than derived from another. */
  _given(_name: string): boolean {
    return true;
  }

  /**
   * @internal A new instance of this family with `fields` (expanded parameters) and `batchShape`,
   * this instance's event shape and validation setting, and no validation of its own (`expand`).
   */
  _expanded<T extends Distribution>(batchShape: readonly number[], fields: Record<string, unknown>): T {
    const out = Object.create(Object.getPrototypeOf(this)) as T;
    const w = out as unknown as Record<string, unknown>;
    w.batchShape = [...batchShape];
    w.eventShape = [...this.eventShape];
    w._validateArgs = this._validateArgs;
    w._deviceChecks = this._deviceChecks;
    Object.assign(out, fields);
    return out;
  }

  /** @internal Runs a method as a library call named `Family.method` (its temporaries freed). */
  _call<T>(method: string, fn: () => T): T {
    return inFrameOf(() => asOp(`${this.constructor.name}.${method}`, fn));
  }

  /** @internal Checks the given parameters against `argConstraints` (when validating). */
  _checkParams(): void {
    if (!this._validateArgs) return;
    const fields = this as unknown as Record<string, unknown>;
    for (const [name, constraint] of Object.entries(this.argConstraints)) {
      if (!this._given(name) || constraint instanceof Dependent) continue;
      const value = fields[name] as Tensor;
      const message = () =>
        `${this.constructor.name}: expected parameter ${name} (Tensor of shape [${
          value.shape.join(", ")
        }]) ` +
        `of distribution ${this} to satisfy the constraint ${constraint}, but found invalid values${
          found(value)
        }`;
      const valid = inFrameOf(() => {
        const ok = constraint.check(value).all();
        if (value.device !== "cpu") return ok.float();
        if (!ok.item()) throw new RangeError(message());
        return null;
      });
      if (valid !== null) this._deviceChecks.push({ valid, message: message() });
    }
  }

  /**
   * @internal PyTorch's `_validate_sample`: `value` must be a Tensor whose rightmost dims match
   * `eventShape`, broadcastable with `batchShape + eventShape`, inside the support. Returns the
   * device checks the method's result must carry (none on the CPU, where a bad value throws).
   */
  _validateSample(method: string, value: unknown): DeviceCheck[] {
    const op = `${this.constructor.name}.${method}`;
    if (!(value instanceof Tensor)) {
      throw new TypeError(
        `${op}: the value argument must be a Tensor, got ${value === null ? "null" : typeof value}`,
      );
    }
    if (!this._validateArgs) return [];
    const ev = this.eventShape;
    const tail = value.shape.slice(Math.max(0, value.ndim - ev.length));
    if (value.ndim < ev.length || tail.some((d, i) => d !== ev[i])) {
      throw new RangeError(
        `${op}: the right-most size of value must match event_shape: ${fmtSize(value.shape)} vs ${
          fmtSize(ev)
        }`,
      );
    }
    const expected = [...this.batchShape, ...ev];
    for (let i = 1; i <= Math.min(value.ndim, expected.length); i++) {
      const a = value.shape[value.ndim - i], b = expected[expected.length - i];
      if (a !== 1 && b !== 1 && a !== b) {
        throw new RangeError(
          `${op}: value is not broadcastable with batch_shape+event_shape: ${fmtSize(value.shape)} vs ${
            fmtSize(expected)
          }`,
        );
      }
    }
    const support = this.support;
    const message = () =>
      `${op}: expected value argument (Tensor of shape [${
        value.shape.join(", ")
      }]) to be within the support ` +
      `(${support}) of the distribution ${this}, but found invalid values${found(value)}`;
    const ok = support.check(value).all();
    if (value.device === "cpu") {
      if (!ok.item()) throw new RangeError(message());
      return [];
    }
    return [{ valid: ok.float(), message: message() }];
  }

  /** @internal `result` carrying the device checks of the parameters and of `extra` (GPU only). */
  _out(method: string, result: Tensor, extra: DeviceCheck[] = []): Tensor {
    let out = result;
    for (const c of [...this._deviceChecks, ...extra]) {
      const guard = rangeGuard(`${this.constructor.name}.${method}`, c.valid, 1, 1, () => c.message, {
        dtype: out.dtype,
      });
      out = guarded(out, guard);
    }
    return out;
  }
}

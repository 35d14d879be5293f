/**
 * `nn.Bilinear` and `nn.LazyLinear`.
 * @module
 */
import type { Tensor } from "../../tensor.ts";
import { type DType, getDefaultDtype } from "../../dtype.ts";
import type { Device } from "../../backends/backend.ts";
import { empty } from "../../creation.ts";
import { Module, Parameter, pyBool, setTensorData } from "../module.ts";
import * as init from "../init.ts";
import { bilinear } from "../functional_extras.ts";
import { Linear, type LinearOptions } from "./linear.ts";

/** Options of {@link Bilinear}. */
export interface BilinearOptions {
  /** Add a learnable bias (default true). */
  bias?: boolean;
  /** The parameters' dtype (default: `torch.getDefaultDtype()`). */
  dtype?: DType;
  /** The parameters' device (default "cpu"). */
  device?: Device;
}

function checkFeatures(op: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
    throw new TypeError(`${op}: ${name} must be a non-negative integer, got ${v}`);
  }
  return v;
}

/**
 * `y = x1ᵀ · W · x2 + b` per output feature (PyTorch's `nn.Bilinear`): `weight`
 * `[out, in1, in2]` and `bias` `[out]`, both initialised from U(-1/√in1, 1/√in1) on the seeded
 * generator, as PyTorch.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const m = new nn.Bilinear(20, 30, 40);
 * assertEquals(m(torch.randn(128, 20), torch.randn(128, 30)).shape, [128, 40]);
 * assertEquals(String(m), "Bilinear(in1_features=20, in2_features=30, out_features=40, bias=True)");
 * ```
 */
export class Bilinear extends Module {
  /** Size of each first input sample. */
  readonly in1Features: number;
  /** Size of each second input sample. */
  readonly in2Features: number;
  /** Size of each output sample. */
  readonly outFeatures: number;
  /** `[outFeatures, in1Features, in2Features]`. */
  weight: Parameter;
  /** `[outFeatures]`, or null without bias. */
  bias: Parameter | null;

  /** Creates the module; the arguments are described on the class. */
  constructor(in1Features: number, in2Features: number, outFeatures: number, opts: BilinearOptions = {}) {
    super();
    this.in1Features = checkFeatures("Bilinear", "in1Features", in1Features);
    this.in2Features = checkFeatures("Bilinear", "in2Features", in2Features);
    this.outFeatures = checkFeatures("Bilinear", "outFeatures", outFeatures);
    const dtype = opts.dtype ?? getDefaultDtype();
    this.weight = new Parameter(empty([outFeatures, in1Features, in2Features], { dtype }));
    this.bias = opts.bias === false ? null : new Parameter(empty([outFeatures], { dtype }));
    this.resetParameters();
    if (opts.device && opts.device !== "cpu") this.to(opts.device);
  }

  /** Re-draws the parameters with PyTorch's initialisation (weight, then bias). */
  resetParameters(): void {
    const bound = this.in1Features > 0 ? 1 / Math.sqrt(this.in1Features) : 0;
    init.uniform_(this.weight, -bound, bound);
    if (this.bias) init.uniform_(this.bias, -bound, bound);
  }

  /** `[..., in1]` and `[..., in2]` to `[..., out]`. */
  override forward(input1: Tensor, input2: Tensor): Tensor {
    return bilinear(input1, input2, this.weight, this.bias);
  }

  /** The arguments printed inside `Bilinear(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, ` +
      `bias=${pyBool(this.bias !== null)}`;
  }
}

/**
 * A `Linear` whose `inFeatures` is inferred from the last dim of its first input (PyTorch's
 * `nn.LazyLinear`). Until then its weight is `[outFeatures, 0]` and nothing is drawn from the
 * generator; at the first call the weight gets its shape, both parameters are initialised as
 * `Linear`'s (keeping their identity, so an optimizer made before sees them), and the module
 * becomes a plain `Linear`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const m = new nn.LazyLinear(3);
 * assertEquals(String(m), "LazyLinear(in_features=0, out_features=3, bias=True)");
 * assertEquals(m(torch.randn(2, 5)).shape, [2, 3]);
 * assertEquals([m.weight.shape, m instanceof nn.Linear, String(m)], [
 *   [3, 5],
 *   true,
 *   "Linear(in_features=5, out_features=3, bias=True)",
 * ]);
 * ```
 */
export class LazyLinear extends Linear {
  /** Creates the module; the arguments are described on the class. */
  constructor(outFeatures: number, opts: LinearOptions = {}) {
    super(0, outFeatures, opts);
  }

  /** Whether the parameters still wait for the first input. */
  hasUninitializedParams(): boolean {
    return this.inFeatures === 0;
  }

  /** Draws nothing until the first call has given the parameters their shape. */
  override resetParameters(): void {
    if (this.inFeatures === 0) return;
    super.resetParameters();
  }

  /** Infers `inFeatures` from `input` at the first call, then runs as `Linear`. */
  override forward(input: Tensor): Tensor {
    if (this.inFeatures === 0) this.initializeParameters(input);
    return super.forward(input);
  }

  /** Gives the parameters their shape from `input`'s last dim and initialises them. */
  initializeParameters(input: Tensor): void {
    if (input.ndim < 1) {
      throw new RangeError("LazyLinear: the input must have at least one dim to infer in_features from");
    }
    const inFeatures = input.shape[input.ndim - 1];
    (this as { inFeatures: number }).inFeatures = inFeatures;
    const w = this.weight;
    setTensorData(w, empty([this.outFeatures, inFeatures], { dtype: w.dtype, device: w.device }));
    Object.setPrototypeOf(this, Linear.prototype);
    this.resetParameters();
  }
}

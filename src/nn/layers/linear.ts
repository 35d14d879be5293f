/**
 * `Linear` and `Identity`.
 * @module
 */
import type { Tensor } from "../../tensor.ts";
import type { Device } from "../../backends/backend.ts";
import { type DType, getDefaultDtype } from "../../dtype.ts";
import { empty } from "../../creation.ts";
import { Module, Parameter, pyBool } from "../module.ts";
import * as F from "../functional.ts";
import * as init from "../init.ts";

/** Options of `Linear`. */
export interface LinearOptions {
  /** Whether the layer adds a learnable bias (default true). */
  bias?: boolean;
  /** Where the parameters live (default "cpu"). */
  device?: Device;
  /** The parameters' dtype (default float32). */
  dtype?: DType;
}

function checkSize(op: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
    throw new TypeError(`${op}: ${name} must be a non-negative integer, got ${v}`);
  }
  return v;
}

/**
 * `y = x @ weight.T + bias`, with `weight` of shape `[outFeatures, inFeatures]`. Initialised as
 * PyTorch does: weight from kaiming_uniform(a=√5), i.e. U(-1/√in, 1/√in), and bias from the same
 * range, drawing from the seeded generator.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * torch.manualSeed(0);
 * const fc = new nn.Linear(10, 32);
 * assertEquals(fc(torch.randn(4, 10)).shape, [4, 32]);
 * assertEquals(String(fc), "Linear(in_features=10, out_features=32, bias=True)");
 * ```
 */
export class Linear extends Module {
  /** Size of each input sample. */
  readonly inFeatures: number;
  /** Size of each output sample. */
  readonly outFeatures: number;
  /** `[outFeatures, inFeatures]`. */
  weight: Parameter;
  /** `[outFeatures]`, or null without bias. */
  bias: Parameter | null;

  /** Creates the module; the arguments are described on the class. */
  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    this.inFeatures = checkSize("Linear", "inFeatures", inFeatures);
    this.outFeatures = checkSize("Linear", "outFeatures", outFeatures);
    const dtype = opts.dtype ?? getDefaultDtype();
    this.weight = new Parameter(empty([outFeatures, inFeatures], { dtype }));
    this.bias = opts.bias === false ? null : new Parameter(empty([outFeatures], { dtype }));
    this.resetParameters();
    if (opts.device && opts.device !== "cpu") this.to(opts.device);
  }

  /** Re-draws the parameters with PyTorch's default initialisation. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  /** `[..., inFeatures]` to `[..., outFeatures]`. */
  override forward(input: Tensor): Tensor {
    return F.linear(input, this.weight, this.bias);
  }

  /** The arguments printed inside `Linear(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${
      pyBool(this.bias !== null)
    }`;
  }
}

/**
 * Returns its input unchanged (a placeholder, e.g. to remove a layer). Constructor arguments are
 * accepted and ignored, as in PyTorch.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const x = torch.randn(2);
 * assertEquals(new nn.Identity()(x) === x, true);
 * ```
 */
export class Identity extends Module {
  /** Creates the module; the arguments are described on the class. */
  constructor(..._args: unknown[]) {
    super();
  }
  /** Returns `input`. */
  override forward(input: Tensor): Tensor {
    return input;
  }
}

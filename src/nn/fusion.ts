/**
 * `nn.utils.fusion`, as PyTorch 1.13's `torch.nn.utils.fusion`: folds an evaluation-mode
 * BatchNorm into the convolution or linear layer before it (`fuseConvBnEval`,
 * `fuseLinearBnEval`), or computes the folded weight and bias (`fuseConvBnWeights`,
 * `fuseLinearBnWeights`), so inference runs one layer instead of two.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { fmtShape } from "../shape.ts";
import { inFrameOf } from "../memory.ts";
import { onesLike, zerosLike } from "../creation.ts";
import { Module, Parameter } from "./module.ts";

type Fields = Record<string, unknown>;

function describe(v: unknown): string {
  if (v === null) return "null";
  if (v instanceof Tensor) return `a tensor of shape ${fmtShape(v.shape)}`;
  return typeof v;
}

function checkTensor(op: string, what: string, t: unknown, optional = false): void {
  if (t === null && optional) return;
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${what} must be a Tensor, got ${describe(t)}`);
}

/** Options of {@link fuseConvBnEval} and {@link fuseConvBnWeights}. */
export interface FuseConvBnOptions {
  /** The convolution is transposed (its weight's dim 1 holds the output channels); default false. */
  transpose?: boolean;
}

/**
 * The weight and bias of a convolution followed by an evaluation-mode BatchNorm, folded into one
 * convolution (PyTorch's `fuse_conv_bn_weights`): `w · γ/√(σ² + ε)` per output channel and
 * `(b - μ) · γ/√(σ² + ε) + β`. A null `convB` counts as zeros, null `bnW` / `bnB` as ones / zeros.
 * Returns new parameters `[weight, bias]` (leaves, as PyTorch's `nn.Parameter(...)`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * const [w, b] = nn.utils.fusion.fuseConvBnWeights(
 *   torch.ones(2, 1, 1, 1), null, torch.tensor([1, 2]), torch.tensor([3, 15]), 1, null, null,
 * );
 * assertEquals([w.reshape([-1]).toArray(), b.toArray()], [[0.5, 0.25], [-0.5, -0.5]]);
 * ```
 */
export function fuseConvBnWeights(
  convW: Tensor,
  convB: Tensor | null,
  bnRm: Tensor,
  bnRv: Tensor,
  bnEps: number,
  bnW: Tensor | null,
  bnB: Tensor | null,
  opts: FuseConvBnOptions = {},
): [Parameter, Parameter] {
  const op = "fuseConvBnWeights";
  checkTensor(op, "convW", convW);
  checkTensor(op, "convB", convB, true);
  checkTensor(op, "bnRm", bnRm);
  checkTensor(op, "bnRv", bnRv);
  checkTensor(op, "bnW", bnW, true);
  checkTensor(op, "bnB", bnB, true);
  if (typeof bnEps !== "number") throw new TypeError(`${op}: bnEps must be a number, got ${describe(bnEps)}`);
  if (convW.ndim < 2) {
    throw new RangeError(`${op}: convW must have at least 2 dims, got ${fmtShape(convW.shape)}`);
  }
  const outDim = opts.transpose ? 1 : 0;
  if (convW.shape[outDim] !== bnRm.numel()) {
    throw new RangeError(
      `${op}: the convolution has ${convW.shape[outDim]} output channels (weight ${fmtShape(convW.shape)}${
        opts.transpose ? ", transposed" : ""
      }), the BatchNorm ${bnRm.numel()}`,
    );
  }
  return inFrameOf(() => {
    const b = convB ?? zerosLike(bnRm);
    const w = bnW ?? onesLike(bnRm);
    const beta = bnB ?? zerosLike(bnRm);
    const rsqrt = bnRv.add(bnEps).rsqrt();
    const shape = opts.transpose ? [1, -1] : [-1, 1];
    for (let i = 2; i < convW.ndim; i++) shape.push(1);
    const fusedW = convW.mul(w.mul(rsqrt).reshape(shape));
    const fusedB = b.sub(bnRm).mul(rsqrt).mul(w).add(beta);
    return [new Parameter(fusedW), new Parameter(fusedB)] as [Parameter, Parameter];
  });
}

/**
 * The weight and bias of a linear layer followed by an evaluation-mode BatchNorm, folded into
 * one linear layer (PyTorch's `fuse_linear_bn_weights`): `W · s` per output feature and
 * `(b - μ) · s + β`, with `s = γ/√(σ² + ε)`. A null `linearB` counts as zeros. Returns new
 * parameters `[weight, bias]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * const [w, b] = nn.utils.fusion.fuseLinearBnWeights(
 *   torch.ones(2, 3), null, torch.tensor([1, 2]), torch.tensor([3, 15]), 1, torch.ones(2), torch.zeros(2),
 * );
 * assertEquals([w.toArray(), b.toArray()], [[[0.5, 0.5, 0.5], [0.25, 0.25, 0.25]], [-0.5, -0.5]]);
 * ```
 */
export function fuseLinearBnWeights(
  linearW: Tensor,
  linearB: Tensor | null,
  bnRm: Tensor,
  bnRv: Tensor,
  bnEps: number,
  bnW: Tensor,
  bnB: Tensor,
): [Parameter, Parameter] {
  const op = "fuseLinearBnWeights";
  checkTensor(op, "linearW", linearW);
  checkTensor(op, "linearB", linearB, true);
  for (const [what, t] of [["bnRm", bnRm], ["bnRv", bnRv], ["bnW", bnW], ["bnB", bnB]] as const) {
    checkTensor(op, what, t);
  }
  if (typeof bnEps !== "number") throw new TypeError(`${op}: bnEps must be a number, got ${describe(bnEps)}`);
  if (linearW.ndim !== 2 || linearW.shape[0] !== bnRm.numel()) {
    throw new RangeError(
      `${op}: expected a [${bnRm.numel()}, in] weight for a BatchNorm of ${bnRm.numel()} features, got ${
        fmtShape(linearW.shape)
      }`,
    );
  }
  return inFrameOf(() => {
    const b = linearB ?? zerosLike(bnRm);
    const scale = bnW.mul(bnRv.add(bnEps).rsqrt());
    const fusedW = linearW.mul(scale.unsqueeze(-1));
    const fusedB = b.sub(bnRm).mul(scale).add(bnB);
    return [new Parameter(fusedW), new Parameter(fusedB)] as [Parameter, Parameter];
  });
}

/** The BatchNorm fields the fusions read. */
interface BatchNormLike extends Module {
  eps: number;
  weight: Tensor | null;
  bias: Tensor | null;
}

/** A copy of a leaf module (what `copy.deepcopy` gives for a conv or linear layer): own parameters and buffers cloned. */
function copyLeafModule<M extends Module>(op: string, m: M): M {
  if (m.children().length > 0 || Object.prototype.hasOwnProperty.call(m, "parametrizations")) {
    throw new TypeError(
      `${op}: can only copy a layer without submodules or parametrizations, got ${m._getName()}`,
    );
  }
  const copy = Reflect.construct(Module, [], m.constructor) as M;
  const fields = copy as unknown as Fields;
  copy.training = m.training;
  for (const key of Object.keys(m)) {
    const v = (m as unknown as Fields)[key];
    if (v instanceof Parameter) fields[key] = new Parameter(v.detach().clone(), v.requiresGrad);
    else if (Array.isArray(v)) fields[key] = [...v];
    else fields[key] = v;
  }
  for (const [name, b] of m._buffers) {
    copy.registerBuffer(name, b === null ? null : b.detach().clone(), {
      persistent: !m._nonPersistent.has(name),
    });
  }
  return copy;
}

function bnStats(op: string, conv: Module, bn: BatchNormLike): [Tensor, Tensor] {
  if (!(conv instanceof Module) || !(bn instanceof Module)) {
    throw new TypeError(`${op}: expected two Modules, got ${describe(conv)} and ${describe(bn)}`);
  }
  if (conv.training || bn.training) {
    throw new Error(`${op}: fusion only for eval (call .eval() on both modules first)`);
  }
  const rm = bn._buffers.get("running_mean"), rv = bn._buffers.get("running_var");
  if (!(rm instanceof Tensor) || !(rv instanceof Tensor)) {
    throw new Error(`${op}: the BatchNorm has no running statistics (trackRunningStats: false)`);
  }
  return [rm, rv];
}

/**
 * A copy of the convolution `conv` with the evaluation-mode BatchNorm `bn` that follows it
 * folded in (PyTorch's `fuse_conv_bn_eval`): `fused(x)` equals `bn(conv(x))`. Both modules must
 * be in evaluation mode; `transpose` for a transposed convolution. The inputs are unchanged.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * const conv = new nn.Conv2d(2, 3, 3).eval(), bn = new nn.BatchNorm2d(3).eval();
 * const fused = nn.utils.fusion.fuseConvBnEval(conv, bn);
 * const x = torch.randn(1, 2, 5, 5);
 * assertEquals(torch.allclose(fused(x), bn(conv(x)), { atol: 1e-5 }), true);
 * ```
 */
export function fuseConvBnEval<M extends Module>(conv: M, bn: Module, opts: FuseConvBnOptions = {}): M {
  const op = "fuseConvBnEval";
  const norm = bn as BatchNormLike;
  const [rm, rv] = bnStats(op, conv, norm);
  const src = conv as unknown as { weight: Tensor; bias: Tensor | null };
  const [w, b] = fuseConvBnWeights(src.weight, src.bias, rm, rv, norm.eps, norm.weight, norm.bias, opts);
  const fused = copyLeafModule(op, conv);
  const fields = fused as unknown as Fields;
  fields.weight = w;
  fields.bias = b;
  return fused;
}

/**
 * A copy of the linear layer `linear` with the evaluation-mode BatchNorm `bn` that follows it
 * folded in (PyTorch's `fuse_linear_bn_eval`): `fused(x)` equals `bn(linear(x))`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * const fc = new nn.Linear(4, 3).eval(), bn = new nn.BatchNorm1d(3).eval();
 * const fused = nn.utils.fusion.fuseLinearBnEval(fc, bn);
 * const x = torch.randn(2, 4);
 * assertEquals(torch.allclose(fused(x), bn(fc(x)), { atol: 1e-5 }), true);
 * ```
 */
export function fuseLinearBnEval<M extends Module>(linear: M, bn: Module): M {
  const op = "fuseLinearBnEval";
  const norm = bn as BatchNormLike;
  const [rm, rv] = bnStats(op, linear, norm);
  if (norm.weight === null || norm.bias === null) {
    throw new Error(`${op}: the BatchNorm has no affine weight and bias (affine: false)`);
  }
  const src = linear as unknown as { weight: Tensor; bias: Tensor | null };
  const [w, b] = fuseLinearBnWeights(src.weight, src.bias, rm, rv, norm.eps, norm.weight, norm.bias);
  const fused = copyLeafModule(op, linear);
  const fields = fused as unknown as Fields;
  fields.weight = w;
  fields.bias = b;
  return fused;
}

/**
 * `torch.autograd.functional`: Jacobians, Hessians and vector products of a whole function
 * (`jacobian`, `hessian`, `vjp`, `jvp`, `vhp`, `hvp`), computed as PyTorch computes them with
 * reverse mode: forward-mode products use the double-backward trick (the gradient of a
 * vector-Jacobian product with respect to the vector). As in PyTorch, a function of one tensor
 * gives tensors and a function of an array of tensors gives arrays; `createGraph` makes the results
 * differentiable, `strict` turns an output independent of an input into an error instead of zeros.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { grad } from "./backward.ts";
import { enableGrad } from "./grad_mode.ts";
import { inFrameOf } from "../memory.ts";
import { fmtShape, numelOf } from "../shape.ts";
import { alias, reshape } from "../ops/movement.ts";
import { stack } from "../ops/indexing.ts";
import { onesLike, zeros, zerosLike } from "../creation.ts";

/** One tensor, or an array of tensors (PyTorch's tuple). */
export type TensorOrTensors = Tensor | readonly Tensor[];

/** Options of {@link vjp}, {@link jvp}, {@link vhp} and {@link hvp}. */
export interface FunctionalOptions {
  /** Make the results differentiable (they are detached otherwise). */
  createGraph?: boolean;
  /** Throw when an output does not depend on an input, instead of giving zeros. */
  strict?: boolean;
}

/** Options of {@link jacobian}. */
export interface JacobianOptions extends FunctionalOptions {
  /**
   * PyTorch's batching hint (vmap): accepted for ported code; results and how they are computed
   * are the same either way (one backward pass per output element, or per input element in
   * forward mode). Not allowed with `strict`, as in PyTorch.
   */
  vectorize?: boolean;
  /** `"reverse-mode"` (one pass per output element, default) or `"forward-mode"` (per input element). */
  strategy?: "reverse-mode" | "forward-mode";
}

/** Options of {@link hessian}. */
export interface HessianOptions extends FunctionalOptions {
  /** See {@link JacobianOptions.vectorize}. */
  vectorize?: boolean;
  /** Strategy of the outer Jacobian (the inner one is reverse mode). */
  outerJacobianStrategy?: "reverse-mode" | "forward-mode";
}

/** The shape of a Jacobian: per output (when several), per input (when several). */
export type JacobianOf<O, I> = O extends Tensor ? (I extends Tensor ? Tensor : Tensor[])
  : (I extends Tensor ? Tensor[] : Tensor[][]);

/** The shape of a Hessian: per input pair when the inputs are an array. */
export type HessianOf<I> = I extends Tensor ? Tensor : Tensor[][];

type Func<O> = (...inputs: Tensor[]) => O;

function asTuple(op: string, what: string, value: unknown): [boolean, Tensor[]] {
  const isTuple = Array.isArray(value);
  const list: unknown[] = isTuple ? value as unknown[] : [value];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) {
      throw new TypeError(
        isTuple
          ? `${op}: the ${what} must be either a Tensor or an array of Tensors but the value at index ${i} has ` +
            `type ${t === null ? "null" : typeof t}`
          : `${op}: the ${what} must be either a Tensor or an array of Tensors but the given ${what} has type ${
            t === null ? "null" : typeof t
          }`,
      );
    }
  });
  return [isTuple, list as Tensor[]];
}

/** What the user's function sees: the inputs, connected to their graph under `createGraph`, else fresh leaves. */
function preprocess(inputs: Tensor[], createGraph: boolean): Tensor[] {
  return inputs.map((x) => {
    if (createGraph && x.requiresGrad) return alias(x);
    const leaf = x.detach();
    leaf._requiresGrad = true;
    return leaf;
  });
}

function postprocess(ts: (Tensor | null)[], createGraph: boolean): Tensor[] {
  return ts.map((t) => (createGraph ? t! : t!.detach()));
}

/** `autograd.grad` over the outputs that require grad (null per input when none does). */
function autogradGrad(
  outputs: Tensor[],
  inputs: Tensor[],
  gradOutputs: (Tensor | null)[] | null,
  createGraph: boolean,
  retainGraph?: boolean,
): (Tensor | null)[] {
  const outs: Tensor[] = [], gouts: (Tensor | null)[] = [];
  outputs.forEach((o, i) => {
    if (o.requiresGrad) {
      outs.push(o);
      gouts.push(gradOutputs?.[i] ?? null);
    }
  });
  if (outs.length === 0) return inputs.map(() => null);
  return grad(outs, inputs, {
    gradOutputs: gradOutputs ? gouts : undefined,
    createGraph,
    retainGraph: retainGraph ?? createGraph,
    allowUnused: true,
  });
}

function checkRequiresGrad(op: string, ts: (Tensor | null)[], what: string, strict: boolean): void {
  if (!strict) return;
  ts.forEach((t, i) => {
    if (t === null) {
      throw new Error(
        `${op}: the ${what} of the user-provided function is independent of input ${i}. This is not allowed in ` +
          "strict mode.",
      );
    }
    if (!t.requiresGrad) {
      const how = what === "hessian"
        ? "The hessian of the user-provided function with respect to input " + i +
          " is independent of the input. This is not allowed in strict mode."
        : what === "outputs"
        ? `Output ${i} of the user-provided function does not require gradients. The outputs must be computed in a ` +
          "differentiable manner from the input when running in strict mode."
        : `The ${what} of the user-provided function with respect to input ${i} is independent of the input. ` +
          "This is not allowed in strict mode.";
      throw new Error(`${op}: ${how}`);
    }
  });
}

type Stage = "back" | "back_trick" | "double_back" | "double_back_trick";

function fillInZeros(
  op: string,
  grads: (Tensor | null)[],
  refs: Tensor[],
  strict: boolean,
  createGraph: boolean,
  stage: Stage,
): Tensor[] {
  return grads.map((g, i) => {
    if (g === null) {
      if (strict) {
        const why = {
          back: `The output of the user-provided function is independent of input ${i}.`,
          back_trick:
            `The gradient with respect to the input is independent of entry ${i} in the grad_outputs ` +
            "when using the double backward trick to compute forward mode gradients.",
          double_back: `The jacobian of the user-provided function is independent of input ${i}.`,
          double_back_trick:
            `The hessian of the user-provided function is independent of entry ${i} in the ` +
            "grad_jacobian.",
        }[stage];
        throw new Error(`${op}: ${why} This is not allowed in strict mode.`);
      }
      return zerosLike(refs[i]);
    }
    if (strict && createGraph && !g.requiresGrad) {
      const what = stage === "back" || stage === "back_trick" ? "output" : "jacobian";
      throw new Error(
        `${op}: the ${what} of the user-provided function is independent of input ${i}. This is not allowed in ` +
          "strict mode when createGraph is true.",
      );
    }
    return g;
  });
}

function validateV(op: string, v: Tensor[], refs: Tensor[], isTuple: boolean): void {
  if (v.length !== refs.length) {
    throw new RangeError(
      `${op}: v is an array of invalid length: should be ${refs.length} but got ${v.length}`,
    );
  }
  v.forEach((t, i) => {
    const want = refs[i].shape;
    if (t.ndim !== want.length || t.shape.some((s, k) => s !== want[k])) {
      throw new RangeError(
        isTuple
          ? `${op}: entry ${i} in v has invalid size: should be ${fmtShape(want)} but got ${
            fmtShape(t.shape)
          }`
          : `${op}: v has invalid size: should be ${fmtShape(want)} but got ${fmtShape(t.shape)}`,
      );
    }
  });
}

/** PyTorch accepts the options in place of `v`: `vjp(f, x, { createGraph: true })`. */
function splitV<V>(
  vOrOpts: V | null | FunctionalOptions | undefined,
  opts: FunctionalOptions,
): [V | null, FunctionalOptions] {
  if (
    vOrOpts !== null && vOrOpts !== undefined && !(vOrOpts instanceof Tensor) && !Array.isArray(vOrOpts) &&
    typeof vOrOpts === "object"
  ) return [null, vOrOpts as FunctionalOptions];
  return [(vOrOpts ?? null) as V | null, opts];
}

function resolveV(op: string, v: unknown, refs: Tensor[], refsTuple: boolean, refsName: string): Tensor[] {
  if (v === null || v === undefined) {
    if (refs.length !== 1 || refs[0].numel() !== 1) {
      throw new RangeError(
        `${op}: the vector v can only be null if the ${refsName} of the user-provided function is a single ` +
          "Tensor with a single element",
      );
    }
    return [onesLike(refs[0])];
  }
  const [, list] = asTuple(op, "v", v);
  validateV(op, list, refs, refsTuple);
  return list;
}

function unpack<R>(res: Tensor[], isTuple: boolean): R {
  return (isTuple ? res : res[0]) as R;
}

/**
 * The function's outputs and the vector-Jacobian product `vᵀ J` (one backward pass; `v` may be
 * left out for a one-element output).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const [y, g] = torch.autograd.functional.vjp((x) => x.pow(2), torch.tensor([1, 2, 3]), torch.ones(3));
 * assertEquals([y.toArray(), g.toArray()], [[1, 4, 9], [2, 4, 6]]);
 * ```
 */
export function vjp<O extends TensorOrTensors, I extends TensorOrTensors>(
  func: Func<O>,
  inputs: I,
  v?: O | null | FunctionalOptions,
  opts: FunctionalOptions = {},
): [O, I] {
  const [vv, o] = splitV(v, opts);
  return inFrameOf(() =>
    enableGrad(() => {
      const op = "vjp", createGraph = o.createGraph ?? false, strict = o.strict ?? false;
      const [inTuple, ins0] = asTuple(op, "inputs", inputs);
      const ins = preprocess(ins0, createGraph);
      const [outTuple, outs] = asTuple(op, "outputs of the user-provided function", func(...ins));
      checkRequiresGrad(op, outs, "outputs", strict);
      const vs = resolveV(op, vv, outs, outTuple, "output");
      const res = autogradGrad(outs, ins, vs, createGraph);
      const g = fillInZeros(op, res, ins, strict, createGraph, "back");
      return [
        unpack<O>(postprocess(outs, createGraph), outTuple),
        unpack<I>(postprocess(g, createGraph), inTuple),
      ];
    })
  );
}

/**
 * The function's outputs and the Jacobian-vector product `J v` (the double-backward trick; `v`
 * may be left out for a one-element input).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const [, jv] = torch.autograd.functional.jvp((x) => x.pow(2), torch.tensor([1, 2, 3]), torch.ones(3));
 * assertEquals(jv.toArray(), [2, 4, 6]);
 * ```
 */
export function jvp<O extends TensorOrTensors, I extends TensorOrTensors>(
  func: Func<O>,
  inputs: I,
  v?: I | null | FunctionalOptions,
  opts: FunctionalOptions = {},
): [O, O] {
  const [vv, o] = splitV(v, opts);
  return inFrameOf(() =>
    enableGrad(() => {
      const op = "jvp", createGraph = o.createGraph ?? false, strict = o.strict ?? false;
      const [inTuple, ins0] = asTuple(op, "inputs", inputs);
      const vs = resolveV(op, vv, ins0, inTuple, "input");
      const ins = preprocess(ins0, createGraph);
      const [outTuple, outs] = asTuple(op, "outputs of the user-provided function", func(...ins));
      checkRequiresGrad(op, outs, "outputs", strict);
      // u ↦ uᵀ J is linear in u; its gradient with respect to u, applied to v, is J v.
      const us = outs.map((out) => {
        const u = zerosLike(out);
        u._requiresGrad = true;
        return u;
      });
      const gradInputs = autogradGrad(outs, ins, us, true);
      checkRequiresGrad(op, gradInputs, "grad_inputs", strict);
      const res = autogradGrad(gradInputs.map((g, i) => g ?? zerosLike(ins[i])), us, vs, createGraph);
      const jv = fillInZeros(op, res, outs, strict, createGraph, "back_trick");
      return [
        unpack<O>(postprocess(outs, createGraph), outTuple),
        unpack<O>(postprocess(jv, createGraph), outTuple),
      ];
    })
  );
}

/** Rows of J by reverse mode: one backward pass per output element. */
function jacobianReverse(
  op: string,
  outs: Tensor[],
  ins: Tensor[],
  createGraph: boolean,
  strict: boolean,
): Tensor[][] {
  return outs.map((out, i) => {
    const n = out.numel();
    const rows: Tensor[][] = ins.map(() => []);
    for (let j = 0; j < n; j++) {
      const e = zeros(n, { dtype: out.dtype, device: out.device });
      e.index(j).fill_(1);
      const vj = autogradGrad([out], ins, [reshape(e, out.shape)], createGraph, true);
      vj.forEach((g, k) => {
        if (g === null) {
          if (strict) {
            throw new Error(
              `${op}: output ${i} of the user-provided function is independent of input ${k}. This is not ` +
                "allowed in strict mode.",
            );
          }
          rows[k].push(zerosLike(ins[k]));
          return;
        }
        if (strict && createGraph && !g.requiresGrad) {
          throw new Error(
            `${op}: the jacobian of the user-provided function is independent of input ${k}. This is not ` +
              "allowed in strict mode when createGraph is true.",
          );
        }
        rows[k].push(g);
      });
    }
    return rows.map((r, k) =>
      reshape(
        n === 0 ? zeros([0, ...ins[k].shape], { dtype: ins[k].dtype, device: ins[k].device }) : stack(r, 0),
        [...out.shape, ...ins[k].shape],
      )
    );
  });
}

/** Columns of J by the double-backward trick: one Jacobian-vector product per input element. */
function jacobianForward(
  op: string,
  outs: Tensor[],
  ins: Tensor[],
  createGraph: boolean,
  strict: boolean,
): Tensor[][] {
  const us = outs.map((out) => {
    const u = zerosLike(out);
    u._requiresGrad = true;
    return u;
  });
  const gradInputs = autogradGrad(outs, ins, us, true, true);
  const result: Tensor[][] = outs.map(() => []);
  ins.forEach((x, k) => {
    const n = x.numel();
    const cols: Tensor[][] = outs.map(() => []);
    for (let j = 0; j < n; j++) {
      const e = zeros(n, { dtype: x.dtype, device: x.device });
      e.index(j).fill_(1);
      const gk = gradInputs[k];
      const jv = gk === null
        ? outs.map(() => null)
        : autogradGrad([gk], us, [reshape(e, x.shape)], createGraph, true);
      jv.forEach((c, i) => {
        if (c === null && strict) {
          throw new Error(
            `${op}: output ${i} of the user-provided function is independent of input ${k}. This is not ` +
              "allowed in strict mode.",
          );
        }
        cols[i].push(c ?? zerosLike(outs[i]));
      });
    }
    cols.forEach((c, i) => {
      const outShape = outs[i].shape;
      // Stacked as [input element, ...output shape], then moved to [...output shape, ...input shape].
      const stacked = n === 0
        ? zeros([0, ...outShape], { dtype: outs[i].dtype, device: outs[i].device })
        : stack(c, 0);
      const flat = reshape(stacked, [n, numelOf(outShape)]).t();
      result[i][k] = reshape(flat.contiguous(), [...outShape, ...x.shape]);
    });
  });
  return result;
}

/**
 * The Jacobian of `func` at `inputs`: for an output of shape `O` and an input of shape `I`, a
 * tensor of shape `[...O, ...I]` (arrays of them per output and per input when `func` returns or
 * takes arrays, as PyTorch's tuples).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const J = torch.autograd.functional.jacobian((x) => x.pow(2).sum(0), torch.tensor([[1, 2], [3, 4]]));
 * assertEquals([J.shape, J.toArray()], [[2, 2, 2], [[[2, 0], [6, 0]], [[0, 4], [0, 8]]]]);
 * ```
 */
export function jacobian<O extends TensorOrTensors, I extends TensorOrTensors>(
  func: Func<O>,
  inputs: I,
  opts: JacobianOptions = {},
): JacobianOf<O, I> {
  return inFrameOf(() =>
    enableGrad(() => {
      const op = "jacobian", createGraph = opts.createGraph ?? false, strict = opts.strict ?? false;
      const strategy = opts.strategy ?? "reverse-mode";
      if (strategy !== "reverse-mode" && strategy !== "forward-mode") {
        throw new TypeError(
          `${op}: expected strategy to be "forward-mode" or "reverse-mode", got "${strategy}"`,
        );
      }
      if (strict && opts.vectorize) {
        throw new Error(`${op}: strict: true and vectorize: true are not supported together`);
      }
      const [inTuple, ins0] = asTuple(op, "inputs", inputs);
      const ins = preprocess(ins0, createGraph);
      const [outTuple, outs] = asTuple(op, "outputs of the user-provided function", func(...ins));
      checkRequiresGrad(op, outs, "outputs", strict);
      const jac = strategy === "forward-mode"
        ? jacobianForward(op, outs, ins, createGraph, strict)
        : jacobianReverse(op, outs, ins, createGraph, strict);
      const rows = jac.map((row) => postprocess(row, createGraph));
      const perOutput = rows.map((row) => (inTuple ? row : row[0]));
      return (outTuple ? perOutput : perOutput[0]) as JacobianOf<O, I>;
    })
  );
}

/**
 * The Hessian of a function with one-element output: for an input of shape `I`, a tensor of
 * shape `[...I, ...I]`; for an array of inputs, `H[i][j]` of shape `[...Ii, ...Ij]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const H = torch.autograd.functional.hessian((x) => x.pow(3).sum(), torch.tensor([1, 2]));
 * assertEquals(H.toArray(), [[6, 0], [0, 12]]);
 * ```
 */
export function hessian<I extends TensorOrTensors>(
  func: Func<Tensor>,
  inputs: I,
  opts: HessianOptions = {},
): HessianOf<I> {
  return inFrameOf(() => {
    const op = "hessian", strict = opts.strict ?? false;
    const [inTuple, ins] = asTuple(op, "inputs", inputs);
    const strategy = opts.outerJacobianStrategy ?? "reverse-mode";
    const singleOutput = (...xs: Tensor[]): Tensor => {
      const out = func(...xs) as unknown;
      if (Array.isArray(out) || !(out instanceof Tensor)) {
        throw new TypeError(`${op}: the function given to hessian should return a single Tensor`);
      }
      checkRequiresGrad(op, [out], "outputs", strict);
      if (out.numel() !== 1) {
        throw new RangeError(
          `${op}: the Tensor returned by the function given to hessian should contain a single element ` +
            `(got shape ${fmtShape(out.shape)})`,
        );
      }
      return reshape(out, []);
    };
    const jacFunc = (...xs: Tensor[]): Tensor[] => {
      const jac = jacobian(singleOutput, xs, { createGraph: true });
      checkRequiresGrad(op, jac, "jacobian", strict);
      return jac;
    };
    const res = jacobian(jacFunc, [...ins], {
      createGraph: opts.createGraph,
      strict,
      vectorize: opts.vectorize,
      strategy,
    });
    return (inTuple ? res : res[0][0]) as HessianOf<I>;
  });
}

function singleElementOutput(op: string, out: unknown): Tensor {
  if (Array.isArray(out) || !(out instanceof Tensor)) {
    throw new TypeError(`${op}: the function given to ${op} should return a single Tensor`);
  }
  if (out.numel() !== 1) {
    throw new RangeError(
      `${op}: the Tensor returned by the function given to ${op} should contain a single element (got shape ${
        fmtShape(out.shape)
      })`,
    );
  }
  return out;
}

/**
 * What {@link vhp} and {@link hvp} share: the inputs prepared, `v` checked, the one-element output
 * and its gradient with respect to the inputs (with a graph, for the second derivative).
 */
function gradientOfScalar<I extends TensorOrTensors>(
  op: string,
  func: Func<Tensor>,
  inputs: I,
  vv: I | null | undefined,
  o: FunctionalOptions,
) {
  const createGraph = o.createGraph ?? false, strict = o.strict ?? false;
  const [inTuple, ins0] = asTuple(op, "inputs", inputs);
  const vs = resolveV(op, vv, ins0, inTuple, "input");
  const ins = preprocess(ins0, createGraph);
  const out = singleElementOutput(op, func(...ins));
  checkRequiresGrad(op, [out], "outputs", strict);
  const jac = autogradGrad([out], ins, null, true);
  checkRequiresGrad(op, jac, "jacobian", strict);
  return { inTuple, ins, vs, out, jac, createGraph, strict };
}

/**
 * The function's (one-element) output and the vector-Hessian product `vᵀ H`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const [, vh] = torch.autograd.functional.vhp((x) => x.pow(3).sum(), torch.tensor([1, 2]), torch.ones(2));
 * assertEquals(vh.toArray(), [6, 12]);
 * ```
 */
export function vhp<I extends TensorOrTensors>(
  func: Func<Tensor>,
  inputs: I,
  v?: I | null | FunctionalOptions,
  opts: FunctionalOptions = {},
): [Tensor, I] {
  const [vv, o] = splitV(v, opts);
  return inFrameOf(() =>
    enableGrad(() => {
      const op = "vhp";
      const { inTuple, ins, vs, out, jac, createGraph, strict } = gradientOfScalar(op, func, inputs, vv, o);
      const res = autogradGrad(jac.map((g, i) => g ?? zerosLike(ins[i])), ins, vs, createGraph);
      const vh = fillInZeros(op, res, ins, strict, createGraph, "double_back");
      return [postprocess([out], createGraph)[0], unpack<I>(postprocess(vh, createGraph), inTuple)];
    })
  );
}

/**
 * The function's (one-element) output and the Hessian-vector product `H v` (the double-backward
 * trick; equal to {@link vhp} for the symmetric Hessians of twice-differentiable functions).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const f = (x: torch.Tensor, y: torch.Tensor) => x.mul(y).sum();
 * const [, [hx, hy]] = torch.autograd.functional.hvp(f, [torch.ones(2), torch.ones(2)], [torch.ones(2), torch.zeros(2)]);
 * assertEquals([hx.toArray(), hy.toArray()], [[0, 0], [1, 1]]);
 * ```
 */
export function hvp<I extends TensorOrTensors>(
  func: Func<Tensor>,
  inputs: I,
  v?: I | null | FunctionalOptions,
  opts: FunctionalOptions = {},
): [Tensor, I] {
  const [vv, o] = splitV(v, opts);
  return inFrameOf(() =>
    enableGrad(() => {
      const op = "hvp";
      const { inTuple, ins, vs, out, jac, createGraph, strict } = gradientOfScalar(op, func, inputs, vv, o);
      const us = ins.map((x) => {
        const u = zerosLike(x);
        u._requiresGrad = true;
        return u;
      });
      const doubleBack = autogradGrad(jac.map((g, i) => g ?? zerosLike(ins[i])), ins, us, true);
      checkRequiresGrad(op, jac, "hessian", strict);
      const res = autogradGrad(doubleBack.map((g, i) => g ?? zerosLike(ins[i])), us, vs, createGraph);
      const hv = fillInZeros(op, res, ins, strict, createGraph, "double_back_trick");
      return [postprocess([out], createGraph)[0], unpack<I>(postprocess(hv, createGraph), inTuple)];
    })
  );
}

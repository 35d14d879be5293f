/**
 * Argument checks shared by the functional API and the losses (internal; one set of messages).
 * @module
 */
import { Tensor } from "../tensor.ts";
import { fmtShape } from "../shape.ts";
import { isFloating } from "../dtype.ts";
import { assignResult } from "../ops/inplace.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";

/** @internal How a value reads in an error message. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (Array.isArray(v)) return "an array";
  if (v instanceof Tensor) return `a ${v.dtype} tensor of shape ${fmtShape(v.shape)}`;
  return typeof v;
}

/** @internal `x` if it is a tensor, else a TypeError naming the op and argument. */
export function checkTensor(op: string, name: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor, got ${describe(x)}`);
  return x;
}

/** @internal A floating-point tensor argument, else a TypeError. */
export function checkFloat(op: string, name: string, x: unknown): Tensor {
  const t = checkTensor(op, name, x);
  if (!isFloating(t.dtype)) {
    throw new TypeError(
      `${op}: expected ${name} to be a floating point tensor, got ${t.dtype} (convert it with .float())`,
    );
  }
  return t;
}

/** @internal Whether two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** @internal Throws unless `reduction` is one of `allowed`. */
export function checkReduction(
  op: string,
  reduction: unknown,
  allowed: readonly string[] = ["mean", "sum", "none"],
): void {
  if (reduction !== undefined && !allowed.includes(reduction as string)) {
    throw new TypeError(
      `${op}: reduction must be ${allowed.map((r) => `"${r}"`).join(", ")}, got ${JSON.stringify(reduction)}`,
    );
  }
}

/**
 * Checks a pointwise loss's operands and returns the target in the input's dtype: the input must
 * be floating point; an integer or bool target is converted (JavaScript has no `1.0` literal, so
 * `torch.tensor([1, 0])` is int32); the shapes must be equal.
 */
export function pointwiseTarget(op: string, input: unknown, target: unknown): Tensor {
  const x = checkFloat(op, "input", input);
  const t = checkTensor(op, "target", target);
  if (!sameShape(x.shape, t.shape)) {
    throw new RangeError(
      `${op}: target shape ${fmtShape(t.shape)} does not match input shape ${fmtShape(x.shape)}. ` +
        `They must be equal (PyTorch would broadcast them with a warning, which is almost always a bug): ` +
        `reshape one of them, e.g. target.view(${fmtShape(x.shape)})`,
    );
  }
  return isFloating(t.dtype) ? t : t.to(x.dtype);
}

/** PyTorch's `inplace` argument of activations and dropout: `true`, or `{ inplace: true }`. */
export type InplaceArg = boolean | { inplace?: boolean };

/** @internal The `inplace` flag of an {@link InplaceArg} (default false), checked. */
export function inplaceFlag(op: string, arg: InplaceArg | undefined): boolean {
  const v = typeof arg === "object" && arg !== null ? arg.inplace ?? false : arg ?? false;
  if (typeof v !== "boolean") throw new TypeError(`${op}: inplace must be a boolean, got ${describe(v)}`);
  return v;
}

/**
 * @internal The output of an op with PyTorch's `inplace` argument: `compute(input)`, or, when
 * `inplace` is set, `input` with that result written into it (its graph rebased, as `relu_`).
 * When the input is part of a graph, `compute` reads a differentiable copy of it, so the nodes the
 * result is built from never see the write.
 */
export function inplaceResult(
  op: string,
  input: Tensor,
  inplace: InplaceArg | undefined,
  compute: (x: Tensor) => Tensor,
): Tensor {
  if (!inplaceFlag(op, inplace)) return compute(input);
  const source = input instanceof Tensor && input.requiresGrad && isGradEnabled() ? input.clone() : input;
  const out = assignResult(input, `${op}_`, compute(source));
  const name = INPLACE_GRAD_NAMES[op];
  if (name !== undefined && out.gradFn !== null && out.gradFn !== source.gradFn) out.gradFn.rename(name);
  return out;
}

/** PyTorch's `grad_fn` names of the in-place activations whose node differs from the out-of-place one's. */
const INPLACE_GRAD_NAMES: Record<string, string> = {
  elu: "EluBackward1",
  selu: "EluBackward1",
  celu: "CeluBackward1",
  leakyRelu: "LeakyReluBackward1",
  threshold: "ThresholdBackward1",
};

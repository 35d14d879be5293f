/**
 * @internal complex64 arithmetic, composed over real float32 parts with the ordinary differentiable
 * ops (so it runs on every device and autograd gives PyTorch's gradients, dL/dRe + i dL/dIm). The
 * front-end ops (`binaryOp`, `unaryOp`, `div`, `where`, ...) send complex operands here.
 * @module
 */
import { Tensor, type TensorOrScalar } from "../tensor.ts";
import * as ew from "../ops/elementwise.ts";
import { atan2 } from "../ops/elementwise_more.ts";
import { stack } from "../ops/indexing.ts";
import { fullLike } from "../creation.ts";
import { complexNotImplemented, contiguousStorage, recordComposite, wrap } from "../ops/dispatch.ts";
import { backendFor } from "../backends/registry.ts";
import { broadcastShapes, numelOf } from "../shape.ts";
import { isComplexOperand, parts, viewAsComplex, viewAsReal } from "./core.ts";

/** A real part or imaginary part: a tensor, a number, or null for an exact zero. */
type Part = Tensor | number | null;

/** The (re, im) parts of an operand of a complex op (a real operand has no imaginary part). */
export function partsOf(op: string, x: TensorOrScalar): [Tensor | number, Part] {
  if (isComplexOperand(x)) return parts(x as Tensor);
  if (typeof x === "number") return [x, null];
  if (!(x instanceof Tensor)) {
    throw new TypeError(`${op}: operands must be tensors or numbers, got ${typeof x}`);
  }
  if (x.dtype === "float64") {
    throw new TypeError(
      `${op}: float64 with complex64 gives complex128 in PyTorch, which edgetorch does not have; ` +
        "convert the float64 tensor with .float() first",
    );
  }
  return [x.dtype === "float32" ? x : x.to("float32"), null];
}

function padd(a: Part, b: Part): Part {
  if (a === null) return b;
  if (b === null) return a;
  if (typeof a === "number" && typeof b === "number") return a + b;
  return ew.add(a, b);
}
function psub(a: Part, b: Part): Part {
  if (b === null) return a;
  if (a === null) return pneg(b);
  if (typeof a === "number" && typeof b === "number") return a - b;
  return ew.sub(a, b);
}
function pneg(a: Part): Part {
  if (a === null) return null;
  return typeof a === "number" ? -a : ew.neg(a);
}
function pmul(a: Part, b: Part): Part {
  if (a === null || b === null) return null;
  if (typeof a === "number" && typeof b === "number") return a * b;
  return ew.mul(a, b);
}
function pdiv(a: Part, b: Tensor | number): Part {
  if (a === null) return null;
  if (typeof a === "number" && typeof b === "number") return a / b;
  return ew.div(a, b);
}

/** A float32 tensor of `p` broadcast to `shape` (a number or a missing part filled). */
function full(p: Part, like: readonly Part[]): Tensor {
  if (p instanceof Tensor) return p;
  const t = like.find((x): x is Tensor => x instanceof Tensor)!;
  return fullLike(t, p ?? 0, { dtype: "float32" });
}

/** The complex tensor `re + i im` (parts broadcast against each other). */
export function fromParts(re: Part, im: Part): Tensor {
  const all = [re, im];
  let r = full(re, all), i = full(im, all);
  if (r.shape.length !== i.shape.length || r.shape.some((s, d) => s !== i.shape[d])) {
    const shape = ew.add(r.detach(), i.detach()).shape;
    r = r.expand(shape as number[]);
    i = i.expand(shape as number[]);
  }
  return viewAsComplex(stack([r, i], -1));
}

/**
 * @internal `a · b`, or `a · conj(b)` with `conjB`, of two complex64 tensors (broadcast) in one
 * kernel pass over the (re, im) pairs (the backend's `complexMul`; each part rounded as the
 * composite over real parts rounds it), recorded as one node; null when the backend has no such
 * kernel or the devices differ (the composite then runs, or reports the mismatch).
 */
export function complexMulKernel(a: Tensor, b: Tensor, conjB = false): Tensor | null {
  const backend = backendFor(a.device);
  if (!backend.complexMul || a.device !== b.device) return null;
  const shape = broadcastShapes("mul", a.shape, b.shape);
  return recordComposite("complexMul", [a, b], { conjB }, () => {
    const pairs = (z: Tensor) => contiguousStorage(viewAsReal(z.expand(shape)));
    const out = backend.complexMul!(pairs(a), pairs(b), numelOf(shape), conjB);
    return viewAsComplex(wrap(out, [...shape, 2]));
  });
}

const BINARY = new Set(["add", "sub", "mul", "div", "pow", "eq", "ne"]);

/** `a op b` with a complex operand (broadcasting; real operands promote to complex64). */
export function complexBinary(op: string, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  if (!BINARY.has(op)) throw complexNotImplemented(op);
  if (op === "pow") return complexPow(a, b);
  if (op === "mul" && isComplexOperand(a) && isComplexOperand(b)) {
    const viaKernel = complexMulKernel(a as Tensor, b as Tensor);
    if (viaKernel !== null) return viaKernel;
  }
  const [ar, ai] = partsOf(op, a), [br, bi] = partsOf(op, b);
  switch (op) {
    case "add":
      return fromParts(padd(ar, br), padd(ai, bi));
    case "sub":
      return fromParts(psub(ar, br), psub(ai, bi));
    case "mul":
      return fromParts(psub(pmul(ar, br), pmul(ai, bi)), padd(pmul(ar, bi), pmul(ai, br)));
    case "div": {
      if (bi === null) return fromParts(pdiv(ar, br), pdiv(ai, br));
      const d = padd(pmul(br, br), pmul(bi, bi)) as Tensor;
      return fromParts(
        pdiv(padd(pmul(ar, br), pmul(ai, bi)), d),
        pdiv(psub(pmul(ai, br), pmul(ar, bi)), d),
      );
    }
    default: {
      // eq / ne: both parts compared (a missing imaginary part is 0).
      const same = ew.mul(ew.eq(full(ar, [ar, br]), br), ew.eq(full(ai ?? 0, [ar, br]), bi ?? 0));
      return op === "eq" ? same : ew.eq(same, 0);
    }
  }
}

/**
 * |z| and arg z of a complex tensor, as float32. At z = 0 both are 0 with a zero gradient, as in
 * PyTorch (sqrt and atan2 have none there): the zeros are masked out before either is taken.
 */
export function absAngle(z: Tensor, want: "abs" | "angle" | "both" = "both"): [Tensor, Tensor] {
  const [re, im] = parts(z);
  const sq = ew.add(ew.mul(re, re), ew.mul(im, im));
  const zero = ew.eq(sq, 0);
  // Only what is asked for is computed: an unused branch would leave graph nodes for the collector.
  const abs = want === "angle" ? sq : ew.where(zero, 0, ew.sqrt(ew.where(zero, 1, sq)));
  const angle = want === "abs" ? sq : ew.where(zero, 0, atan2(ew.where(zero, 0, im), ew.where(zero, 1, re)));
  return [abs, angle];
}

/** `a ** b` with a complex operand: by polar form for a real exponent, `exp(b log a)` otherwise. */
function complexPow(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const base = isComplexOperand(a) ? a as Tensor : fromParts(partsOf("pow", a)[0], null);
  if (!isComplexOperand(b)) {
    const [p] = partsOf("pow", b);
    const [r, theta] = absAngle(base);
    const mag = ew.pow(r, p), ang = ew.mul(theta, p);
    return fromParts(ew.mul(mag, ew.cos(ang)), ew.mul(mag, ew.sin(ang)));
  }
  return complexUnary("exp", complexBinary("mul", b, complexUnary("log", base)));
}

/** `op(z)` for a complex tensor (the unary kernels' ops). */
export function complexUnary(op: string, z: Tensor): Tensor {
  switch (op) {
    case "neg": {
      const [re, im] = parts(z);
      return fromParts(ew.neg(re), ew.neg(im));
    }
    case "abs":
      return absAngle(z, "abs")[0];
    case "exp": {
      const [re, im] = parts(z);
      const m = ew.exp(re);
      return fromParts(ew.mul(m, ew.cos(im)), ew.mul(m, ew.sin(im)));
    }
    case "log": {
      const [r, theta] = absAngle(z);
      return fromParts(ew.log(r), theta);
    }
    case "sqrt": {
      const [r, theta] = absAngle(z);
      const m = ew.sqrt(r), half = ew.mul(theta, 0.5);
      return fromParts(ew.mul(m, ew.cos(half)), ew.mul(m, ew.sin(half)));
    }
    default:
      throw complexNotImplemented(op);
  }
}

/** `where(condition, a, b)` with a complex operand: each part chosen separately. */
export function complexWhere(condition: Tensor, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const [ar, ai] = partsOf("where", a), [br, bi] = partsOf("where", b);
  return fromParts(ew.where(condition, ar, br), ew.where(condition, ai ?? 0, bi ?? 0));
}

/** `sgn(z)`: z / |z|, and 0 at 0 (PyTorch's `torch.sgn` of a complex tensor). */
export function complexSgn(z: Tensor): Tensor {
  const abs = absAngle(z, "abs")[0];
  const zero = ew.eq(abs, 0);
  return complexWhere(zero, 0, complexBinary("div", z, ew.where(zero, 1, abs)));
}

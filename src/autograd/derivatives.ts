/**
 * THE table of backward formulas, keyed by op name. Each row says what its formula reads of the
 * forward pass (`saves`: none, the inputs, the output, or both, plus the named arguments holding
 * tensors), which is exactly what the graph keeps alive and checks against later in-place writes,
 * and maps the gradient of the op's output to gradients of its inputs (null where an input gets
 * none), using differentiable tensor ops so `createGraph: true` gives higher-order gradients.
 * Formulas return gradients in the broadcast shape; the engine sums them back to each input's
 * shape in one place.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { type Backward, type Derivative, type Input, Node, type SavedValues } from "./node.ts";
import * as ew from "../ops/elementwise.ts";
import * as red from "../ops/reduce.ts";
import * as mv from "../ops/movement.ts";
import * as ix from "../ops/indexing.ts";
import { oneHot } from "../ops/one_hot.ts";
import * as adv from "../ops/advanced_index.ts";
import * as sc from "../ops/scatter.ts";
import { matmul } from "../ops/matmul.ts";
import * as cv from "../ops/conv_core.ts";
import type { AvgPoolOptions, Conv2dGeometry, Pool2dGeometry } from "../backends/backend.ts";
import { toDevice, toDType } from "../ops/convert.ts";
import type { Device } from "../backends/backend.ts";
import type { DType } from "../dtype.ts";
import { contiguousStrides, numelOf } from "../shape.ts";
import { isGradEnabled } from "./grad_mode.ts";
import { backendFor } from "../backends/registry.ts";
import { record, storageAs, wrap } from "../ops/dispatch.ts";
import { bceTerms } from "../ops/loss.ts";
import { floorDivide } from "../ops/division.ts";
import { trunc } from "../ops/pointwise.ts";
import { cumprodBackward } from "../ops/cumulative.ts";
import { unfoldBackward } from "../ops/unfold_view.ts";
import { isfinite, isnan, logicalNot, logicalOr } from "../ops/logical.ts";
import { cosh, sinh } from "../ops/trig.ts";
import { cdistBackward, euclideanDistBackward } from "../ops/distance.ts";
import { logcumsumexpBackward } from "../ops/scans.ts";
import * as la from "../linalg/solve.ts";
import { invTransposeForGradient } from "../linalg/lu.ts";
import { detBackward } from "../linalg/det_backward.ts";
import { choleskyBackward, choleskySolveBackward, solveTriangularBackward } from "../linalg/gradients.ts";
import { specialDerivatives } from "../special/derivatives.ts";
import { asStridedDerivatives } from "../ops/as_strided_derivatives.ts";
import { extraDerivatives } from "./derivatives_extra.ts";
import * as decompGrad from "../linalg/decomp_gradients.ts";

export type { Backward, Derivative } from "./node.ts";

/** Saved input `i` (the row must save its inputs: a formula reading an unsaved one is a bug). */
function input(node: Node, i: number): Tensor {
  const t = node.inputs[i];
  if (t === null || t === undefined) {
    throw new Error(`internal: the backward of ${node.op} reads input ${i}, which its row does not save`);
  }
  return t as Tensor;
}
function x0(node: Node): Tensor {
  return input(node, 0);
}
/** Input `i` as the formula reads it: a saved tensor or a JS number. */
function operand(node: Node, i: number): Input {
  const v = node.inputs[i];
  return typeof v === "number" ? v : input(node, i);
}
/** The saved output (the row must save it). */
function y(node: Node): Tensor {
  if (!node.savesOutput || node.output === null) {
    throw new Error(`internal: the backward of ${node.op} reads its output, which its row does not save`);
  }
  return node.output;
}
/** The shape of input `i`. */
function shapeOf(node: Node, i = 0): readonly number[] {
  return node.inputShapes[i] as readonly number[];
}
/** Whether input `i` receives a gradient (a tensor that requires grad, not a JS number). */
function needs(node: Node, i: number): boolean {
  const edge = node.next[i];
  return edge !== null && edge !== undefined;
}

/** Computes only the gradients that some input needs. */
function only(node: Node, ...fns: (() => Tensor)[]): (Tensor | null)[] {
  return fns.map((f, i) => (needs(node, i) ? f() : null));
}

function arg<T>(node: Node, name: string): T {
  return node.args[name] as T;
}

/** `g` of a reduction output given back its reduced dims (as size 1), ready to broadcast. */
function keepDims(g: Tensor, node: Node): Tensor {
  if (arg<boolean>(node, "keepdim")) return g;
  const dims = node.args.dims !== undefined ? arg<number[]>(node, "dims") : [arg<number>(node, "dim")];
  let out = g;
  const rank = shapeOf(node).length;
  for (const d of [...dims].sort((a, b) => a - b)) {
    if (d < rank) out = mv.unsqueeze(out, d);
  }
  return out;
}

/** The value of a reduction's output kept at the input's rank (a constant: for masks). */
function keptOutput(node: Node): Tensor {
  return keepDims(y(node).detach(), node);
}

/** A reduction's output at the input's rank, differentiable (for formulas built on it). */
function keptResult(node: Node): Tensor {
  return keepDims(y(node), node);
}

/** `x` as a constant of a formula: a number, or the tensor's values without its graph. */
function constant(x: Input): Tensor | number {
  return typeof x === "number" ? x : x.detach();
}

/** Whether `x` is a tensor that will receive a gradient. */
function wantsGrad(x: Input): boolean {
  return typeof x !== "number" && x.requiresGrad;
}

/**
 * The tensor an input's gradient flows to (its producer's output, or the leaf itself): lets a
 * formula that saved no input rebuild a graph from it under `createGraph`.
 */
function inputHandle(node: Node, i: number): Tensor {
  const edge = node.next[i];
  const t = edge instanceof Node ? edge.output : edge;
  if (!t) throw new Error(`internal: input ${i} of ${node.op} has no gradient edge`);
  return t;
}

/** A row: what its formula reads, the formula, and the named tensor arguments it keeps. */
function reads(saves: Derivative["saves"], backward: Backward, savedArgs?: readonly string[]): Derivative {
  return savedArgs ? { saves, savedArgs, backward } : { saves, backward };
}

/** A row whose `grad_fn` PyTorch names differently from `<Op>Backward0`. */
function named(
  name: string,
  saves: Derivative["saves"],
  backward: Backward,
  savedArgs?: readonly string[],
): Derivative {
  return { ...reads(saves, backward, savedArgs), name };
}

const asShape: Derivative = reads("none", (g, node) => [mv.reshape(g, arg<number[]>(node, "inputShape"))]);
const passThrough: Derivative = reads("none", (g) => [g]);
const zeroGrad: Derivative = reads("none", (g) => [ew.mul(g, 0)]);
const zeroGrads2: Derivative = reads("none", (g, n) => only(n, () => ew.mul(g, 0), () => ew.mul(g, 0)));
/** Values picked along `dim` at `index` (`gather`, `sort`, `topk`): `g` added back at those positions. */
const gathered: Derivative = reads("none", (g, n) => [
  ix.scatterAddInto(g, arg<number>(n, "dim"), arg<Tensor>(n, "index"), shapeOf(n)),
], ["index"]);
/** `gather`: as `gathered`, keeping its input as PyTorch does (an in-place write to it is refused). */
const gatheredKeepingInput: Derivative = { ...gathered, saves: "inputs" };
/** A view at a fixed geometry of its input (`asStrided`, `diagonal`): `g` written there, zeros elsewhere. */
const intoGeometry: Derivative = reads("none", (g, n) => [
  ix.embed(g, arg<number[]>(n, "inputShape"), arg<ix.Geometry>(n, "geometry")),
]);

/** Gradient of `max/min(a, b)`: all of it to the larger/smaller, split evenly on ties. */
function extremeGrad(pick: (a: Input, b: Input) => Tensor): Derivative {
  return reads("inputs", (g, node) => {
    const a = operand(node, 0), b = operand(node, 1);
    const tie = ew.mul(ew.eq(a, b), 0.5);
    return only(node, () => ew.mul(g, ew.add(pick(a, b), tie)), () => ew.mul(g, ew.add(pick(b, a), tie)));
  });
}

/** `amax`/`amin`: the gradient shared evenly among the elements equal to the extreme. */
const extremeValuesGrad: Derivative = reads("both", (g, n) => {
  const mask = ew.eq(x0(n), keptOutput(n));
  return [ew.div(ew.mul(keepDims(g, n), mask), red.sum(mask, arg<number[]>(n, "dims"), { keepdim: true }))];
});

/** `max(dim)`/`min(dim)`: the gradient to the selected index. */
const extremeAlongGrad: Derivative = reads("none", (g, n) => {
  if (shapeOf(n).length === 0) return [g];
  const d = arg<number>(n, "dim");
  const idx = arg<boolean>(n, "keepdim")
    ? arg<Tensor>(n, "indices")
    : mv.unsqueeze(arg<Tensor>(n, "indices"), d);
  return [ix.scatterAddInto(keepDims(g, n), d, idx, shapeOf(n))];
}, ["indices"]);

/** PyTorch's evenly_distribute_backward: `g` split among the elements equal to the 0-d `value`. */
function medianGrad(g: Tensor, x: Tensor, value: Tensor): Tensor {
  const v = value.detach();
  const mask = ew.where(isnan(v), isnan(x), ew.eq(x, v));
  return ew.mul(mask, ew.div(g, red.sum(mask)));
}

/** Gradients of a pointwise loss of `d = input - target` whose derivative in `d` is `dLoss(d)`. */
function lossGrad(n: Node, g: Tensor, dLoss: (d: Tensor) => Tensor): (Tensor | null)[] {
  const scale = arg<string>(n, "reduction") === "mean" ? ew.div(g, arg<number>(n, "count")) : g;
  const gi = ew.mul(dLoss(ew.sub(input(n, 0), input(n, 1))), scale);
  return only(n, () => gi, () => ew.neg(gi));
}

/** fmax/fmin's gradients: `g` to the input where `wins` or the other is NaN, to the other elsewhere. */
function fExtremeGrad(n: Node, g: Tensor, wins: Tensor): (Tensor | null)[] {
  const toInput = logicalOr(wins, isnan(input(n, 1)));
  return only(n, () => ew.where(toInput, g, 0), () => ew.where(toInput, 0, g));
}

/** A row for an op PyTorch gives no derivative: backward says so. */
function notDifferentiable(op: string): Derivative {
  return reads("none", () => {
    throw new Error(`${op}: the derivative for '${op}' is not implemented (as PyTorch); detach its inputs`);
  });
}

/** The derivative table. */
export const derivatives = {
  neg: reads("none", (g) => [ew.neg(g)]),
  abs: reads("inputs", (g, n) => [ew.mul(g, ew.sign(x0(n)))]),
  exp: reads("output", (g, n) => [ew.mul(g, y(n))]),
  log: reads("inputs", (g, n) => [ew.div(g, x0(n))]),
  log1p: { ...reads("inputs", (g, n) => [ew.div(g, ew.add(x0(n), 1))]), name: "Log1PBackward0" },
  sqrt: reads("output", (g, n) => [ew.div(g, ew.mul(y(n), 2))]),
  rsqrt: reads("output", (g, n) => [ew.mul(g, ew.mul(ew.pow(y(n), 3), -0.5))]),
  sin: reads("inputs", (g, n) => [ew.mul(g, ew.cos(x0(n)))]),
  cos: reads("inputs", (g, n) => [ew.mul(g, ew.neg(ew.sin(x0(n))))]),
  tanh: reads("output", (g, n) => [ew.mul(g, ew.sub(1, ew.mul(y(n), y(n))))]),
  sigmoid: reads("output", (g, n) => [ew.mul(g, ew.mul(y(n), ew.sub(1, y(n))))]),
  relu: reads("output", (g, n) => [ew.mul(g, ew.gt(y(n), 0))]),
  sign: zeroGrad,
  floor: zeroGrad,
  ceil: zeroGrad,
  round: zeroGrad,

  add: reads("none", (g) => [g, g]),
  sub: reads("none", (g, n) => only(n, () => g, () => ew.neg(g))),
  // Each operand is kept only when the other one needs a gradient (x * 2 keeps nothing), as PyTorch.
  mul: {
    saves: ([a, b]): SavedValues => ({ inputs: [wantsGrad(b), wantsGrad(a)], output: false }),
    backward: (g, n) => only(n, () => ew.mul(g, operand(n, 1)), () => ew.mul(g, operand(n, 0))),
  },
  // a / b keeps b for a's gradient and both for b's (a number divided by a tensor is a reciprocal
  // times the number, see `div`).
  div: {
    saves: ([a, b]): SavedValues => ({ inputs: [wantsGrad(b), wantsGrad(a) || wantsGrad(b)], output: false }),
    backward: (g, n) => {
      const b = operand(n, 1);
      return only(n, () => ew.div(g, b), () => ew.neg(ew.div(ew.mul(g, operand(n, 0)), ew.mul(b, b))));
    },
  },
  // a ** 2 keeps a; 2 ** b keeps b and the result; a ** b keeps all three (PyTorch's choices).
  pow: {
    saves: ([a, b]): SavedValues =>
      typeof b === "number"
        ? { inputs: [true, false], output: false }
        : { inputs: [typeof a !== "number", true], output: true },
    backward: (g, n) => {
      const a = operand(n, 0), b = operand(n, 1);
      return only(
        n,
        () => {
          if (typeof b === "number") return b === 0 ? ew.mul(g, 0) : ew.mul(g, ew.mul(ew.pow(a, b - 1), b));
          // d/da a^b = b a^(b-1), taken as 0 where b == 0 (so 0^0 gives 0, not NaN).
          return ew.where(ew.eq(b, 0), 0, ew.mul(g, ew.mul(b, ew.pow(a, ew.sub(b, 1)))));
        },
        () => {
          // d/db a^b = a^b log a, taken as 0 where a == 0 and b >= 0 (PyTorch's convention).
          const raw = ew.mul(g, ew.mul(y(n), typeof a === "number" ? Math.log(a) : ew.log(a)));
          if (typeof a === "number") return a === 0 ? ew.where(ew.ge(b, 0), 0, raw) : raw;
          return ew.where(ew.mul(ew.eq(a, 0), ew.ge(b, 0)), 0, raw);
        },
      );
    },
  },
  maximum: extremeGrad((a, b) => ew.gt(a, b)),
  minimum: extremeGrad((a, b) => ew.lt(a, b)),
  clamp: named("ClampBackward1", "inputs", (g, n) => {
    const x = x0(n), lo = arg<number | null>(n, "min"), hi = arg<number | null>(n, "max");
    let out = g;
    if (lo !== null) out = ew.where(ew.lt(x, lo), 0, out);
    if (hi !== null) out = ew.where(ew.gt(x, hi), 0, out);
    return [out];
  }),
  where: reads("none", (g, n) => {
    const c = arg<Tensor>(n, "condition");
    return only(n, () => ew.where(c, g, 0), () => ew.where(c, 0, g));
  }, ["condition"]),

  sum: reads("none", (g, n) => [mv.expand(keepDims(g, n), shapeOf(n))]),
  mean: reads("none", (g, n) => [ew.div(mv.expand(keepDims(g, n), shapeOf(n)), arg<number>(n, "count"))]),
  prod: reads("both", (g, n) => {
    // d prod / d x_i is the product of the others: prod/x_i when the slice has no zero; at a
    // slice's only zero, the product of its nonzeros; 0 everywhere else.
    const x = x0(n), dims = arg<number[]>(n, "dims");
    const isZero = ew.eq(x, 0);
    const zeros = red.sum(isZero, { dim: dims, keepdim: true });
    const safe = ew.where(isZero, 1, x);
    const nonzeroProd = red.prod(safe, { dim: dims, keepdim: true });
    const others = ew.where(
      ew.eq(zeros, 0),
      ew.div(nonzeroProd, safe),
      ew.where(ew.mul(ew.eq(zeros, 1), isZero), nonzeroProd, 0),
    );
    return [ew.mul(keepDims(g, n), others)];
  }),
  amax: extremeValuesGrad,
  amin: extremeValuesGrad,
  max: extremeAlongGrad,
  min: extremeAlongGrad,
  // Composites recorded as one node (src/ops/reduce.ts), with PyTorch's formulas and saved values.
  var: reads("inputs", (g, n) => {
    const x = x0(n), dims = arg<number[]>(n, "dims");
    const centered = ew.sub(x, red.mean(x, dims, { keepdim: true }));
    const scale = 2 / Math.max(arg<number>(n, "count") - arg<number>(n, "correction"), 0);
    return [ew.mul(ew.mul(keepDims(g, n), centered), scale)];
  }),
  std: reads("both", (g, n) => {
    // var's gradient of g / (2 std), taken as 0 where std is 0 (a constant slice), as PyTorch.
    const x = x0(n), dims = arg<number[]>(n, "dims"), s = keptResult(n);
    const gVar = ew.where(ew.eq(s, 0), 0, ew.div(keepDims(g, n), ew.mul(s, 2)));
    const centered = ew.sub(x, red.mean(x, dims, { keepdim: true }));
    const scale = 2 / Math.max(arg<number>(n, "count") - arg<number>(n, "correction"), 0);
    return [ew.mul(ew.mul(gVar, centered), scale)];
  }),
  logsumexp: reads("both", (g, n) => [ew.mul(keepDims(g, n), ew.exp(ew.sub(x0(n), keptResult(n))))]),
  norm: named("NormBackward1", "both", (g, n) => {
    const x = x0(n), p = arg<number>(n, "p"), gk = keepDims(g, n), r = keptResult(n);
    if (p === 1) return [ew.mul(gk, ew.sign(x))];
    if (p === Infinity || p === -Infinity) {
      // Shared evenly among the elements at the extreme, with their signs.
      const hit = ew.eq(ew.abs(x), r);
      const count = red.sum(hit, arg<number[]>(n, "dims"), { keepdim: true });
      return [ew.div(ew.mul(ew.mul(gk, ew.sign(x)), hit), count)];
    }
    // x |x|^(p-2) g / norm^(p-1), 0 where the norm is 0 (PyTorch's convention).
    const scaled = ew.where(ew.eq(r, 0), 0, ew.div(gk, p === 2 ? r : ew.pow(r, p - 1)));
    return [ew.mul(p === 2 ? x : ew.mul(x, ew.pow(ew.abs(x), p - 2)), scaled)];
  }),
  softmax: reads("output", (g, n) => {
    const s = y(n), d = arg<number>(n, "dim");
    return [ew.mul(s, ew.sub(g, red.sum(ew.mul(g, s), d, { keepdim: true })))];
  }),
  logSoftmax: reads("output", (g, n) => {
    const d = arg<number>(n, "dim");
    return [ew.sub(g, ew.mul(ew.exp(y(n)), red.sum(g, d, { keepdim: true })))];
  }),
  cumsum: reads("none", (g, n) => {
    const d = arg<number>(n, "dim");
    return [ix.flip(red.cumsum(ix.flip(g, d), d), d)];
  }),

  view: asShape,
  reshape: asShape,
  squeeze: asShape,
  unsqueeze: asShape,
  expand: passThrough,
  transpose: reads("none", (g, n) => [mv.transpose(g, arg<number>(n, "dim0"), arg<number>(n, "dim1"))]),
  permute: reads("none", (g, n) => {
    const dims = arg<number[]>(n, "dims");
    const inverse = dims.map((_, i) => dims.indexOf(i));
    return [mv.permute(g, inverse)];
  }),
  index: reads("none", (g, n) => {
    const shape = arg<number[]>(n, "inputShape");
    return [
      ix.embed(g, shape, mv.applyPlan(arg<mv.IndexStep[]>(n, "plan"), shape, contiguousStrides(shape), 0)),
    ];
  }),
  embed: reads("none", (g, n) => [ix.asStrided(g, arg<ix.Geometry>(n, "geometry"))]),
  asStrided: intoGeometry,
  diagonal: intoGeometry,
  // Tensor.unfold's sliding windows (src/ops/unfold_view.ts): overlapping windows add up.
  unfold: reads("none", (g, n) => [
    unfoldBackward(
      g,
      arg<number[]>(n, "inputShape"),
      arg<number>(n, "dim"),
      arg<number>(n, "size"),
      arg<number>(n, "step"),
    ),
  ]),
  copySlices: reads("none", (g, n) => {
    // The base after writing `src` into its region: the region's gradient goes to src, the rest to the old base.
    const geometry = arg<ix.Geometry>(n, "geometry");
    const region = ix.asStrided(g, geometry);
    return only(n, () => ew.sub(g, ix.embed(region, g.shape, geometry)), () => region);
  }),
  clone: passThrough,
  cat: reads("none", (g, n) => {
    const d = arg<number>(n, "dim");
    let start = 0;
    return arg<number[]>(n, "sizes").map((size) => {
      const piece = mv.narrow(g, d, start, size);
      start += size;
      return piece;
    });
  }),
  gather: gatheredKeepingInput,
  sort: gathered,
  topk: gathered,
  scatterAddInto: reads("none", (g, n) => [ix.gather(g, arg<number>(n, "dim"), arg<Tensor>(n, "index"))], [
    "index",
  ]),
  indexSelect: reads(
    "none",
    (g, n) => [ix.indexAddInto(g, arg<number>(n, "dim"), arg<Tensor>(n, "index"), shapeOf(n))],
    ["index"],
  ),
  maskedSelect: reads("inputs", (g, n) => {
    // Back into the broadcast shape of input and mask; the engine sums it down to the input's.
    const shape = arg<number[]>(n, "shape");
    return [mv.reshape(ix.indexAddInto(g, 0, arg<Tensor>(n, "index"), [numelOf(shape)]), shape)];
  }, ["index"]),
  indexAddInto: reads("none", (g, n) => [ix.indexSelect(g, arg<number>(n, "dim"), arg<Tensor>(n, "index"))], [
    "index",
  ]),
  // x[indices] with tensors (src/ops/advanced_index.ts): g added back at the indices.
  advancedIndex: {
    saves: "none",
    savedArgs: ["linear"],
    name: "IndexBackward0",
    backward: (g, n) => [adv.indexBackward(g, arg<adv.Located>(n, "loc"), shapeOf(n))],
  },
  // scatter_reduce (src/ops/scatter.ts), PyTorch's formulas; saves self, src and the result as PyTorch.
  scatterReduce: {
    saves: "both",
    savedArgs: ["index", "linear"],
    name: "ScatterReduceBackward0",
    backward: (g, n) =>
      sc.scatterReduceBackward(
        g,
        x0(n),
        input(n, 1),
        y(n),
        arg<number>(n, "dim"),
        arg<Tensor>(n, "index"),
        arg<sc.ScatterReduction>(n, "reduce"),
        arg<boolean>(n, "includeSelf"),
        [needs(n, 0), needs(n, 1)],
      ),
  },
  // scatter with PyTorch's legacy reduce ("add"/"multiply"): no derivative, as in PyTorch 1.13.
  scatterWithReduce: {
    saves: "none",
    name: "NotImplemented",
    backward: () => {
      throw new Error(
        'scatter: scatter with reduce ("add" / "multiply") has no derivative (PyTorch has none either); ' +
          'use scatterReduce(dim, index, src, "sum" | "prod"), which is differentiable',
      );
    },
  },
  // x[indices] = values (or += with accumulate): the written positions' gradient goes to the values.
  indexPut: {
    saves: "none",
    savedArgs: ["linear"],
    backward: (g, n) => {
      const loc = arg<adv.Located>(n, "loc");
      return only(
        n,
        () => arg<boolean>(n, "accumulate") ? g : adv.putAt(g, loc, 0, false),
        () => adv.gatherAt(g, loc),
      );
    },
  },

  // Each factor is kept only when the other one needs a gradient (x @ W with a constant W
  // keeps nothing of x), as PyTorch.
  matmul: {
    saves: ([a, b]): SavedValues => ({ inputs: [wantsGrad(b), wantsGrad(a)], output: false }),
    backward: (g, n) => [
      needs(n, 0) ? matmul(g, mv.transpose(input(n, 1), -2, -1)) : null,
      needs(n, 1) ? matmul(mv.transpose(input(n, 0), -2, -1), g) : null,
    ],
  },
  // `x @ wᵀ + b` (x is 2-d): the input gradient g @ w, the weight's gᵀ @ x, the bias's Σ g.
  linear: {
    saves: ([x, w, b]): SavedValues => ({
      inputs: b === undefined ? [wantsGrad(w), wantsGrad(x)] : [wantsGrad(w), wantsGrad(x), false],
      output: false,
    }),
    backward: (g, n) =>
      only(
        n,
        () => matmul(g, input(n, 1)),
        () => matmul(mv.transpose(g, 0, 1), input(n, 0)),
        () => red.sum(g, 0),
      ),
  },
  // 1 / x (what a number divided by a tensor is built from, as PyTorch): keeps its result.
  reciprocal: reads("output", (g, n) => [ew.neg(ew.mul(g, ew.mul(y(n), y(n))))]),
  // Binary cross-entropy of probabilities (nn/loss_pointwise.ts), PyTorch's formulas: the input's
  // gradient divides by max((1 - p) p, 1e-12), so saturated predictions stay finite.
  binaryCrossEntropy: reads("inputs", (g, n) => {
    const p = input(n, 0), t = input(n, 1), w = n.inputs.length > 2 ? input(n, 2) : null;
    const weighted = (x: Tensor) => (w ? ew.mul(x, w) : x);
    return only(
      n,
      () => weighted(ew.div(ew.mul(g, ew.sub(p, t)), ew.clamp(ew.mul(ew.sub(1, p), p), 1e-12))),
      () => weighted(ew.mul(g, ew.sub(ew.clamp(ew.log(ew.sub(1, p)), -100), ew.clamp(ew.log(p), -100)))),
      () => ew.mul(g, bceTerms(p, t)),
    );
  }),
  // Pointwise regression losses with their reduction (nn/loss_pointwise.ts), PyTorch's formulas:
  // each input's gradient is the loss's derivative in d = input - target, times g (over N for a mean).
  mseLoss: named("MseLossBackward0", "inputs", (g, n) => lossGrad(n, g, (d) => ew.mul(d, 2))),
  smoothL1Loss: named("SmoothL1LossBackward0", "inputs", (g, n) =>
    lossGrad(n, g, (d) => {
      const beta = arg<number>(n, "beta");
      return beta === 0 ? ew.sign(d) : ew.where(ew.lt(ew.abs(d), beta), ew.div(d, beta), ew.sign(d));
    })),
  huberLoss: named("HuberLossBackward0", "inputs", (g, n) =>
    lossGrad(n, g, (d) => {
      const delta = arg<number>(n, "delta");
      return ew.where(ew.le(ew.abs(d), delta), d, ew.mul(ew.sign(d), delta));
    })),
  // Softmax cross-entropy at class indices (src/ops/loss.ts), one fused kernel each way.
  crossEntropy: {
    saves: "none",
    savedArgs: ["logp", "target", "count"],
    name: "NllLossBackward0",
    backward: (g, n) => {
      const logp = arg<Tensor>(n, "logp"), target = arg<Tensor>(n, "target");
      const reduction = arg<string>(n, "reduction"), ignore = arg<number>(n, "ignoreIndex");
      const [rows, cols] = logp.shape;
      const gRows = reduction === "mean" ? ew.div(g, arg<Tensor>(n, "count")) : g;
      if (isGradEnabled()) {
        // createGraph: the same gradient from differentiable ops (softmax recomputed from the input).
        const valid = ew.ne(target, ignore);
        const hot = oneHot(ew.where(valid, target, 0), cols).to("float32");
        const perRow = mv.reshape(gRows, reduction === "none" ? [rows, 1] : [1, 1]);
        const scale = ew.mul(perRow, mv.reshape(valid.to("float32"), [rows, 1]));
        // exp(logp) as a function of the input, from the saved log-probabilities (log-softmax's
        // derivative reads only its output), so an in-place write to the input is harmless.
        const x = mv.reshape(inputHandle(n, 0), [rows, cols]);
        const probs = ew.exp(record("logSoftmax", [x], mv.alias(logp), { dim: 1 }));
        return [mv.reshape(ew.mul(ew.sub(probs, hot), scale), shapeOf(n))];
      }
      const out = backendFor(g.device).crossEntropyBackward!(
        logp._storage,
        target._storage,
        storageAs(gRows, "float32"),
        rows,
        cols,
        ignore,
      );
      return [mv.reshape(wrap(out, [rows, cols]), shapeOf(n))];
    },
  },
  // ops/erf.ts: composites recorded with their exact derivatives.
  erf: reads(
    "inputs",
    (g, n) => [ew.mul(g, ew.mul(ew.exp(ew.neg(ew.mul(x0(n), x0(n)))), 2 / Math.sqrt(Math.PI)))],
  ),
  erfinv: reads("output", (g, n) => [ew.mul(g, ew.mul(ew.exp(ew.mul(y(n), y(n))), Math.sqrt(Math.PI) / 2))]),
  // src/special/: lgamma, digamma, polygamma, erfc, the Bessel functions, xlogy, ... (PyTorch's formulas).
  ...specialDerivatives,
  // torch.as_strided over the storage (src/ops/as_strided.ts).
  ...asStridedDerivatives,
  ...extraDerivatives,
  conv2d: named("ConvolutionBackward0", "inputs", (g, n) =>
    cv.conv2dBackward(
      g,
      n.inputs as Tensor[],
      arg<Conv2dGeometry>(n, "geom"),
      arg<Tensor | null>(n, "cols"),
      n.inputs.map((_, i) => needs(n, i)),
    ), ["cols"]),
  im2col: reads("none", (g, n) => [cv.col2im(g, arg<Conv2dGeometry>(n, "geom"))]),
  col2im: reads("none", (g, n) => [cv.im2col(g, arg<Conv2dGeometry>(n, "geom"))]),
  maxPool2d: named(
    "MaxPool2DWithIndicesBackward0",
    "inputs",
    (g, n) => [cv.maxPool2dBackward(g, arg<Tensor>(n, "indices"), arg<number[]>(n, "inputShape"))],
    ["indices"],
  ),
  avgPool2d: named("AvgPool2DBackward0", "inputs", (g, n) => [
    cv.avgPool2dBackward(
      g,
      arg<Pool2dGeometry>(n, "geom"),
      arg<AvgPoolOptions>(n, "opts"),
      arg<number[]>(n, "inputShape"),
    ),
  ]),
  avgPool2dBackward: reads("none", (g, n) => {
    const geom = arg<Pool2dGeometry>(n, "geom");
    return [cv.avgPool2dCore(g, geom, arg<AvgPoolOptions>(n, "opts"))];
  }),
  toDType: { ...reads("none", (g, n) => [toDType(g, arg<DType>(n, "from"))]), name: "ToCopyBackward0" },
  toDevice: reads("none", (g, n) => [toDevice(g, arg<Device>(n, "from"))]),

  // Division that rounds (src/ops/division.ts): the quotient in b's gradient is piecewise
  // constant, so it is taken from the values (no graph), as PyTorch's formulas.
  fmod: {
    saves: ([, b]): SavedValues => ({ inputs: [wantsGrad(b), wantsGrad(b)], output: false }),
    backward: (g, n) =>
      only(
        n,
        () => g,
        () => ew.neg(ew.mul(g, trunc(ew.div(constant(operand(n, 0)), constant(operand(n, 1)))))),
      ),
  },
  remainder: {
    saves: ([, b]): SavedValues => ({ inputs: [wantsGrad(b), wantsGrad(b)], output: false }),
    backward: (g, n) =>
      only(
        n,
        () => g,
        () => ew.neg(ew.mul(g, floorDivide(constant(operand(n, 0)), constant(operand(n, 1))))),
      ),
  },
  floorDivide: reads("none", () => {
    throw new Error(
      "floorDivide: floorDivide has no derivative (PyTorch has none either); detach its " +
        "operands, or use torch.div(a, b).floor(), whose gradient is zero",
    );
  }),
  // div with a rounding mode, and x.eq_(y) and kin (ops/inplace_more.ts): zero gradients (PyTorch's).
  divRounded: { ...zeroGrads2, name: "DivBackward2" },
  compareInPlace: zeroGrads2,
  // atan2, hypot, nanToNum (src/ops/elementwise_more.ts): PyTorch's formulas.
  atan2: {
    saves: ([a, b]): SavedValues => ({
      inputs: [wantsGrad(a) || wantsGrad(b), wantsGrad(a) || wantsGrad(b)],
      output: false,
    }),
    backward: (g, n) => {
      const a = input(n, 0), b = input(n, 1);
      const recip = ew.div(1, ew.add(ew.mul(a, a), ew.mul(b, b)));
      return only(n, () => ew.mul(ew.mul(g, b), recip), () => ew.mul(ew.mul(g, ew.neg(a)), recip));
    },
  },
  hypot: {
    saves: ([a, b]): SavedValues => ({ inputs: [wantsGrad(a), wantsGrad(b)], output: true }),
    backward: (g, n) =>
      only(n, () => ew.div(ew.mul(g, input(n, 0)), y(n)), () => ew.div(ew.mul(g, input(n, 1)), y(n))),
  },
  // The elementwise math family (src/ops/trig.ts, binary_math.ts, bitwise.ts): PyTorch's formulas.
  asin: reads("inputs", (g, n) => [ew.div(g, ew.sqrt(ew.sub(1, ew.mul(x0(n), x0(n)))))]),
  acos: reads("inputs", (g, n) => [ew.neg(ew.div(g, ew.sqrt(ew.sub(1, ew.mul(x0(n), x0(n))))))]),
  atan: reads("inputs", (g, n) => [ew.div(g, ew.add(ew.mul(x0(n), x0(n)), 1))]),
  sinh: reads("inputs", (g, n) => [ew.mul(g, cosh(x0(n)))]),
  cosh: reads("inputs", (g, n) => [ew.mul(g, sinh(x0(n)))]),
  asinh: reads("inputs", (g, n) => [ew.div(g, ew.sqrt(ew.add(ew.mul(x0(n), x0(n)), 1)))]),
  acosh: reads("inputs", (g, n) => [ew.mul(g, ew.rsqrt(ew.sub(ew.mul(x0(n), x0(n)), 1)))]),
  atanh: reads("inputs", (g, n) => [ew.div(g, ew.sub(1, ew.mul(x0(n), x0(n))))]),
  // copysign: g * result / input (0 where the input is 0) for the input, nothing for the sign.
  copysign: {
    saves: ([a]): SavedValues => ({ inputs: [wantsGrad(a), false], output: wantsGrad(a) }),
    backward: (g, n) =>
      only(n, () => ew.mul(g, ew.where(ew.eq(x0(n), 0), 0, ew.div(y(n), x0(n)))), () => ew.mul(g, 0)),
  },
  // fmax/fmin: all of g to the input where it wins, ties and a NaN other included.
  fmax: reads("inputs", (g, n) => fExtremeGrad(n, g, ew.ge(x0(n), input(n, 1)))),
  fmin: reads("inputs", (g, n) => fExtremeGrad(n, g, ew.le(x0(n), input(n, 1)))),
  logaddexp: reads("inputs", (g, n) =>
    only(
      n,
      () => ew.div(g, ew.add(ew.exp(ew.sub(input(n, 1), x0(n))), 1)),
      () => ew.div(g, ew.add(ew.exp(ew.sub(x0(n), input(n, 1))), 1)),
    )),
  logaddexp2: reads("inputs", (g, n) =>
    only(
      n,
      () => ew.div(g, ew.add(ew.pow(2, ew.sub(input(n, 1), x0(n))), 1)),
      () => ew.div(g, ew.add(ew.pow(2, ew.sub(x0(n), input(n, 1))), 1)),
    )),
  // frexp's mantissa x / 2^e: g / 2^e (e is piecewise constant).
  frexpMantissa: reads(
    "inputs",
    (g, n) => [ew.div(g, ew.pow(2, ew.unaryOp("frexpExponent", x0(n).detach())))],
  ),
  frexpExponent: notDifferentiable("frexp"),
  heaviside: notDifferentiable("heaviside"),
  nextafter: notDifferentiable("nextafter"),
  // Integer-only kernels: their inputs never require grad (a row, so the table covers every op).
  gcd: notDifferentiable("gcd"),
  bitwiseAnd: notDifferentiable("bitwiseAnd"),
  bitwiseOr: notDifferentiable("bitwiseOr"),
  bitwiseXor: notDifferentiable("bitwiseXor"),
  bitwiseLeftShift: notDifferentiable("bitwiseLeftShift"),
  bitwiseRightShift: notDifferentiable("bitwiseRightShift"),
  // Global (nan)median (src/ops/quantile.ts): g shared evenly among the elements equal to the
  // result (the NaNs when it is NaN), PyTorch's evenly_distribute_backward.
  median: reads("both", (g, n) => [medianGrad(g, x0(n), y(n))]),
  nanmedian: reads("both", (g, n) => [medianGrad(g, x0(n), y(n))]),
  quantileLerp: named("LerpBackward1", "inputs", (g, n) => {
    const w = operand(n, 2);
    return only(
      n,
      () => ew.mul(g, typeof w === "number" ? 1 - w : ew.sub(1, w)),
      () => ew.mul(g, w),
      () => ew.mul(g, ew.sub(input(n, 1), x0(n))),
    );
  }),
  nansum: reads("inputs", (g, n) => [ew.mul(keepDims(g, n), logicalNot(isnan(x0(n))))]),
  nanToNum: reads("inputs", (g, n) => [ew.mul(g, isfinite(x0(n)))]),
  cumprod: reads("both", (g, n) => [cumprodBackward(g, x0(n), arg<number>(n, "dim"), y(n))]),
  logcumsumexp: reads("both", (g, n) => [logcumsumexpBackward(g, x0(n), y(n), arg<number>(n, "dim"))]),
  // cdist (src/ops/distance.ts): PyTorch's _cdist_backward and _euclidean_dist_backward.
  cdist: reads("both", (g, n) => {
    const [ga, gb] = cdistBackward(g, x0(n), input(n, 1), arg<number>(n, "p"), y(n));
    return only(n, () => ga, () => gb);
  }),
  euclideanDist: reads("both", (g, n) => {
    const [ga, gb] = euclideanDistBackward(g, x0(n), input(n, 1), y(n));
    return only(n, () => ga, () => gb);
  }),
  // torch.linalg's LU solvers (src/linalg/solve.ts), PyTorch's formulas (A⁻ᵀ is inv(A)ᵀ).
  linalgInv: named("LinalgInvExBackward0", "output", (g, n) => {
    const yt = mv.transpose(y(n), -2, -1);
    return [ew.neg(matmul(matmul(yt, g), yt))];
  }),
  // X = A⁻¹B: gB = A⁻ᵀ g, gA = -gB Xᵀ (keeps A and X, not B).
  linalgSolve: {
    saves: (): SavedValues => ({ inputs: [true, false], output: true }),
    name: "LinalgSolveExBackward0",
    backward: (g, n) => {
      const gB = la.solve(mv.transpose(x0(n), -2, -1), g);
      return only(n, () => ew.neg(matmul(gB, mv.transpose(y(n), -2, -1))), () => gB);
    },
  },
  linalgDet: named("LinalgDetBackward0", "both", (g, n) => [detBackward(g, x0(n), y(n))]),
  linalgCholesky: named(
    "LinalgCholeskyExBackward0",
    "output",
    (g, n) => [choleskyBackward(g, y(n), arg<boolean>(n, "upper"))],
  ),
  linalgSlogdet: named("LinalgSlogdetBackward0", "inputs", (g, n) => [
    ew.mul(mv.unsqueeze(mv.unsqueeze(g, -1), -1), invTransposeForGradient("linalg.slogdet", x0(n))),
  ]),
  // Triangular solvers (src/linalg/triangular.ts): keep A, and X only when A wants a gradient.
  linalgSolveTriangular: {
    saves: ([a]): SavedValues => ({ inputs: [true, false], output: wantsGrad(a) }),
    backward: (g, n) => {
      const opts = {
        upper: arg<boolean>(n, "upper"),
        left: arg<boolean>(n, "left"),
        unitriangular: arg<boolean>(n, "unitriangular"),
      };
      const [gA, gB] = solveTriangularBackward(g, x0(n), needs(n, 0) ? y(n) : null, opts, needs(n, 0));
      return only(n, () => gA!, () => gB);
    },
  },
  // X = choleskySolve(B, L): keeps L and X, not B.
  choleskySolve: {
    saves: (): SavedValues => ({ inputs: [false, true], output: true }),
    backward: (g, n) => {
      const [gB, gL] = choleskySolveBackward(g, input(n, 1), y(n), arg<boolean>(n, "upper"));
      return only(n, () => gB, () => gL);
    },
  },
  // Decompositions (src/linalg/qr.ts, eigh.ts, svd.ts): packed outputs (src/linalg/packed.ts).
  linalgQr: named("LinalgQrBackward0", "output", (g, n) => [
    decompGrad.qrBackward(g, y(n), arg<number[][]>(n, "shapes"), arg<string>(n, "mode")),
  ]),
  linalgEigh: named("LinalgEighBackward0", "output", (g, n) => [
    decompGrad.eighBackward(g, y(n), arg<number[][]>(n, "shapes")),
  ]),
  linalgEigvalsh: named(
    "LinalgEighBackward0",
    "none",
    (g, n) => [decompGrad.eigvalshBackward(g, arg<Tensor>(n, "V"))],
    ["V"],
  ),
  linalgSvd: named("LinalgSvdBackward0", "output", (g, n) => [
    decompGrad.svdBackward(g, y(n), arg<number[][]>(n, "shapes"), arg<boolean>(n, "full")),
  ]),
  linalgSvdvals: named(
    "LinalgSvdBackward0",
    "none",
    (g, n) => [decompGrad.svdvalsBackward(g, arg<Tensor>(n, "U"), arg<Tensor>(n, "Vh"))],
    ["U", "Vh"],
  ),
  linalgPinv: named("LinalgPinvBackward0", "both", (g, n) => [decompGrad.pinvBackward(g, y(n), x0(n))]),
  linalgLstsq: named("LinalgLstsqBackward0", "inputs", (g, n) => {
    const [gA, gB] = decompGrad.lstsqBackward(g, x0(n), input(n, 1), needs(n, 0), needs(n, 1));
    return only(n, () => gA!, () => gB!);
  }),
  linalgLu: named(
    "LinalgLuBackward0",
    "output",
    (g, n) => [decompGrad.luPackedBackward(g, y(n), arg<number[][]>(n, "shapes"), arg<Tensor>(n, "P"))],
    ["P"],
  ),
  linalgLuFactor: named(
    "LinalgLuFactorExBackward0",
    "output",
    (g, n) => [decompGrad.luFactorBackward(g, y(n), arg<Tensor>(n, "P"))],
    ["P"],
  ),
  matrixExp: named("LinalgMatrixExpBackward0", "inputs", (g, n) => [decompGrad.matrixExpBackward(x0(n), g)]),
} satisfies Record<string, Derivative>;

/** Names of the ops that have a row in the derivative table. */
export type DifferentiableOp = keyof typeof derivatives;

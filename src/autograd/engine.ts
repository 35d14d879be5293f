/**
 * The backward pass: an iterative topological walk of the recorded graph (no recursion, so a
 * 100,000-node chain is fine), gradient accumulation, and un-broadcasting in one place.
 * @module
 */
import type { Storage } from "../backends/backend.ts";
import { Tensor } from "../tensor.ts";
import { collectNewStorages } from "../memory.ts";
import { fmtShape } from "../shape.ts";
import { Node, versionOf } from "./node.ts";
import { derivatives } from "./derivatives.ts";
import { isGradEnabled, setGradEnabled } from "./grad_mode.ts";
import * as ew from "../ops/elementwise.ts";
import { sum } from "../ops/reduce.ts";
import { reshape } from "../ops/movement.ts";
import { toDType } from "../ops/convert.ts";
import { onesLike } from "../creation.ts";

/** Options of `backward` and `autograd.grad`. */
export interface BackwardOptions {
  /** Keep the graph's saved tensors so it can be differentiated again (default: `createGraph`). */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients. */
  createGraph?: boolean;
}

/** Sums `g` (a gradient in a broadcast shape) back to `shape`. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (g.ndim === shape.length && g.shape.every((s, i) => s === shape[i])) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  const summed = dims.length > 0 ? sum(g, dims, { keepdim: true }) : g;
  return reshape(summed, shape);
}

/** The gradients `rootGrads` made for scalar roots (not given by the caller). */
const implicitRoot = new WeakSet<Tensor>();

function rootGrads(roots: Tensor[], given: (Tensor | null | undefined)[] | undefined): Tensor[] {
  return roots.map((r, i) => {
    if (!(r instanceof Tensor)) throw new TypeError(`backward: output ${i} is not a tensor`);
    if (!r.requiresGrad) {
      throw new Error(`backward: element ${i} of tensors does not require grad and does not have a grad_fn`);
    }
    const g = given?.[i];
    if (g === undefined || g === null) {
      if (r.numel() !== 1) {
        throw new Error(
          `backward: grad can be implicitly created only for scalar outputs (output ${i} has shape ${
            fmtShape(r.shape)
          }; ` +
            `pass a gradient of that shape)`,
        );
      }
      const ones = onesLike(r);
      implicitRoot.add(ones);
      return ones;
    }
    if (!(g instanceof Tensor) || g.ndim !== r.ndim || g.shape.some((s, k) => s !== r.shape[k])) {
      throw new RangeError(
        `backward: mismatch in shape: grad_output[${i}] has a shape of ${
          g instanceof Tensor ? fmtShape(g.shape) : typeof g
        } and output[${i}] has a shape of ${fmtShape(r.shape)}`,
      );
    }
    return g;
  });
}

const FREED_MESSAGE =
  "Trying to backward through the graph a second time (or directly access saved tensors after they have already " +
  "been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). " +
  "Specify retainGraph: true if you need to backward through the graph a second time.";

/** Every node reachable from the roots, and how many consumers each has within that set. */
function collect(roots: Tensor[]): Map<Node, number> {
  const deps = new Map<Node, number>();
  const stack: Node[] = [];
  for (const r of roots) {
    if (r.gradFn && !deps.has(r.gradFn)) {
      deps.set(r.gradFn, 0);
      stack.push(r.gradFn);
    }
  }
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.released) throw new Error(FREED_MESSAGE);
    checkDeviceCrossing(node);
    for (const next of node.next) {
      if (!(next instanceof Node)) continue;
      const count = deps.get(next);
      if (count === undefined) {
        deps.set(next, 1);
        stack.push(next);
      } else deps.set(next, count + 1);
    }
  }
  return deps;
}

/**
 * Refuses, before any gradient is computed, a graph whose backward would have to read the GPU
 * synchronously: the gradient of a CPU tensor moved to the GPU with `.to("gpu")` has to come back
 * to the CPU, and a GPU read is asynchronous while `backward()` is not.
 */
function checkDeviceCrossing(node: Node): void {
  if (node.op !== "toDevice" || node.args.from !== "cpu" || node.next[0] === null) return;
  const to = node.output?.device ?? "gpu";
  throw new Error(
    `backward: a tensor that requires grad was moved from "cpu" to "${to}" with .to("${to}"); its ` +
      `gradient would have to be read back from "${to}" synchronously, which backward() does not do. ` +
      `Make the leaf on "${to}" instead: torch.tensor(..., { device: "${to}", requiresGrad: true }) or ` +
      `x.to("${to}").detach().requiresGrad_() (model.to("${to}") moves parameters this way).`,
  );
}

/** Ops whose formulas read no saved values, so later in-place writes to their inputs are harmless. */
const VALUE_FREE: ReadonlySet<string> = new Set([
  "add",
  "sub",
  "neg",
  "sign",
  "floor",
  "ceil",
  "round",
  "sum",
  "view",
  "reshape",
  "squeeze",
  "unsqueeze",
  "expand",
  "transpose",
  "permute",
  "index",
  "embed",
  "asStrided",
  "copySlices",
  "clone",
  "cat",
  "gather",
  "scatterAddInto",
  "indexSelect",
  "indexAddInto",
  "toDType",
  "toDevice",
]);

/** Ops whose formulas read only their output's value. */
const OUTPUT_ONLY: ReadonlySet<string> = new Set([
  "exp",
  "sqrt",
  "rsqrt",
  "tanh",
  "sigmoid",
  "relu",
  "softmax",
  "logSoftmax",
]);
/** Ops whose formulas read their output's value as well as their inputs'. */
const OUTPUT_TOO: ReadonlySet<string> = new Set(["pow", "prod", "amax", "amin"]);

/** PyTorch's check that values a formula needs were not overwritten in place after recording. */
function checkVersions(node: Node): void {
  if (VALUE_FREE.has(node.op)) return;
  const stale = (t: Tensor, expected: number, what: string) => {
    const now = versionOf(t._storage);
    if (now !== expected) {
      throw new Error(
        `backward: one of the variables needed for gradient computation has been modified by an inplace ` +
          `operation: ${what} of ${node.name} (a ${t.dtype} tensor of shape ${
            fmtShape(t.shape)
          }) is at version ` +
          `${now}; expected version ${expected} instead. Use an out-of-place op (e.g. x.mul(2) instead of x.mul_(2)).`,
      );
    }
  };
  if (!OUTPUT_ONLY.has(node.op)) {
    node.inputs.forEach((t, i) => {
      if (t instanceof Tensor) stale(t, node.versions[i], `input ${i}`);
    });
  }
  if (node.output && (OUTPUT_ONLY.has(node.op) || OUTPUT_TOO.has(node.op))) {
    stale(node.output, node.outputVersion, "the output");
  }
}

function accumulate(prev: Tensor | undefined, g: Tensor): Tensor {
  return prev === undefined ? g : ew.add(prev, g);
}

/**
 * Runs the backward pass from `roots`. With `capture`, returns the gradients flowing into those
 * tensors and leaves every `.grad` untouched (autograd.grad); otherwise accumulates into leaves'
 * `.grad` (and retained non-leaves').
 */
function run(
  roots: Tensor[],
  grads: Tensor[],
  opts: BackwardOptions,
  capture: Tensor[] | null,
): Map<Tensor, Tensor> {
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  const captured = new Map<Tensor, Tensor>();
  const captureSet = new Set(capture ?? []);
  const deps = collect(roots);
  const pending = new Map<Node, Tensor>();
  const prevMode = isGradEnabled();
  setGradEnabled(createGraph);
  // Without createGraph nothing of the backward pass is recorded, so the gradients it passes
  // between nodes and the intermediates of its formulas are released as soon as they are used
  // (GPU memory is invisible to the garbage collector). `owned` counts, per storage this pass
  // created, the pending gradients that view it; `kept` holds what escapes to the caller.
  const reclaim = !createGraph;
  const owned = new Map<Storage, number>();
  const kept = new Set<Storage>();
  const keep = (t: Tensor) => {
    if (reclaim) kept.add(t._storage);
  };
  const hold = (t: Tensor) => {
    const n = owned.get(t._storage);
    if (n !== undefined) owned.set(t._storage, n + 1);
  };
  const drop = (t: Tensor) => {
    const s = t._storage, n = owned.get(s);
    if (n === undefined) return;
    if (n > 1) owned.set(s, n - 1);
    else {
      owned.delete(s);
      if (!kept.has(s)) s.dispose();
    }
  };
  /** Adds `g` to the gradient pending for `node`. */
  const push = (node: Node, g: Tensor) => {
    const prev = pending.get(node);
    if (prev === undefined) {
      pending.set(node, g);
      hold(g);
      return;
    }
    const sum = ew.add(prev, g);
    if (reclaim) owned.set(sum._storage, 1);
    pending.set(node, sum);
    drop(prev);
  };
  try {
    const deliverToLeaf = (leaf: Tensor, g: Tensor) => {
      if (capture) {
        if (captureSet.has(leaf)) {
          keep(g);
          captured.set(leaf, accumulate(captured.get(leaf), g));
        }
        return;
      }
      if (!createGraph) g = g.detach();
      if (leaf.grad === null) {
        // A fresh tensor: the formula's result may be shared with other inputs or the caller.
        leaf.grad = createGraph ? ew.mul(g, 1) : g.clone().detach();
      } else if (createGraph) {
        leaf.grad = ew.add(leaf.grad, g);
      } else {
        const prev = leaf.grad;
        leaf.grad = prev.shape.every((s, i) => s === g.shape[i]) && prev.isContiguous()
          ? prev.add_(g)
          : ew.add(prev, g);
      }
    };
    roots.forEach((r, i) => {
      // The implicit gradient of a scalar root (made by rootGrads) is this pass's own too.
      const given = grads[i];
      if (reclaim && implicitRoot.has(given)) owned.set(given._storage, 0);
      if (r.gradFn) push(r.gradFn, given);
      else deliverToLeaf(r, given);
      if (owned.get(given._storage) === 0) drop(given);
    });
    const ready: Node[] = [];
    for (const [node, count] of deps) if (count === 0) ready.push(node);
    const visited: Node[] = [];
    while (ready.length > 0) {
      const node = ready.pop()!;
      visited.push(node);
      const g = pending.get(node);
      pending.delete(node);
      const out = node.output;
      if (g !== undefined && out) {
        if (captureSet.has(out)) {
          keep(g);
          captured.set(out, accumulate(captured.get(out), g));
        }
        if (!capture && out._retainsGrad) {
          keep(g);
          out.grad = accumulate(out.grad ?? undefined, createGraph ? g : g.detach());
        }
      }
      if (g !== undefined) checkVersions(node);
      // The formula and the reshaping of its results, watching which storages they create.
      const fresh = reclaim ? new Set<Storage>() : null;
      const prevCollector = collectNewStorages(fresh);
      let inputGrads: (Tensor | null | undefined)[];
      try {
        inputGrads = g === undefined ? [] : derivatives[node.op as keyof typeof derivatives](g, node);
        inputGrads = node.next.map((edge, i) => {
          let gi = inputGrads[i];
          if (edge === null || !gi) return null;
          const input = node.inputs[i] as Tensor;
          gi = sumToShape(gi, input.shape);
          return gi.dtype !== input.dtype ? toDType(gi, input.dtype) : gi;
        });
      } finally {
        collectNewStorages(prevCollector);
      }
      if (fresh) { for (const s of fresh) owned.set(s, 0); }
      node.next.forEach((edge, i) => {
        if (edge === null) return;
        const gi = inputGrads[i];
        if (edge instanceof Node) {
          if (gi) push(edge, gi);
          const left = deps.get(edge)! - 1;
          deps.set(edge, left);
          if (left === 0) ready.push(edge);
        } else if (gi) deliverToLeaf(edge, gi);
      });
      // This node's gradient is used up; whatever its formula made and nobody holds goes now.
      if (g !== undefined) drop(g);
      if (fresh) {
        for (const s of fresh) {
          if (owned.get(s) === 0) {
            owned.delete(s);
            if (!kept.has(s)) s.dispose();
          }
        }
      }
    }
    if (!retainGraph) { for (const node of visited) node.release(); }
  } finally {
    setGradEnabled(prevMode);
  }
  return captured;
}

/**
 * Accumulates gradients of `outputs` into the `.grad` of the leaves they depend on
 * (`torch.autograd.backward`).
 */
export function backward(
  outputs: Tensor[],
  gradOutputs?: (Tensor | null | undefined)[],
  opts: BackwardOptions = {},
): void {
  run(outputs, rootGrads(outputs, gradOutputs), opts, null);
}

/** Options of `autograd.grad`. */
export interface GradOptions extends BackwardOptions {
  /** Gradients of the outputs (required for non-scalar outputs). */
  gradOutputs?: Tensor | (Tensor | null)[];
  /** Return null for inputs the outputs do not depend on instead of throwing. */
  allowUnused?: boolean;
}

/**
 * Gradients of `outputs` with respect to `inputs`, without touching any `.grad`.
 * @example
 * ```ts
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([3.0], { requiresGrad: true });
 * const y = x.pow(3);
 * const [dy] = torch.autograd.grad(y, x, { createGraph: true });
 * const [d2y] = torch.autograd.grad(dy!, x);
 * console.log(dy!.item(), d2y!.item()); // 27 18
 * ```
 */
export function grad(
  outputs: Tensor | Tensor[],
  inputs: Tensor | Tensor[],
  opts: GradOptions = {},
): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  ins.forEach((t, i) => {
    if (!(t instanceof Tensor) || !t.requiresGrad) {
      throw new Error(`grad: input ${i} does not require grad (set requiresGrad: true on it)`);
    }
  });
  const given = opts.gradOutputs === undefined
    ? undefined
    : Array.isArray(opts.gradOutputs)
    ? opts.gradOutputs
    : [opts.gradOutputs];
  const captured = run(outs, rootGrads(outs, given), opts, ins);
  return ins.map((t, i) => {
    const g = captured.get(t);
    if (g === undefined && !opts.allowUnused) {
      throw new Error(
        `grad: one of the differentiated tensors (input ${i}) appears to not have been used in the graph. ` +
          `Set allowUnused: true if this is the desired behavior.`,
      );
    }
    return g ?? null;
  });
}

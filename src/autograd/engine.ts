/**
 * The backward pass: an iterative topological walk of the recorded graph (no recursion, so a
 * 100,000-node chain is fine), gradient accumulation, and un-broadcasting in one place.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { asUserCode, inFrameOf, pinHandle, releaseHandle } from "../memory.ts";
import { fmtShape } from "../shape.ts";
import { Node, type NodeGroup } from "./node.ts";
import { checkHookResult, RETAIN_GRAD, type TensorHookEntry } from "./hook_registry.ts";
import { versionOf } from "./version.ts";
import { isGradEnabled, setGradEnabled } from "./grad_mode.ts";
import * as ew from "../ops/elementwise.ts";
import { sum } from "../ops/reduce.ts";
import { reshape } from "../ops/movement.ts";
import { toDType } from "../ops/convert.ts";
import { onesLike } from "../creation.ts";
import type { BackwardOptions } from "./backward.ts";

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

export function rootGrads(roots: Tensor[], given: (Tensor | null | undefined)[] | undefined): Tensor[] {
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

/** The error of a backward pass through a graph whose saved tensors were freed. */
export const FREED_MESSAGE =
  "Trying to backward through the graph a second time (or directly access saved tensors after they have already " +
  "been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). " +
  "Specify retainGraph: true if you need to backward through the graph a second time.";

/**
 * Every node reachable from the roots, and how many consumers each has within that set; counts
 * into `leafDeps` the edges into each leaf `hooked` says has hooks.
 */
function collect(
  roots: Tensor[],
  leafDeps: Map<Tensor, number>,
  hooked: (t: Tensor) => boolean,
): Map<Node, number> {
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
      if (!(next instanceof Node)) {
        if (next !== null && hooked(next)) leafDeps.set(next, (leafDeps.get(next) ?? 0) + 1);
        continue;
      }
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

/** PyTorch's check that values a formula reads were not overwritten in place after recording. */
function checkVersions(node: Node): void {
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
  node.inputs.forEach((t, i) => {
    if (t instanceof Tensor) stale(t, node.versions[i], `input ${i}`);
  });
  if (node.output && node.savesOutput) stale(node.output, node.outputVersion, "the output");
  for (const [name, version] of node.savedArgVersions) {
    const t = node.args[name];
    if (t instanceof Tensor) stale(t, version, `the saved ${name}`);
  }
}

/** A handle on `g`'s storage of `g`'s own (the engine hands each destination its own handle). */
function newHandle(g: Tensor): Tensor {
  return new Tensor(g._storage, g.shape, g._strides, g._offset, g.dtype);
}

/** Whether `t` alone views all of its storage, contiguously (a gradient that can be kept as is). */
function ownsWholeStorage(t: Tensor): boolean {
  const s = t._storage;
  return s._holders === 1 && s._saved === 0 && t._offset === 0 && s.numel === t.numel() && t.isContiguous();
}

/**
 * Runs the backward pass from `roots`. With `capture`, returns the gradients flowing into those
 * tensors and leaves every `.grad` untouched (autograd.grad); otherwise accumulates into leaves'
 * `.grad` (and retained non-leaves'). Runs inside the library call (`backward`, `grad`): each
 * formula runs in its own frame, so its intermediates go when it returns; gradients passed
 * between nodes are released once used, and each node's saved tensors once its formula ran
 * (without `retainGraph`).
 */
export function run(
  roots: Tensor[],
  grads: Tensor[],
  opts: BackwardOptions,
  capture: Tensor[] | null,
): Map<Tensor, Tensor> {
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  const captured = new Map<Tensor, Tensor>();
  const captureSet = new Set(capture ?? []);
  const leafDeps = new Map<Tensor, number>();
  const hooked = (t: Tensor) => !capture && t._hooks !== null && t._hooks.length > 0;
  const deps = collect(roots, leafDeps, hooked);
  const pending = new Map<Node, Tensor>();
  /** Handles already given to a destination: a second destination gets a handle of its own. */
  const handedOut = new Set<Tensor>();
  const own = (g: Tensor): Tensor => {
    // A recorded pass keeps every gradient's identity (they are graph nodes): nothing is released
    // early, the call's frame frees what is not returned when it ends.
    if (createGraph) return g;
    if (!handedOut.has(g)) {
      handedOut.add(g);
      return g;
    }
    const h = newHandle(g);
    handedOut.add(h);
    return h;
  };
  const prevMode = isGradEnabled();
  setGradEnabled(createGraph);
  /** Adds `g` (a handle of the pass's own) to the gradient pending for `node`. */
  const push = (node: Node, g: Tensor) => {
    const prev = pending.get(node);
    if (prev === undefined) {
      pending.set(node, g);
      return;
    }
    const sum = ew.add(prev, g);
    handedOut.add(sum);
    pending.set(node, sum);
    if (!createGraph) {
      releaseHandle(prev);
      releaseHandle(g);
    }
  };
  /** `g` as handed to a user's hook: a handle of the user's (they may keep it). */
  const toUser = (g: Tensor): Tensor => createGraph ? pinHandle(g) : asUserCode(() => newHandle(g));
  /**
   * What a hook returned in place of `g` (`given` is the handle the hook got), as a handle of the
   * pass: `g` itself when the hook gave back what it got.
   */
  const fromUser = (r: Tensor, g: Tensor, given: Tensor): Tensor => {
    if (createGraph) return r;
    if (r === given) return g;
    releaseHandle(g);
    return newHandle(r);
  };
  /**
   * Runs `hooks`, the tensor hooks of `t` (a leaf's, or a node's for its output), on `t`'s gradient
   * `g`; with `retain`, keeps `g` as `t.grad` where `retainGrad()` was called among them (at the
   * end when it was called on an earlier node of `t`, before an in-place op).
   */
  const runTensorHooks = (hooks: TensorHookEntry[] | null, t: Tensor, g: Tensor, retain: boolean): Tensor => {
    let retained = false;
    for (const hook of hooks ? [...hooks] : []) {
      if (hook === RETAIN_GRAD) {
        if (retain) retainInto(t, g);
        retained = true;
        continue;
      }
      const given = toUser(g);
      const r = checkHookResult("backward", asUserCode(() => hook(given)), g);
      if (r !== null) g = fromUser(r, g, given);
    }
    if (retain && !retained) retainInto(t, g);
    return g;
  };
  const retainInto = (t: Tensor, g: Tensor) => {
    const prev = t._grad;
    t._setGrad(prev === null ? (createGraph ? g : g.detach()).clone() : ew.add(prev, g));
  };
  const accumulateLeaf = (leaf: Tensor, g: Tensor) => {
    const prev = leaf._grad;
    if (createGraph) {
      leaf._setGrad(prev === null ? ew.mul(g, 1) : ew.add(prev, g));
    } else if (prev === null) {
      // The formula's result, kept as is when nothing else views its storage (no copy).
      leaf._setGrad(ownsWholeStorage(g) ? g.detach_() : g.detach().clone());
    } else if (sameShape(prev.shape, g.shape) && prev.isContiguous()) {
      prev.add_(g); // in place, as PyTorch's AccumulateGrad
    } else {
      leaf._setGrad(ew.add(prev, g).detach_());
    }
  };
  /**
   * Gradients waiting for a leaf that has hooks: its hooks see the sum of every contribution
   * once (as PyTorch's AccumulateGrad node), when the last edge into it has delivered.
   */
  const leafPending = new Map<Tensor, Tensor>();
  const fireLeaf = (leaf: Tensor) => {
    const g = leafPending.get(leaf);
    if (g === undefined) return;
    leafPending.delete(leaf);
    accumulateLeaf(leaf, runTensorHooks(leaf._hooks, leaf, g, false));
  };
  const addLeafPending = (leaf: Tensor, g: Tensor) => {
    const prev = leafPending.get(leaf);
    if (prev === undefined) leafPending.set(leaf, g);
    else {
      const sum = ew.add(prev, g);
      handedOut.add(sum);
      leafPending.set(leaf, sum);
      if (!createGraph) {
        releaseHandle(prev);
        releaseHandle(g);
      }
    }
  };
  const deliverToLeaf = (leaf: Tensor, g: Tensor) => {
    if (capture) {
      if (captureSet.has(leaf)) captured.set(leaf, accumulate(captured.get(leaf), g));
      return;
    }
    accumulateLeaf(leaf, g);
  };
  /** An edge of a node into a leaf has delivered `g` (or nothing). */
  const leafEdge = (leaf: Tensor, g: Tensor | null | undefined) => {
    const left = leafDeps.get(leaf);
    if (left === undefined) {
      if (g) deliverToLeaf(leaf, own(g));
      return;
    }
    if (g) addLeafPending(leaf, own(g));
    leafDeps.set(leaf, left - 1);
    if (left === 1) fireLeaf(leaf);
  };
  /** Runs one node: its hooks, its formula, and hands its input gradients on. */
  const step = (node: Node) => {
    let g = pending.get(node);
    pending.delete(node);
    const out = node.output;
    if (g !== undefined && out) {
      if (captureSet.has(out)) {
        captured.set(out, accumulate(captured.get(out), createGraph ? g : newHandle(g)));
      }
      const retain = !capture && out._retainsGrad && out.gradFn === node;
      if (node._tensorHooks !== null || retain) g = runTensorHooks(node._tensorHooks, out, g, retain);
    }
    if (g !== undefined && node._preHooks !== null) {
      for (const hook of [...node._preHooks]) {
        const given = toUser(g);
        const res = asUserCode(() => hook([given]));
        const r = res
          ? checkHookResult(`${node.name} pre-hook`, hookList(node, res, 1, "pre-hook")[0], g)
          : null;
        if (r !== null) g = fromUser(r, g, given);
      }
    }
    if (g !== undefined) checkVersions(node);
    // The formula and the reshaping of its results, in a frame of their own.
    let inputGrads: (Tensor | null | undefined)[] = [];
    if (g !== undefined) {
      const gOut = g;
      inputGrads = inFrameOf(() => {
        const raw = node.derivative.backward(gOut, node);
        return node.next.map((edge, i) => {
          let gi = raw[i];
          if (edge === null || !gi) return null;
          gi = sumToShape(gi, node.inputShapes[i]!);
          const dtype = node.inputDTypes[i]!;
          return gi.dtype !== dtype ? toDType(gi, dtype) : gi;
        });
      });
      if (node._hooks !== null) {
        for (const hook of [...node._hooks]) {
          const givenIn = inputGrads.map((gi) => (gi ? toUser(gi) : null));
          const res = asUserCode(() => hook(givenIn, [toUser(gOut)]));
          if (!res) continue;
          const list = hookList(node, res, inputGrads.length, "hook");
          inputGrads = inputGrads.map((gi, i) => {
            const r = node.next[i] === null ? null : list[i];
            if (r === null || r === undefined) {
              if (gi && !createGraph) releaseHandle(gi);
              return null;
            }
            const shaped = checkHookResult(`${node.name} hook`, r, gi ?? null);
            if (gi) return fromUser(shaped!, gi, givenIn[i]!);
            return createGraph ? shaped : newHandle(shaped!);
          });
        }
      }
    }
    if (!retainGraph) node.release();
    node.next.forEach((edge, i) => {
      if (edge === null) return;
      const gi = inputGrads[i];
      if (edge instanceof Node) {
        if (gi) push(edge, own(gi));
        const left = deps.get(edge)! - 1;
        deps.set(edge, left);
        if (left === 0) ready.push(edge);
      } else leafEdge(edge, gi);
    });
    // This node's gradient is used up.
    if (g !== undefined && !createGraph) releaseHandle(g);
  };
  /** Nodes of a group that are ready, waiting for the group's other members. */
  const held = new Map<NodeGroup, Set<Node>>();
  const runGroup = (group: NodeGroup) => {
    const members = held.get(group)!;
    held.delete(group);
    const grads = group.members.map((m) => (members.has(m) ? pending.get(m) ?? null : null));
    const given = grads.map((g) => (g ? toUser(g) : null));
    const res = asUserCode(() => group.run(given));
    if (res) {
      group.members.forEach((m, i) => {
        if (!members.has(m)) return;
        const g = grads[i], r = res[i];
        if (r === null || r === undefined) {
          if (g && !createGraph) releaseHandle(g);
          pending.delete(m);
        } else pending.set(m, g ? fromUser(r, g, given[i]!) : createGraph ? r : own(newHandle(r)));
      });
    }
    for (const m of group.members) if (members.has(m)) step(m);
  };
  const ready: Node[] = [];
  try {
    roots.forEach((r, i) => {
      const given = grads[i];
      // A gradient the caller passed stays theirs: the pass works on a handle of its own.
      const g = implicitRoot.has(given) || createGraph ? own(given) : own(newHandle(given));
      if (r.gradFn) push(r.gradFn, g);
      else if (hooked(r)) addLeafPending(r, g);
      else deliverToLeaf(r, g);
    });
    for (const leaf of leafPending.keys()) if (!leafDeps.has(leaf)) fireLeaf(leaf);
    for (const [node, count] of deps) if (count === 0) ready.push(node);
    while (true) {
      const node = ready.pop();
      if (node === undefined) {
        const waiting = held.keys().next();
        if (waiting.done) break;
        runGroup(waiting.value);
        continue;
      }
      const group = node._group;
      if (group === null) {
        step(node);
        continue;
      }
      let members = held.get(group);
      if (members === undefined) held.set(group, members = new Set());
      members.add(node);
      if (group.members.every((m) => !deps.has(m) || members.has(m))) runGroup(group);
    }
    for (const leaf of [...leafPending.keys()]) fireLeaf(leaf);
  } finally {
    setGradEnabled(prevMode);
  }
  return captured;
}

/** What a node hook returned, checked to be a list of `n` gradients. */
function hookList(node: Node, res: unknown, n: number, kind: string): (Tensor | null | undefined)[] {
  if (!Array.isArray(res)) {
    throw new TypeError(`backward: a ${kind} of ${node.name} must return an array of gradients or nothing`);
  }
  if (res.length !== n) {
    throw new RangeError(
      `backward: a ${kind} of ${node.name} has returned an incorrect number of values (got ${res.length}, ` +
        `but expected ${n})`,
    );
  }
  return res;
}

function accumulate(prev: Tensor | undefined, g: Tensor): Tensor {
  return prev === undefined ? g : ew.add(prev, g);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

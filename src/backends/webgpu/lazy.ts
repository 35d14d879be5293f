/**
 * The GPU backend's lazy pointwise graphs: pending values and writes, computed by fused kernels that `fusion.ts` generates (see the module documentation of `backend.ts`).
 * Free functions of the backend's {@link GpuContext}.
 * @module
 */
import type { DType } from "../../dtype.ts";
import type { GpuContext } from "./context.ts";
import type { PoolEntry } from "./buffer_pool.ts";
import {
  type FusedProgram,
  type FusedSegment,
  type FusedStore,
  FusionLimit,
  generate,
  LazyNode,
  type LazyOp,
  type Operand as LazyOperand,
  operandsOf,
} from "./fusion.ts";
import { castBody } from "./pipelines.ts";
import { FUSED_WORDS, MAX_FUSED_LEAVES, MAX_FUSED_NODES, MAX_FUSED_WORDS, MAX_PENDING } from "./shared.ts";
import { WebGPUStorage } from "./storage.ts";
import * as dispatchOps from "./dispatch.ts";
import * as elementwiseOps from "./elementwise.ts";
import * as matmulOps from "./matmul.ts";
import * as transferOps from "./transfer.ts";

/** Ends a storage's pending state: its graph no longer reads the buffers it retained. */
export function settle(s: WebGPUStorage): void {
  s._lazy = null;
  const retains = s._retains;
  s._retains = null;
  if (!retains) return;
  for (const r of retains) {
    const readers = r._readers;
    if (!readers) continue;
    readers.delete(s);
    if (readers.size === 0) {
      r._readers = null;
      if (r.disposed) r._release();
    }
  }
}

/** The buffer of `s` no longer holds the value of the node it was computed from. */
export function forgetValue(s: WebGPUStorage): void {
  const n = s._node;
  if (n && n.out === s) n.out = null;
  s._node = null;
}

/**
 * A storage whose value is the pointwise `make(operands)` of `inputs` (storages or scalar
 * words), not computed yet. Pending inputs are inlined into the new graph unless it would grow
 * past the limits of one kernel, in which case they are computed first.
 */
export function lazy(
  ctx: GpuContext,
  dtype: DType,
  numel: number,
  inputs: readonly (WebGPUStorage | { scalar: number })[],
  make: (args: LazyOperand<WebGPUStorage>[]) => LazyOp<WebGPUStorage>,
): WebGPUStorage {
  ctx.pool.sizeFor(numel * 4); // too large for the device: the op throws now
  const node = makeNode(ctx, dtype, numel, inputs, make);
  const out = new WebGPUStorage(ctx, dtype, numel, null);
  makePending(ctx, out, node);
  return out;
}

/** Builds the graph node of {@link lazy} (computing inputs first where limits require it). */
export function makeNode(
  ctx: GpuContext,
  dtype: DType,
  numel: number,
  inputs: readonly (WebGPUStorage | { scalar: number })[],
  make: (args: LazyOperand<WebGPUStorage>[]) => LazyOp<WebGPUStorage>,
): LazyNode<WebGPUStorage> {
  for (;;) {
    let size = 1, words = 0, biggest: WebGPUStorage | null = null;
    const leaves = new Set<WebGPUStorage>();
    for (const x of inputs) {
      if (!(x instanceof WebGPUStorage)) {
        words++;
        continue;
      }
      const inline = inlines(ctx, x);
      if (inline) {
        size += x._lazy!.size;
        words += x._lazy!.words;
        for (const r of x._retains ?? []) leaves.add(r);
        if (!biggest || x._lazy!.size > biggest._lazy!.size) biggest = x;
      } else {
        leaves.add(x);
        if (x.numel !== numel) words++;
      }
    }
    if (biggest && (size > MAX_FUSED_NODES || words > MAX_FUSED_WORDS || leaves.size > MAX_FUSED_LEAVES)) {
      materialize(ctx, biggest);
      continue;
    }
    const args = inputs.map((x) =>
      x instanceof WebGPUStorage ? (inlines(ctx, x) ? x._lazy! : x) : x
    ) as LazyOperand<WebGPUStorage>[];
    const node = new LazyNode<WebGPUStorage>(dtype, numel, make(args), size, words);
    ctx.nodeLeaves.set(node, [...leaves]);
    return node;
  }
}

/**
 * Whether a new graph inlines pending `x` (its value recomputed from its own inputs) rather than
 * reading its buffer; a pending write read outside {@link batchWrites} is carried out first.
 */
export function inlines(ctx: GpuContext, x: WebGPUStorage): boolean {
  if (!x._lazy) return false;
  if (x._buffer !== null && ctx.batchDepth === 0) {
    flushWrites(ctx);
    return false;
  }
  return true;
}

/** `s` gets the pending value `node` (a pending write when `s` has a buffer). */
export function makePending(ctx: GpuContext, s: WebGPUStorage, node: LazyNode<WebGPUStorage>): void {
  const leaves = ctx.nodeLeaves.get(node) ?? (node.op.kind === "matmul" ? [node.op.a, node.op.b] : []);
  ctx.nodeLeaves.delete(node);
  if (s._lazy) settle(s);
  forgetValue(s);
  s._lazy = node;
  node.out = s;
  s._retains = leaves;
  for (const r of leaves) (r._readers ??= new Set()).add(s);
  ctx.pending.push(s);
  ctx.scheduleFlush();
  if (ctx.pending.length > MAX_PENDING) trimPending(ctx);
}

/** Keeps the pending list short: drops settled entries, computes the oldest when many remain. */
function trimPending(ctx: GpuContext): void {
  ctx.pending = ctx.pending.filter((s) => s._lazy !== null);
  if (ctx.pending.length > MAX_PENDING / 2) {
    const old = ctx.pending.slice(0, ctx.pending.length >> 1);
    computeValues(ctx, old.filter((s) => s._lazy !== null && s._buffer === null));
    if (old.some((s) => s._lazy !== null)) flushWrites(ctx);
    ctx.pending = ctx.pending.filter((s) => s._lazy !== null);
  }
}

/**
 * Runs `fn` with pending writes batched: inside, a storage with a pending write (an in-place
 * update such as an optimizer's) is read through its pending value, so every update of a step
 * stays pending and they run together, as one kernel per group of parameters, when a later op
 * needs one of them (a multi-tensor apply). Optimizers wrap their step in it.
 */
export function batchWrites<T>(ctx: GpuContext, fn: () => T): T {
  ctx.batchDepth++;
  try {
    return fn();
  } finally {
    ctx.batchDepth--;
  }
}

/** Computes `s` now when it is pending (a pending write carries out every pending write). */
export function materialize(ctx: GpuContext, s: WebGPUStorage): void {
  if (!s._lazy) return;
  if (s._buffer !== null) flushWrites(ctx);
  else computeValues(ctx, [s]);
}

/** Computes every pending value and write (at a read, a sync, or when the caller awaits). */
export function flushLazy(ctx: GpuContext): void {
  if (ctx.pending.length === 0) return;
  const pending = ctx.pending;
  ctx.pending = [];
  // Newest first: a value computed from older pending ones stores those it inlines in the same
  // kernel (a ReLU over a linear's output: one matmul with both in its epilogue).
  computeValues(ctx, pending.filter((s) => s._lazy !== null && s._buffer === null && !s.disposed).reverse());
  flushWrites(ctx, pending);
  for (const s of pending) if (s._lazy) settle(s); // disposed meanwhile
}

/** Readies `s` for an in-place write by a kernel: its pending state and its readers go first. */
export function beforeWrite(ctx: GpuContext, s: WebGPUStorage): void {
  materialize(ctx, s);
  const readers = s._readers;
  if (readers) {
    const values = [...readers].filter((r) => r._lazy !== null && r._buffer === null && !r.disposed);
    computeValues(ctx, values);
    if ([...readers].some((r) => r._lazy !== null && r._buffer !== null)) flushWrites(ctx);
  }
  forgetValue(s);
}

/**
 * Computes pending values (storages without a buffer): a matmul with the pointwise graph over
 * its product as the epilogue, or pointwise graphs grouped into as few kernels as the limits
 * allow. Pending values that a graph inlines and whose storage is still alive are stored by
 * the same kernel, so no value is computed twice.
 */
function computeValues(ctx: GpuContext, targets: readonly WebGPUStorage[]): void {
  const jobs: WebGPUStorage[] = [];
  for (const t of targets) {
    if (!t._lazy || t._buffer !== null) continue;
    const node = t._lazy;
    if (node.op.kind === "matmul") {
      matmulOps.runMatmul(ctx, node, t, null);
      continue;
    }
    const products = productsOf(ctx, node);
    const temps: WebGPUStorage[] = [];
    // Every product but one is computed first (into its storage, or a temporary one).
    const epilogue = products.pop() ?? null;
    for (const m of products) temps.push(...productInto(ctx, m));
    const fused = epilogue !== null && epilogue.numel === node.numel &&
      matmulOps.runMatmul(ctx, epilogue, t, extraStores(ctx, node, t, epilogue));
    if (!fused) {
      if (epilogue) temps.push(...productInto(ctx, epilogue));
      if (temps.length > 0) runPointwise(ctx, [[t]]);
      else jobs.push(t);
    }
    for (const tmp of temps) tmp.dispose();
  }
  if (jobs.length === 0) return;
  // Group by length: one segment per length, as many per kernel as fit.
  const byLength = new Map<number, WebGPUStorage[]>();
  for (const t of jobs) {
    if (!t._lazy) continue;
    const list = byLength.get(t.numel);
    if (list) list.push(t);
    else byLength.set(t.numel, [t]);
  }
  runPointwise(ctx, [...byLength.values()]);
}

/** Matmul nodes a graph computes (products not available in a buffer), innermost first. */
function productsOf(ctx: GpuContext, root: LazyNode<WebGPUStorage>): LazyNode<WebGPUStorage>[] {
  const out: LazyNode<WebGPUStorage>[] = [];
  const seen = new Set<LazyNode<WebGPUStorage>>();
  const visit = (n: LazyNode<WebGPUStorage>) => {
    if (seen.has(n) || ctx.leafOf(n)) return;
    seen.add(n);
    if (n.op.kind === "matmul") {
      out.push(n);
      return;
    }
    for (const x of operandsOf(n)) if (x instanceof LazyNode) visit(x);
  };
  visit(root);
  return out;
}

/**
 * Computes matmul node `m` into its storage when that is a live pending value, else into a new
 * temporary storage; returns the temporaries (the caller disposes them once used).
 */
function productInto(ctx: GpuContext, m: LazyNode<WebGPUStorage>): WebGPUStorage[] {
  const o = m.out;
  if (o && o._lazy === m && o._buffer === null && !o.disposed) {
    matmulOps.runMatmul(ctx, m, o, null);
    return [];
  }
  const tmp = new WebGPUStorage(ctx, "float32", m.numel, null);
  tmp._lazy = m;
  matmulOps.runMatmul(ctx, m, tmp, null);
  m.out = tmp;
  return [tmp];
}

/**
 * The pending values a kernel computing `root` (into `target`) also stores: live pending
 * storages of the nodes it inlines, as long as the whole output (`skip`: a node the kernel
 * provides itself, such as an epilogue's product, stored only when its storage is live).
 */
function extraStores(
  ctx: GpuContext,
  root: LazyNode<WebGPUStorage>,
  target: WebGPUStorage,
  skip: LazyNode<WebGPUStorage> | null,
): FusedStore<WebGPUStorage>[] {
  const stores: FusedStore<WebGPUStorage>[] = [{ node: root, target }];
  const seen = new Set<LazyNode<WebGPUStorage>>([root]);
  const visit = (n: LazyNode<WebGPUStorage>) => {
    for (const x of operandsOf(n)) {
      if (!(x instanceof LazyNode) || seen.has(x) || ctx.leafOf(x)) continue;
      seen.add(x);
      const o = x.out;
      if (o && o._lazy === x && o._buffer === null && !o.disposed && x.numel === root.numel) {
        stores.push({ node: x, target: o });
      }
      if (x !== skip) visit(x);
    }
  };
  if (root !== skip) visit(root);
  if (skip) {
    const o = skip.out;
    if (o && o._lazy === skip && o._buffer === null && !o.disposed && !seen.has(skip)) {
      stores.push({ node: skip, target: o });
    }
  }
  return stores;
}

/**
 * Runs pointwise kernels computing `groups` (pending values of one length per group): as many
 * groups per kernel as the limits allow, each group one segment storing its values and the live
 * pending values they inline.
 */
function runPointwise(ctx: GpuContext, groups: WebGPUStorage[][]): void {
  const segments: FusedSegment<WebGPUStorage>[] = [];
  for (const group of groups) {
    const stores: FusedStore<WebGPUStorage>[] = [];
    const targets = new Set<WebGPUStorage>();
    for (const t of group) {
      if (!t._lazy || targets.has(t)) continue;
      for (const st of extraStores(ctx, t._lazy, t, null)) {
        if (targets.has(st.target)) continue;
        targets.add(st.target);
        stores.push(st);
      }
    }
    if (stores.length > 0) segments.push({ n: group[0].numel, stores, leafOf: ctx.leafOf });
  }
  emitSegments(ctx, segments);
}

/** Emits segments as few fused kernels as fit (splitting a segment's stores when one is too big). */
function emitSegments(ctx: GpuContext, segments: FusedSegment<WebGPUStorage>[]): void {
  let start = 0;
  while (start < segments.length) {
    let end = segments.length;
    let prog = tryGenerate(ctx, segments.slice(start, end));
    while (!prog && end - start > 1) {
      end = start + Math.max(1, (end - start) >> 1);
      prog = tryGenerate(ctx, segments.slice(start, end));
    }
    if (!prog) {
      // One segment too big: its stores one at a time, each with its inlined values.
      const seg = segments[start];
      if (seg.stores.length === 1) {
        throw new Error(`internal: a fused kernel over one value exceeds the limits`);
      }
      for (const st of seg.stores) {
        if (st.target._lazy === st.node) emitSegments(ctx, [{ ...seg, stores: [st] }]);
      }
      start++;
      continue;
    }
    runFused(ctx, segments.slice(start, end), prog);
    start = end;
  }
}

function tryGenerate(
  ctx: GpuContext,
  segments: FusedSegment<WebGPUStorage>[],
): FusedProgram<WebGPUStorage> | null {
  try {
    return generate(segments, {
      maxBuffers: ctx.maxBuffers,
      maxWords: FUSED_WORDS,
      firstBinding: 1,
      firstWord: segments.length > 1 ? segments.length : 0,
    });
  } catch (e) {
    if (e instanceof FusionLimit) return null;
    throw e;
  }
}

/** Encodes one generated pointwise kernel (or the classic kernel of a single plain op). */
function runFused(
  ctx: GpuContext,
  segments: FusedSegment<WebGPUStorage>[],
  prog: FusedProgram<WebGPUStorage>,
): void {
  const stores = segments.flatMap((s) => s.stores);
  if (segments.length === 1 && stores.length === 1 && runPlain(ctx, stores[0])) return;
  for (const st of stores) giveBuffer(ctx, st.target);
  const base = dispatchOps.paramWords(ctx);
  const u = ctx.u32;
  let total = 0;
  segments.forEach((seg, k) => {
    total += seg.n;
    if (segments.length > 1) u[base + 4 + k] = total;
  });
  u[base] = total;
  u[base + 1] = segments.length;
  const first = segments.length > 1 ? segments.length : 0;
  prog.words.forEach((w, k) => u[base + 4 + first + k] = w);
  const body = segments.length === 1
    ? `let i = g;\n  ${prog.bodies[0]}`
    : prog.bodies.map((b, k) =>
      `if (g < word(${k}u)) {\n    let i = g${k > 0 ? ` - word(${k - 1}u)` : ""};\n    ${
        b.replaceAll("\n  ", "\n    ")
      }\n    return;\n  }`
    ).join("\n  ");
  const kernel = ctx.pipelines.get("fused", { DECLS: prog.decls, BODY: body });
  const bindings = prog.bindings.map((b) => ({ binding: b.binding, entry: b.buffer._buffer! }));
  dispatchOps.run1d(ctx, kernel, base, bindings, total);
  for (const st of stores) stored(st.target, st.node);
}

/** Gives a pending value its buffer (a pending write already has one). */
export function giveBuffer(ctx: GpuContext, s: WebGPUStorage): void {
  if (s._buffer === null) s._setEntry(ctx.pool.acquire(s.numel * 4));
}

/** `s`'s buffer now holds `node`'s value. */
export function stored(s: WebGPUStorage, node: LazyNode<WebGPUStorage>): void {
  if (s._lazy === node) settle(s);
  s._node = node;
  node.out = s;
}

/**
 * A single op on buffers and scalars through its own kernel (the kernels of the eager backend,
 * compiled once per op rather than per graph); false when the store is not one.
 */
function runPlain(ctx: GpuContext, st: FusedStore<WebGPUStorage>): boolean {
  const { node, target } = st;
  const op = node.op;
  const args = operandsOf(node);
  const buf = (x: LazyOperand<WebGPUStorage>): PoolEntry | null => {
    if (x instanceof LazyNode) {
      const leaf = ctx.leafOf(x);
      return leaf ? leaf._buffer : null;
    }
    return x instanceof WebGPUStorage ? x._buffer : null;
  };
  if (args.some((x) => x instanceof LazyNode && !ctx.leafOf(x))) return false;
  // A pending write reading its own target goes through the fused kernel (one binding).
  if (target._buffer !== null && args.some((x) => buf(x) === target._buffer)) return false;
  const n = node.numel;
  switch (op.kind) {
    case "fill":
      giveBuffer(ctx, target);
      transferOps.fillEntry(ctx, target._buffer!, n, op.bits);
      break;
    case "unary":
      giveBuffer(ctx, target);
      elementwiseOps.unaryInto(ctx, op.op, op.compute, buf(op.x)!, target._buffer!, n);
      break;
    case "cast": {
      const x = buf(op.x)!;
      giveBuffer(ctx, target);
      const base = dispatchOps.paramWords(ctx);
      ctx.u32[base] = n;
      const k = ctx.pipelines.get("cast_x32", { CONV: castBody(op.from, node.dtype) });
      dispatchOps.run1d(ctx, k, base, [{ binding: 1, entry: x }, { binding: 2, entry: target._buffer! }], n);
      break;
    }
    case "where": {
      const [c, a, b] = [buf(op.c), buf(op.a), buf(op.b)];
      if (!c || !a || !b) return false;
      giveBuffer(ctx, target);
      const base = dispatchOps.paramWords(ctx);
      ctx.u32[base] = n;
      dispatchOps.run1d(ctx, ctx.pipelines.get("where_x32"), base, [
        { binding: 1, entry: c },
        { binding: 2, entry: a },
        { binding: 3, entry: b },
        { binding: 4, entry: target._buffer! },
      ], n);
      break;
    }
    case "binary": {
      giveBuffer(ctx, target);
      elementwiseOps.binaryInto(ctx, op.op, op.compute, op.a, op.b, n, target._buffer!);
      break;
    }
    case "copy": {
      const x = op.x;
      const src = buf(x);
      if (!src || (x as WebGPUStorage).numel !== n) return false;
      giveBuffer(ctx, target);
      ctx.copyEncoder().copyBufferToBuffer(src.buffer, 0, target._buffer!.buffer, 0, n * 4);
      src.epoch = target._buffer!.epoch = ctx.epoch;
      break;
    }
    default:
      return false;
  }
  stored(target, node);
  return true;
}

/**
 * Carries out every pending write (in-place updates of existing buffers): the writes that share
 * buffers form one segment, computed by one invocation per element, which reads every old value
 * before storing the new ones; unrelated groups of writes (the parameters of an optimizer step)
 * are segments of as few kernels as fit. Pending values that read the old contents are computed
 * first. Where a group cannot be one segment, its new values go to temporary buffers first and
 * are copied in afterwards, so every graph still reads the old contents.
 */
function flushWrites(ctx: GpuContext, candidates: readonly WebGPUStorage[] = ctx.pending): void {
  const writes = candidates.filter((s) => s._lazy !== null && s._buffer !== null && !s.disposed);
  if (writes.length === 0) return;
  // Pending values that read what the writes overwrite go first.
  const readers = new Set<WebGPUStorage>();
  for (const w of writes) {
    for (const r of w._readers ?? []) {
      if (r._lazy !== null && r._buffer === null && !r.disposed) readers.add(r);
    }
  }
  if (readers.size > 0) computeValues(ctx, [...readers]);
  // Groups: writes connected through a buffer one of them writes.
  const parent = new Map<WebGPUStorage, WebGPUStorage>();
  const find = (x: WebGPUStorage): WebGPUStorage => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  for (const w of writes) parent.set(w, w);
  for (const w of writes) {
    for (const r of w._retains ?? []) if (parent.has(r)) parent.set(find(r), find(w));
  }
  const groups = new Map<WebGPUStorage, WebGPUStorage[]>();
  for (const w of writes) {
    const root = find(w);
    const g = groups.get(root);
    if (g) g.push(w);
    else groups.set(root, [w]);
  }
  const segments: FusedSegment<WebGPUStorage>[] = [];
  const temps: WebGPUStorage[] = [];
  for (const g of groups.values()) {
    const n = g[0].numel;
    const seg: FusedSegment<WebGPUStorage> = {
      n,
      stores: g.map((w) => ({ node: w._lazy!, target: w })),
      leafOf: ctx.leafOf,
    };
    // Matmul products inside a write's graph are computed first (temporaries stay until the
    // kernels are encoded).
    for (const w of g) for (const m of productsOf(ctx, w._lazy!)) temps.push(...productInto(ctx, m));
    if (g.every((w) => w.numel === n) && tryGenerate(ctx, [seg])) segments.push(seg);
    else writeThroughTemps(ctx, g);
  }
  emitSegments(ctx, segments);
  for (const t of temps) t.dispose();
}

/** Writes that cannot be one kernel: each new value into a temporary buffer, then copied in. */
function writeThroughTemps(ctx: GpuContext, writes: WebGPUStorage[]): void {
  const temps = writes.map((w) => {
    const tmp = new WebGPUStorage(ctx, w.dtype, w.numel, null);
    const node = w._lazy!;
    const copy = new LazyNode<WebGPUStorage>(
      w.dtype,
      w.numel,
      { kind: "copy", x: node },
      node.size + 1,
      node.words,
    );
    tmp._lazy = copy;
    emitSegments(ctx, [{ n: w.numel, stores: [{ node: copy, target: tmp }], leafOf: ctx.leafOf }]);
    return tmp;
  });
  const enc = ctx.copyEncoder();
  writes.forEach((w, k) => {
    const src = temps[k]._buffer!, dst = w._buffer!;
    enc.copyBufferToBuffer(src.buffer, 0, dst.buffer, 0, w.numel * 4);
    src.epoch = dst.epoch = ctx.epoch;
    stored(w, w._lazy!);
  });
  for (const t of temps) t.dispose();
}

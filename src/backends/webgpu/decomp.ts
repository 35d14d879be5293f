/**
 * The GPU backend's matrix-decomposition launchers (kernels in wgsl/decomp.wgsl), float32.
 * Householder QR runs one dispatch per column (the reflector, then its application to the
 * columns on its right, one invocation per matrix and column); the Jacobi iterations run one
 * invocation per matrix, a number of sweeps fixed by the size ({@link gpuSweeps}), each split over dispatches within the loop
 * budget. Free functions of the backend's {@link GpuContext}.
 * @module
 */
import type { DecompArgs, Storage } from "../backend.ts";
import { decompContract } from "../linalg_contract.ts";
import type { GpuContext } from "./context.ts";
import type { Binding } from "./shared.ts";
import type { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";
import * as transferOps from "./transfer.ts";

/**
 * Jacobi sweeps on the GPU, which cannot stop at convergence without a read-back: cyclic Jacobi
 * converges quadratically, in a number of sweeps that grows like log n (a 100x100 matrix with
 * condition number 1e5 needed 16 sweeps in float32; 12 left its smallest singular values 13% off),
 * so max(12, 3·log2 n); converged matrices skip their remaining rotations.
 */
export function gpuSweeps(n: number): number {
  return Math.max(12, Math.ceil(3 * Math.log2(Math.max(n, 2))));
}

function checkFloat32(op: string, s: WebGPUStorage): void {
  if (s.dtype !== "float32") throw new TypeError(`${op}: the GPU computes float32 matrices, got ${s.dtype}`);
}

/** Rotations of one sweep per dispatch, within the loop budget (`perRotation` iterations each). */
function rotationsPer(ctx: GpuContext, op: string, perRotation: number): number {
  if (perRotation + 2 > ctx.loopBudget) {
    throw new RangeError(
      `${op}: matrices this large need ${perRotation} iterations per rotation, over this GPU's loop budget ` +
        `(${ctx.loopBudget} per invocation); decompose them on the CPU`,
    );
  }
  return Math.max(1, Math.floor(ctx.loopBudget / (perRotation + 2)));
}

/** W = A and V = the identity (`rows`×`cols`), one 1-d dispatch. */
function init(
  ctx: GpuContext,
  a: WebGPUStorage,
  w: WebGPUStorage,
  v: WebGPUStorage,
  batch: number,
  len: number,
  rows: number,
  cols: number,
): void {
  const base = dispatchOps.paramWords(ctx);
  ctx.u32.set([batch, len, rows, cols], base);
  dispatchOps.run1d(ctx, ctx.pipelines.get("decomp_init"), base, [
    { binding: 1, entry: ctx.entryOf(a) },
    { binding: 2, entry: ctx.entryOf(w) },
    { binding: 3, entry: ctx.entryOf(v) },
  ], batch * (len + rows * cols));
}

/** See `Backend.geqrf` (float32). */
export function geqrf(
  ctx: GpuContext,
  a: Storage,
  args: DecompArgs,
): { h: WebGPUStorage; tau: WebGPUStorage } {
  const s = ctx.storage("geqrf", a);
  const { batch, m, n } = args, k = Math.min(m, n);
  decompContract("geqrf", s, batch, m, n);
  checkFloat32("geqrf", s);
  const h = ctx.alloc("float32", batch * m * n), tau = ctx.alloc("float32", batch * k);
  if (batch * k === 0) return { h: checksOps.inherit(h, s), tau: checksOps.inherit(tau, s) };
  if (2 * m + 2 > ctx.loopBudget) {
    h.dispose();
    tau.dispose();
    throw new RangeError(`geqrf: ${m} rows exceed this GPU's loop budget (${ctx.loopBudget}); use the CPU`);
  }
  init(ctx, s, h, tau, batch, m * n, 0, 0);
  const hb: Binding = { binding: 2, entry: ctx.entryOf(h) },
    tb: Binding = { binding: 3, entry: ctx.entryOf(tau) };
  const house = ctx.pipelines.get("geqrf_house"), apply = ctx.pipelines.get("geqrf_apply");
  for (let j = 0; j < k; j++) {
    let base = dispatchOps.paramWords(ctx);
    ctx.u32.set([batch, m, n, j], base);
    dispatchOps.run1d(ctx, house, base, [hb, tb], batch);
    if (j + 1 < n) {
      base = dispatchOps.paramWords(ctx);
      ctx.u32.set([batch, m, n, j], base);
      dispatchOps.run1d(ctx, apply, base, [hb, tb], batch * (n - j - 1));
    }
  }
  return { h: checksOps.inherit(h, s), tau: checksOps.inherit(tau, s) };
}

/** See `Backend.orgqr` (float32). */
export function orgqr(
  ctx: GpuContext,
  h: Storage,
  tau: Storage,
  args: DecompArgs & { cols: number },
): WebGPUStorage {
  const hs = ctx.storage("orgqr", h), ts = ctx.storage("orgqr", tau);
  const { batch, m, n, cols } = args, k = Math.min(m, n);
  decompContract("orgqr", hs, batch, m, n);
  checkFloat32("orgqr", hs);
  const q = ctx.alloc("float32", batch * m * cols);
  if (batch * m * cols === 0) return checksOps.inherit(q, hs, ts);
  const qb: Binding = { binding: 3, entry: ctx.entryOf(q) };
  let base = dispatchOps.paramWords(ctx);
  ctx.u32.set([batch, m, cols], base);
  dispatchOps.run1d(ctx, ctx.pipelines.get("orgqr_init"), base, [qb], batch * m * cols);
  const apply = ctx.pipelines.get("orgqr_apply");
  for (let j = Math.min(k, cols) - 1; j >= 0; j--) {
    base = dispatchOps.paramWords(ctx);
    ctx.u32.set([batch, m, n, cols, j], base);
    dispatchOps.run1d(ctx, apply, base, [
      { binding: 1, entry: ctx.entryOf(hs) },
      { binding: 2, entry: ctx.entryOf(ts) },
      qb,
    ], batch * (cols - j));
  }
  return checksOps.inherit(q, hs, ts);
}

/** Runs {@link gpuSweeps} sweeps of n(n-1)/2 rotations of `kernel`, `per` rotations a dispatch. */
function sweeps(
  ctx: GpuContext,
  kernel: string,
  head: number[],
  n: number,
  per: number,
  bindings: Binding[],
  batch: number,
): void {
  const rotations = (n * (n - 1)) / 2, k = ctx.pipelines.get(kernel);
  for (let sweep = 0, count = gpuSweeps(n); sweep < count; sweep++) {
    for (let r0 = 0; r0 < rotations; r0 += per) {
      const base = dispatchOps.paramWords(ctx);
      ctx.u32.set([...head, r0, Math.min(rotations, r0 + per)], base);
      dispatchOps.run1d(ctx, k, base, bindings, batch);
    }
  }
}

/** See `Backend.eighJacobi` (float32). */
export function eighJacobi(
  ctx: GpuContext,
  a: Storage,
  args: DecompArgs,
): { w: WebGPUStorage; v: WebGPUStorage } {
  const s = ctx.storage("eighJacobi", a);
  const { batch, n } = args;
  decompContract("eighJacobi", s, batch, n, n);
  checkFloat32("eighJacobi", s);
  const per = rotationsPer(ctx, "eighJacobi", 3 * n);
  const w = ctx.alloc("float32", batch * n * n), v = ctx.alloc("float32", batch * n * n);
  if (batch * n === 0) return { w: checksOps.inherit(w, s), v: checksOps.inherit(v, s) };
  init(ctx, s, w, v, batch, n * n, n, n);
  sweeps(ctx, "eighJacobi", [batch, n], n, per, [
    { binding: 2, entry: ctx.entryOf(w) },
    { binding: 3, entry: ctx.entryOf(v) },
  ], batch);
  return { w: checksOps.inherit(w, s), v: checksOps.inherit(v, s) };
}

/** See `Backend.svdJacobi` (float32). */
export function svdJacobi(
  ctx: GpuContext,
  a: Storage,
  args: DecompArgs,
): { b: WebGPUStorage; v: WebGPUStorage } {
  const s = ctx.storage("svdJacobi", a);
  const { batch, m, n } = args;
  decompContract("svdJacobi", s, batch, m, n);
  checkFloat32("svdJacobi", s);
  if (m < n) throw new RangeError(`svdJacobi: expected m >= n, got ${m}x${n}`);
  const per = rotationsPer(ctx, "svdJacobi", 2 * m + n);
  const b = ctx.alloc("float32", batch * m * n), v = ctx.alloc("float32", batch * n * n);
  if (batch * n === 0) return { b: checksOps.inherit(b, s), v: checksOps.inherit(v, s) };
  init(ctx, s, b, v, batch, m * n, n, n);
  sweeps(ctx, "svdJacobi", [batch, m, n], n, per, [
    { binding: 2, entry: ctx.entryOf(b) },
    { binding: 3, entry: ctx.entryOf(v) },
  ], batch);
  return { b: checksOps.inherit(b, s), v: checksOps.inherit(v, s) };
}

/** See `Backend.getrf` (float32): one pivot dispatch and one update dispatch per column. */
export function getrf(
  ctx: GpuContext,
  a: Storage,
  args: DecompArgs,
): { lu: WebGPUStorage; pivots: WebGPUStorage; info: WebGPUStorage } {
  const s = ctx.storage("getrf", a);
  const { batch, m, n } = args, k = Math.min(m, n);
  decompContract("getrf", s, batch, m, n);
  checkFloat32("getrf", s);
  const lu = ctx.alloc("float32", batch * m * n), pivots = ctx.alloc("float32", batch * k);
  const info = ctx.alloc("float32", batch);
  const done = () => ({
    lu: checksOps.inherit(lu, s),
    pivots: checksOps.inherit(pivots, s),
    info: checksOps.inherit(info, s),
  });
  if (batch * m * n === 0) {
    if (batch > 0) transferOps.fillEntry(ctx, ctx.entryOf(info), batch, 0);
    return done();
  }
  if (m + n + 2 > ctx.loopBudget) {
    lu.dispose();
    pivots.dispose();
    info.dispose();
    throw new RangeError(
      `getrf: ${m}x${n} matrices exceed this GPU's loop budget (${ctx.loopBudget}); use the CPU`,
    );
  }
  init(ctx, s, lu, info, batch, m * n, 0, 0);
  transferOps.fillEntry(ctx, ctx.entryOf(info), batch, 0);
  const w: Binding = { binding: 2, entry: ctx.entryOf(lu) };
  const pivot = ctx.pipelines.get("getrf_pivot"), update = ctx.pipelines.get("getrf_update");
  for (let j = 0; j < k; j++) {
    let base = dispatchOps.paramWords(ctx);
    ctx.u32.set([batch, m, n, j], base);
    dispatchOps.run1d(ctx, pivot, base, [w, { binding: 3, entry: ctx.entryOf(pivots) }, {
      binding: 4,
      entry: ctx.entryOf(info),
    }], batch);
    if (j + 1 < n) {
      base = dispatchOps.paramWords(ctx);
      ctx.u32.set([batch, m, n, j], base);
      dispatchOps.run1d(ctx, update, base, [w], batch * (n - j - 1));
    }
  }
  return done();
}

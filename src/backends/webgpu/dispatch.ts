/**
 * The GPU backend's dispatches: uniform slots (each dispatch's parameter words), the bind group
 * cache, and the grids and slices that keep work within the device's limits and the loop budget.
 * Free functions of the backend's {@link GpuContext}.
 * @module
 */
import type { GpuContext } from "./context.ts";
import type { PoolEntry } from "./buffer_pool.ts";
import type { Kernel } from "./pipelines.ts";
import { type Binding, ceilDiv, MAX_BATCH, MAX_BIND_GROUPS, WG } from "./shared.ts";

/** @internal Reserves the next dispatch's uniform slot; returns its first 32-bit word index. */
export function paramWords(ctx: GpuContext): number {
  if (ctx.dispatches >= MAX_BATCH) ctx.submit();
  ctx.encoderNow();
  const base = (ctx.dispatches * ctx.slot) >>> 2;
  ctx.u32.fill(0, base, base + (ctx.slot >>> 2));
  return base;
}

/** @internal Encodes a dispatch whose parameters were just written at `base` (from {@link _paramWords}). */
export function dispatch(
  ctx: GpuContext,
  k: Kernel,
  base: number,
  bindings: Binding[],
  x: number,
  y = 1,
  z = 1,
): void {
  const pipeline = k.pipeline ?? ctx.pipelines.pipeline(k, bindings.map((b) => b.binding));
  const group = bindGroup(ctx, k, bindings);
  const enc = ctx.encoderNow();
  if (!ctx.pass) ctx.pass = enc.beginComputePass();
  ctx.pass.setPipeline(pipeline);
  ctx.pass.setBindGroup(0, group, [base * 4]);
  ctx.pass.dispatchWorkgroups(x, y, z);
  ctx.dispatches++;
  ctx.dispatchTotal++;
  ctx.trace?.push(k.name);
}

/**
 * The bind group of kernel `k` over `bindings`' buffers: made once per (kernel, buffers) and
 * kept while the buffers live (the uniform parameters are bound at a dynamic offset, so a
 * training loop, whose steps reuse the same pooled buffers, creates almost none).
 */
function bindGroup(ctx: GpuContext, k: Kernel, bindings: Binding[]): GPUBindGroup {
  let key = String(k.id);
  for (const b of bindings) {
    key += `,${b.entry.id}`;
    b.entry.epoch = ctx.epoch;
  }
  const hit = ctx.groups.get(key);
  if (hit) return hit.group;
  if (ctx.groups.size >= MAX_BIND_GROUPS) dropBindGroups(ctx);
  const entries: GPUBindGroupEntry[] = [
    { binding: 0, resource: { buffer: ctx.uniform, offset: 0, size: ctx.slot } },
  ];
  const used: PoolEntry[] = [];
  for (const b of bindings) {
    entries.push({ binding: b.binding, resource: { buffer: b.entry.buffer } });
    (b.entry.groups ??= []).push(key);
    used.push(b.entry);
  }
  const group = ctx.gpu.createBindGroup({ layout: k.layout!, entries });
  ctx.bindGroupsCreated++;
  ctx.groups.set(key, { group, entries: used });
  return group;
}

/** Forgets every cached bind group. */
function dropBindGroups(ctx: GpuContext): void {
  for (const { entries } of ctx.groups.values()) for (const e of entries) e.groups = null;
  ctx.groups.clear();
}

/** @internal Grid of `groups` workgroups, folded into 2-d when it exceeds the per-dimension limit. */
export function grid(ctx: GpuContext, groups: number): [number, number] {
  const max = ctx.maxGroups;
  if (groups <= max) return [Math.max(groups, 1), 1];
  const y = ceilDiv(groups, max);
  if (y > max) throw new RangeError(`gpu: a dispatch of ${groups} workgroups is too large`);
  return [ceilDiv(groups, y), y];
}

/**
 * `[lo, hi)` slices of `0 .. len` for a loop that advances `step` per `iters` iterations, each
 * slice within the loop budget (one slice when the whole range fits); slice bounds are multiples
 * of `step`.
 * @internal
 */
export function slices(ctx: GpuContext, len: number, step: number, iters: number): [number, number][] {
  const size = Math.max(1, Math.floor(ctx.loopBudget / iters)) * step;
  const out: [number, number][] = [];
  for (let lo = 0; lo < len; lo += size) out.push([lo, Math.min(len, lo + size)]);
  return out;
}

/** @internal Dispatches a 1-d kernel over `threads` invocations (256 per workgroup). */
export function run1d(
  ctx: GpuContext,
  k: Kernel,
  base: number,
  bindings: Binding[],
  threads: number,
): void {
  const [x, y] = grid(ctx, ceilDiv(threads, WG));
  dispatch(ctx, k, base, bindings, x, y);
}

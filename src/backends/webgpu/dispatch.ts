/**
 * The GPU backend's dispatches: uniform slots (each dispatch's parameter words), the bind group
 * cache, and the grids and slices that keep work within the device's limits and the loop budget.
 * Free functions of the {@link WebGPUBackend} they are called on.
 * @module
 */
import type { WebGPUBackend } from "./backend.ts";
import type { PoolEntry } from "./buffer_pool.ts";
import type { Kernel } from "./pipelines.ts";
import { type Binding, ceilDiv, MAX_BATCH, MAX_BIND_GROUPS, WG } from "./shared.ts";

/** @internal Reserves the next dispatch's uniform slot; returns its first 32-bit word index. */
export function paramWords(be: WebGPUBackend): number {
  if (be._dispatches >= MAX_BATCH) be._submit();
  be._encoderNow();
  const base = (be._dispatches * be._slot) >>> 2;
  be._u32.fill(0, base, base + (be._slot >>> 2));
  return base;
}

/** @internal Encodes a dispatch whose parameters were just written at `base` (from {@link _paramWords}). */
export function dispatch(
  be: WebGPUBackend,
  k: Kernel,
  base: number,
  bindings: Binding[],
  x: number,
  y = 1,
  z = 1,
): void {
  const pipeline = k.pipeline ?? be._pipelines.pipeline(k, bindings.map((b) => b.binding));
  const group = bindGroup(be, k, bindings);
  const enc = be._encoderNow();
  if (!be._pass) be._pass = enc.beginComputePass();
  be._pass.setPipeline(pipeline);
  be._pass.setBindGroup(0, group, [base * 4]);
  be._pass.dispatchWorkgroups(x, y, z);
  be._dispatches++;
  be._dispatchTotal++;
  be._trace?.push(k.name);
}

/**
 * The bind group of kernel `k` over `bindings`' buffers: made once per (kernel, buffers) and
 * kept while the buffers live (the uniform parameters are bound at a dynamic offset, so a
 * training loop, whose steps reuse the same pooled buffers, creates almost none).
 */
function bindGroup(be: WebGPUBackend, k: Kernel, bindings: Binding[]): GPUBindGroup {
  let key = String(k.id);
  for (const b of bindings) {
    key += `,${b.entry.id}`;
    b.entry.epoch = be._epoch;
  }
  const hit = be._groups.get(key);
  if (hit) return hit.group;
  if (be._groups.size >= MAX_BIND_GROUPS) dropBindGroups(be);
  const entries: GPUBindGroupEntry[] = [
    { binding: 0, resource: { buffer: be._uniform, offset: 0, size: be._slot } },
  ];
  const used: PoolEntry[] = [];
  for (const b of bindings) {
    entries.push({ binding: b.binding, resource: { buffer: b.entry.buffer } });
    (b.entry.groups ??= []).push(key);
    used.push(b.entry);
  }
  const group = be.gpu.createBindGroup({ layout: k.layout!, entries });
  be._bindGroupsCreated++;
  be._groups.set(key, { group, entries: used });
  return group;
}

/** Forgets every cached bind group. */
function dropBindGroups(be: WebGPUBackend): void {
  for (const { entries } of be._groups.values()) for (const e of entries) e.groups = null;
  be._groups.clear();
}

/** @internal Grid of `groups` workgroups, folded into 2-d when it exceeds the per-dimension limit. */
export function grid(be: WebGPUBackend, groups: number): [number, number] {
  const max = be._maxGroups;
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
export function slices(be: WebGPUBackend, len: number, step: number, iters: number): [number, number][] {
  const size = Math.max(1, Math.floor(be._loopBudget / iters)) * step;
  const out: [number, number][] = [];
  for (let lo = 0; lo < len; lo += size) out.push([lo, Math.min(len, lo + size)]);
  return out;
}

/** @internal Dispatches a 1-d kernel over `threads` invocations (256 per workgroup). */
export function run1d(
  be: WebGPUBackend,
  k: Kernel,
  base: number,
  bindings: Binding[],
  threads: number,
): void {
  const [x, y] = grid(be, ceilDiv(threads, WG));
  dispatch(be, k, base, bindings, x, y);
}

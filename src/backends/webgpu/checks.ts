/**
 * Checks found on the device: index bounds the GPU verifies while it runs an op, read back lazily
 * (see the module documentation of `backend.ts`).
 * @module
 */
import type { DType } from "../../dtype.ts";
import { f32Bits } from "../../half.ts";
import type { Storage } from "../backend.ts";
import { badIndexError } from "../contract.ts";
import type { GpuContext } from "./context.ts";
import { bufferId, type PoolEntry } from "./buffer_pool.ts";
import { wgslSnippet } from "./pipelines.ts";
import { MAP_READ, STORAGE_USAGE } from "./shared.ts";
import { WebGPUStorage } from "./storage.ts";
import * as dispatchOps from "./dispatch.ts";

/** Slots (4 words each) per error page. */
export const SLOTS_PER_PAGE = 256;
/** Pending checks that start a background resolution. */
export const MAX_PENDING_CHECKS = 1024;

/**
 * A check the GPU runs for one op: its kernel flags bad elements in the check's slot of the error
 * pages (word 0: failed, word 1: ~position of the first bad element, word 3: its bits). Storages
 * computed from the op's result carry the check (`WebGPUStorage._checks`).
 */
export class DeviceCheck {
  /** Order of creation (the earliest failure is reported first). */
  readonly seq: number;
  /** Global slot index while pending or resolving; -1 once resolved. */
  slot: number;
  /** Set once resolved with a bad element: makes the error (a fresh object per read). */
  failure: (() => Error) | null = null;
  /** True once the slot was read back. */
  resolved = false;
  /** The read that resolves it, once one started. */
  resolving: Promise<void> | null = null;
  readonly #makeError: (bits: number) => Error;

  /** @internal made by the backend */
  constructor(seq: number, slot: number, makeError: (bits: number) => Error) {
    this.seq = seq;
    this.slot = slot;
    this.#makeError = makeError;
  }

  /** @internal records the slot's words (failed flag, position, value bits) */
  _settle(words: Uint32Array): void {
    this.resolved = true;
    this.slot = -1;
    if (words[0] !== 0) {
      const bits = words[3];
      this.failure = () => this.#makeError(bits);
    }
  }
}

/** The checks of `lists` that may still fail, deduplicated, or null when none. */
export function liveChecks(lists: (readonly DeviceCheck[] | null)[]): DeviceCheck[] | null {
  let seen: Set<DeviceCheck> | null = null;
  for (const list of lists) {
    if (!list) continue;
    for (const c of list) {
      if (c.resolved && !c.failure) continue;
      (seen ??= new Set()).add(c);
    }
  }
  return seen ? [...seen] : null;
}

/** A new pending check with a free slot of the error pages (see {@link DeviceCheck}). */
export function newCheck(ctx: GpuContext, makeError: (bits: number) => Error): DeviceCheck {
  if (ctx.pendingChecks.length >= MAX_PENDING_CHECKS) {
    // Nobody read for a long time: resolve in the background so that slots come back.
    resolvePending(ctx).catch(() => {});
  }
  if (ctx.freeSlots.length === 0) {
    const page = ctx.errorPages.length;
    // New buffers are zero-filled, which is the clear state of a slot.
    const buffer = ctx.gpu.createBuffer({
      size: SLOTS_PER_PAGE * 16,
      usage: STORAGE_USAGE,
      label: `edgetorch checks ${page}`,
    });
    ctx.errorPages.push({ buffer, id: bufferId(), size: SLOTS_PER_PAGE * 16, epoch: -1, live: true });
    for (let i = SLOTS_PER_PAGE - 1; i >= 0; i--) ctx.freeSlots.push(page * SLOTS_PER_PAGE + i);
  }
  const c = new DeviceCheck(++ctx.checkSeq, ctx.freeSlots.pop()!, makeError);
  ctx.pendingChecks.push(c);
  return c;
}

/** The page holding a check's slot and the slot's index within it. */
export function slotOf(ctx: GpuContext, c: DeviceCheck): [PoolEntry, number] {
  return [ctx.errorPages[Math.floor(c.slot / SLOTS_PER_PAGE)], c.slot % SLOTS_PER_PAGE];
}

/**
 * Copies the slots of every pending check to a staging buffer (clearing them for reuse), submits
 * everything encoded, and settles the checks once the copy is mapped. Every read calls it, so the
 * number of pending checks stays small.
 */
export function resolvePending(ctx: GpuContext): Promise<void> {
  const checks = ctx.pendingChecks;
  ctx.pendingChecks = [];
  if (checks.length === 0) {
    ctx.flush();
    return Promise.resolve();
  }
  const bytes = checks.length * 16;
  const staging = ctx.staging.acquire(bytes);
  const enc = ctx.copyEncoder();
  checks.forEach((c, i) => {
    const [page, slot] = slotOf(ctx, c);
    enc.copyBufferToBuffer(page.buffer, slot * 16, staging.buffer, i * 16, 16);
    enc.clearBuffer(page.buffer, slot * 16, 16);
  });
  ctx.flush();
  const done = (async () => {
    let words: Uint32Array;
    try {
      await staging.buffer.mapAsync(MAP_READ, 0, bytes);
      words = new Uint32Array(staging.buffer.getMappedRange(0, bytes).slice(0));
      staging.buffer.unmap();
    } finally {
      ctx.staging.release(staging);
    }
    checks.forEach((c, i) => {
      ctx.freeSlots.push(c.slot);
      c._settle(words.subarray(i * 4, i * 4 + 4));
    });
  })();
  for (const c of checks) c.resolving = done;
  return done;
}

/** Rejects with the earliest failed check `st` depends on (waiting for checks being resolved). */
export async function throwIfFailed(st: WebGPUStorage): Promise<void> {
  const list = st._checks;
  if (!list) return;
  for (const c of list) if (!c.resolved) await c.resolving;
  let first: DeviceCheck | null = null;
  for (const c of list) if (c.failure && (first === null || c.seq < first.seq)) first = c;
  if (first) throw first.failure!();
}

/** Makes `out` depend on the checks of `inputs` (and its own, for in-place writes); returns `out`. */
export function inherit<T extends WebGPUStorage>(
  out: T,
  ...inputs: (Storage | number | null | undefined)[]
): T {
  const lists: (DeviceCheck[] | null)[] = [out._checks];
  for (const x of inputs) if (x instanceof WebGPUStorage) lists.push(x._checks);
  out._checks = liveChecks(lists);
  return out;
}

/** Adds check `c` to `out`'s checks. */
function attach(out: WebGPUStorage, c: DeviceCheck): void {
  out._checks = out._checks ? [...out._checks, c] : [c];
}

/**
 * A range check of an op's input, for ops whose CPU form reads the values and throws at once
 * (reading a GPU tensor inside an op would be a hidden sync point): every element of `x` must
 * lie in `[lo, hi]` (NaN fails), or equal `allow`. When the host knows the contents (see
 * `fromTyped`), a bad element throws `message(value)` now; otherwise the device checks them, and
 * the returned one-element storage of `dtype` holding 1 carries the check: a result multiplied by
 * it (and everything computed from that, gradients included) rejects its reads with
 * `message(firstBadValue)` when an element fails.
 */
export function rangeGuard(
  ctx: GpuContext,
  x: Storage,
  lo: number,
  hi: number,
  allow: number | null,
  message: (value: number) => string,
  dtype: DType = "float32",
): WebGPUStorage {
  const s = ctx.storage("rangeGuard", x);
  const one = ctx.backend.full(dtype, 1, 1);
  if (s.numel === 0) return one;
  const bad = (v: number) => !(v >= lo && v <= hi) && v !== allow;
  if (s._host) {
    for (const v of s._host) if (bad(v)) throw new RangeError(message(v));
    return one;
  }
  const isFloat = s.dtype === "float32" || s.dtype === "float16";
  const c = newCheck(ctx, (bits) => {
    const v = isFloat ? new Float32Array(new Uint32Array([bits]).buffer)[0] : bits | 0;
    return new RangeError(message(v));
  });
  const e = ctx.entryOf(s);
  const base = dispatchOps.paramWords(ctx);
  const [page, slot] = slotOf(ctx, c);
  const word = (v: number) =>
    isFloat ? f32Bits(v) : Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Math.trunc(v))) >>> 0;
  ctx.u32.set([
    s.numel,
    slot,
    word(lo),
    word(hi),
    allow === null ? 0 : word(allow),
    allow === null ? 0 : 1,
  ], base);
  const k = ctx.pipelines.get("rangeGuard", {
    T: isFloat ? "f32" : "i32",
    NAN: isFloat ? "(bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u" : "false",
  });
  dispatchOps.run1d(ctx, k, base, [{ binding: 2, entry: e }, { binding: 5, entry: page }], s.numel);
  errorValue(ctx, c, e);
  inherit(one, s);
  attach(one, c);
  return one;
}

/** Makes `target` depend on the device checks `source` depends on (see {@link rangeGuard}). */
export function adoptChecks(ctx: GpuContext, target: Storage, source: Storage): void {
  inherit(ctx.operand("adoptChecks", target), ctx.operand("adoptChecks", source));
}

/** Synchronous check from the host copy; returns false when the contents are unknown. */
function hostCheck(op: string, idx: WebGPUStorage, len: number): boolean {
  const h = idx._host;
  if (!h) return false;
  for (let i = 0; i < h.length; i++) {
    const v = h[i];
    if (v < 0 || v >= len) throw badIndexError(op, v, len);
  }
  return true;
}

/** Encodes the dispatch that copies the first bad element of `src` into check `c`'s slot. */
export function errorValue(ctx: GpuContext, c: DeviceCheck, src: PoolEntry): void {
  const [page, slot] = slotOf(ctx, c);
  const base = dispatchOps.paramWords(ctx);
  ctx.u32[base] = slot;
  dispatchOps.dispatch(ctx, ctx.pipelines.get("error_value"), base, [
    { binding: 2, entry: src },
    { binding: 5, entry: page },
  ], 1);
}

/** Checks the index now when its contents are known; else returns the check the GPU runs. */
export function indexCheck(
  ctx: GpuContext,
  op: string,
  idx: WebGPUStorage,
  len: number,
): DeviceCheck | null {
  if (hostCheck(op, idx, len)) return null;
  return newCheck(ctx, (bits) => badIndexError(op, bits | 0, len));
}

/** Validates a whole index on the GPU (used when no kernel visits every index element). */
export function checkIndexGpu(ctx: GpuContext, c: DeviceCheck, idx: WebGPUStorage, len: number): void {
  const e = ctx.entryOf(idx);
  const [page, slot] = slotOf(ctx, c);
  const base = dispatchOps.paramWords(ctx);
  ctx.u32[base] = idx.numel;
  ctx.u32[base + 1] = len;
  ctx.u32[base + 2] = slot;
  dispatchOps.run1d(ctx, ctx.pipelines.get("first_bad_index"), base, [
    { binding: 2, entry: e },
    { binding: 5, entry: page },
  ], idx.numel);
  errorValue(ctx, c, e);
}

export function reportSubs(c: DeviceCheck | null): Record<string, string> {
  return c
    ? { DECL_E: wgslSnippet("indexing.decl_e"), REPORT: wgslSnippet("indexing.report") }
    : { DECL_E: "", REPORT: "" };
}

/** The result of a checked index op: it depends on its inputs' checks and on its own. */
export function checkedResult(
  out: WebGPUStorage,
  c: DeviceCheck | null,
  ...inputs: Storage[]
): WebGPUStorage {
  inherit(out, ...inputs);
  if (c) attach(out, c);
  return out;
}

/**
 * The GPU backend's uploads, fills and reads (float16 goes through `half.ts`).
 * Free functions of the backend's {@link GpuContext}.
 * @module
 */
import { checkDeviceDType, type DType, type TypedArray } from "../../dtype.ts";
import type { Storage } from "../backend.ts";
import { checkCount, checkDType, checkTyped, readRange } from "../contract.ts";
import type { GpuContext } from "./context.ts";
import type { PoolEntry } from "./buffer_pool.ts";
import { f32Bits, f32BitsToHalf, halfToF32Bits } from "../../half.ts";
import { HOST_INDEX_LIMIT, MAP_READ } from "./shared.ts";
import type { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";
import * as lazyOps from "./lazy.ts";

/** Writes `data` into a storage buffer (flushing first if pending commands use the buffer). */
function upload(ctx: GpuContext, e: PoolEntry, data: ArrayBufferView): void {
  if (e.epoch === ctx.epoch && ctx.encoder) ctx.submit();
  ctx.gpu.queue.writeBuffer(e.buffer, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
}

export function fromTyped(ctx: GpuContext, data: TypedArray, dtype: DType): WebGPUStorage {
  ctx.checkAlive();
  checkTyped("fromTyped", data, dtype);
  checkDeviceDType("fromTyped", dtype, "gpu");
  const n = data.length;
  const out = ctx.alloc(dtype, n);
  if (n === 0) return out;
  let words: ArrayBufferView;
  if (dtype === "float32" || dtype === "int32") {
    words = data;
  } else if (dtype === "float16") {
    const w = new Uint32Array(n);
    for (let i = 0; i < n; i++) w[i] = halfToF32Bits(data[i]);
    words = w;
  } else {
    words = Uint32Array.from(data as Uint8Array);
  }
  upload(ctx, ctx.entryOf(out), words);
  if (dtype === "int32" && n <= HOST_INDEX_LIMIT) out._host = (data as Int32Array).slice();
  return out;
}

export function full(ctx: GpuContext, dtype: DType, numel: number, value: number): WebGPUStorage {
  ctx.checkAlive();
  checkCount("full", "numel", numel);
  checkDType("full", dtype);
  checkDeviceDType("full", dtype, "gpu");
  if (numel === 0) return ctx.alloc(dtype, 0);
  let bits: number;
  if (dtype === "float32") bits = f32Bits(value);
  else if (dtype === "float16") bits = halfToF32Bits(f32BitsToHalf(f32Bits(value)));
  else if (dtype === "bool") bits = value !== 0 ? 1 : 0;
  else {
    const v = Number.isFinite(value) ? Math.trunc(value) : 0;
    bits = dtype === "uint8" ? v & 255 : v | 0;
  }
  // Pending: a graph that reads it reads one uniform word.
  const out = lazyOps.lazy(ctx, dtype, numel, [], () => ({ kind: "fill", bits: bits >>> 0 }));
  if (dtype === "int32" && numel <= HOST_INDEX_LIMIT) out._host = new Int32Array(numel).fill(bits | 0);
  return out;
}

/** @internal used by the launcher files */
export function fillEntry(ctx: GpuContext, e: PoolEntry, numel: number, bits: number): void {
  if (bits === 0) {
    ctx.copyEncoder().clearBuffer(e.buffer, 0, numel * 4);
    e.epoch = ctx.epoch;
    return;
  }
  const base = dispatchOps.paramWords(ctx);
  ctx.u32[base] = numel;
  ctx.u32[base + 1] = bits >>> 0;
  dispatchOps.run1d(ctx, ctx.pipelines.get("full"), base, [{ binding: 1, entry: e }], numel);
}

/**
 * A storage of `numel` elements whose contents are unspecified (a pooled buffer as it was left):
 * for results that a kernel or `copy` overwrites entirely, it saves `full`'s clear.
 */
export function empty(ctx: GpuContext, dtype: DType, numel: number): WebGPUStorage {
  ctx.checkAlive();
  checkCount("empty", "numel", numel);
  checkDType("empty", dtype);
  checkDeviceDType("empty", dtype, "gpu");
  return ctx.alloc(dtype, numel);
}

export function readSync(ctx: GpuContext, s: Storage, _offset?: number, _count?: number): TypedArray {
  ctx.operand("readSync", s);
  throw new Error(
    "readSync: a gpu tensor cannot be read synchronously; use await t.dataAsync() " +
      '(or itemAsync() / toArrayAsync()), or move it with t.to("cpu") after awaiting',
  );
}

export async function read(
  ctx: GpuContext,
  s: Storage,
  offset?: number,
  count?: number,
): Promise<TypedArray> {
  const st = ctx.storage("read", s);
  const [from, to] = readRange("read", st.numel, offset, count);
  const n = to - from;
  const bytes = n * 4;
  let staging: PoolEntry | null = null;
  if (n > 0) {
    staging = ctx.staging.acquire(bytes);
    ctx.copyEncoder().copyBufferToBuffer(ctx.entryOf(st).buffer, from * 4, staging.buffer, 0, bytes);
  }
  const checks = checksOps.resolvePending(ctx);
  let words: Uint32Array | null = null;
  if (staging) {
    try {
      await staging.buffer.mapAsync(MAP_READ, 0, bytes);
      words = new Uint32Array(staging.buffer.getMappedRange(0, bytes).slice(0));
      staging.buffer.unmap();
    } finally {
      ctx.staging.release(staging);
    }
  }
  await checks;
  await ctx.gpuErrors.settle("read");
  await checksOps.throwIfFailed(st);
  return decode(st.dtype, words ?? new Uint32Array(0));
}

function decode(dtype: DType, words: Uint32Array): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(words.buffer, words.byteOffset, words.length);
    case "int32":
      return new Int32Array(words.buffer, words.byteOffset, words.length);
    case "float16": {
      const out = new Uint16Array(words.length);
      for (let i = 0; i < words.length; i++) out[i] = f32BitsToHalf(words[i]);
      return out;
    }
    case "uint8":
    case "bool":
      return Uint8Array.from(words);
    case "float64":
      throw new TypeError("read: float64 storages never live on the gpu");
    case "complex64":
      throw new TypeError("read: complex64 has no storage of its own (it views float32 pairs)");
  }
}

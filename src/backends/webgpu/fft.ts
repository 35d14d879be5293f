/**
 * The GPU backend's FFT launcher (kernels in wgsl/fft.wgsl), float32 pairs: power-of-two lengths
 * by log2(n) Stockham radix-2 dispatches; other lengths by Bluestein's chirp z around two
 * power-of-two transforms of length m >= 2n - 1 (three chirp products). The tables (roots,
 * chirps, kernels) are computed in float64 on the host (src/backends/fft_tables.ts) and kept on
 * the device per length. The chirp-product kernel also serves elementwise complex64 products
 * (`complexMul`). Free functions of the backend's {@link GpuContext}.
 * @module
 */
import type { FftArgs, Storage } from "../backend.ts";
import { complexMulContract, fftContract } from "../contract_fft.ts";
import { bluesteinTables, halfRoots } from "../fft_tables.ts";
import type { GpuContext } from "./context.ts";
import type { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";
import * as transferOps from "./transfer.ts";

/** Tables per context: `roots:n`, `chirp:n`, `fwd:n`, `inv:n` (at most TABLES lengths). */
const tables = new WeakMap<GpuContext, Map<string, WebGPUStorage>>();
const TABLES = 64;

function table(ctx: GpuContext, key: string, make: () => Float64Array): WebGPUStorage {
  let map = tables.get(ctx);
  if (map === undefined) tables.set(ctx, map = new Map());
  let t = map.get(key);
  if (t === undefined || t.disposed) {
    const v = make();
    // At least one pair: a zero-length binding is not allowed.
    t = transferOps.fromTyped(ctx, v.length > 0 ? Float32Array.from(v) : new Float32Array(2), "float32");
    if (map.size >= TABLES) {
      const [k, old] = map.entries().next().value!;
      map.delete(k);
      old.dispose();
    }
    map.set(key, t);
  }
  return t;
}

function isPow2(n: number): boolean {
  return (n & (n - 1)) === 0;
}

/** Unnormalised transforms of `batch` rows of power-of-two n from `src` into a new storage. */
function stockham(
  ctx: GpuContext,
  src: WebGPUStorage,
  batch: number,
  n: number,
  inverse: boolean,
): WebGPUStorage {
  const roots = ctx.entryOf(table(ctx, `roots:${n}`, () => halfRoots(n)));
  const stages = Math.log2(n), half = n / 2;
  const out = ctx.alloc("float32", batch * n * 2);
  if (stages === 0) {
    chirp(ctx, src, out, batch, 1, 1, 1, table(ctx, "one", () => Float64Array.of(1, 0)), false);
    return out;
  }
  const tmp = stages > 1 ? ctx.alloc("float32", batch * n * 2) : null;
  try {
    const k = ctx.pipelines.get("fftStage");
    let from = src;
    for (let j = 0, s = 1; j < stages; j++, s *= 2) {
      // The last stage writes `out`.
      const to = (stages - 1 - j) % 2 === 0 ? out : tmp!;
      const base = dispatchOps.paramWords(ctx);
      ctx.u32.set([batch * half, half, s, half / s, inverse ? 1 : 0], base);
      dispatchOps.run1d(ctx, k, base, [
        { binding: 1, entry: ctx.entryOf(from) },
        { binding: 2, entry: ctx.entryOf(to) },
        { binding: 3, entry: roots },
      ], batch * half);
      from = to;
    }
  } finally {
    tmp?.dispose();
  }
  return out;
}

/** fftChirp: `dst[b, j] = src[b, j] c[j]` (j < valid, else 0) for rows of `outRow` from rows of `inRow`. */
function chirp(
  ctx: GpuContext,
  src: WebGPUStorage,
  dst: WebGPUStorage,
  batch: number,
  outRow: number,
  inRow: number,
  valid: number,
  c: WebGPUStorage,
  conj: boolean,
): void {
  const base = dispatchOps.paramWords(ctx);
  ctx.u32.set([batch * outRow, outRow, inRow, valid, conj ? 1 : 0], base);
  dispatchOps.run1d(ctx, ctx.pipelines.get("fftChirp"), base, [
    { binding: 1, entry: ctx.entryOf(src) },
    { binding: 2, entry: ctx.entryOf(dst) },
    { binding: 3, entry: ctx.entryOf(c) },
  ], batch * outRow);
}

/** See `Backend.fft`. */
export function fft(ctx: GpuContext, x: Storage, args: FftArgs): WebGPUStorage {
  const s = ctx.storage("fft", x);
  fftContract(s, args);
  const { batch, n, inverse } = args;
  if (batch === 0) return ctx.alloc("float32", 0);
  if (isPow2(n)) return checksOps.inherit(stockham(ctx, s, batch, n, inverse), s);
  let blue: ReturnType<typeof bluesteinTables> | null = null;
  const tabs = () => blue ??= bluesteinTables(n);
  const m = tabs().m;
  // The chirp zero padded to m values: the first product reads it at every j < m.
  const c = table(ctx, `chirp:${n}`, () => {
    const padded = new Float64Array(2 * m);
    padded.set(tabs().chirp);
    return padded;
  });
  const kern = table(ctx, `${inverse ? "inv" : "fwd"}:${n}`, () => inverse ? tabs().inverse : tabs().forward);
  const a = ctx.alloc("float32", batch * m * 2);
  let spec: WebGPUStorage | null = null, back: WebGPUStorage | null = null;
  try {
    chirp(ctx, s, a, batch, m, n, n, c, inverse);
    spec = stockham(ctx, a, batch, m, false);
    chirp(ctx, spec, a, batch, m, m, m, kern, false);
    back = stockham(ctx, a, batch, m, true);
    const out = ctx.alloc("float32", batch * n * 2);
    chirp(ctx, back, out, batch, n, m, n, c, inverse);
    return checksOps.inherit(out, s);
  } finally {
    a.dispose();
    spec?.dispose();
    back?.dispose();
  }
}

/** See `Backend.complexMul`: `fftChirp` over one row of n pairs, b as its table. */
export function complexMul(
  ctx: GpuContext,
  a: Storage,
  b: Storage,
  n: number,
  conjB: boolean,
): WebGPUStorage {
  const sa = ctx.storage("complexMul", a), sb = ctx.storage("complexMul", b);
  complexMulContract(sa, sb, n);
  const out = ctx.alloc("float32", 2 * n);
  if (n > 0) chirp(ctx, sa, out, 1, n, n, n, sb, conjB);
  return checksOps.inherit(out, sa, sb);
}
